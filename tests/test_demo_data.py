"""The demo-data generator: reproducible, related, marked, searchable, removable."""

import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

from enterprises import demo
from enterprises.demo import DEMO_PREFIX, DEMO_SOURCE, Generator, delete_demo_data
from enterprises.loading import load_directory, shared_fixture_paths
from enterprises.models import (
    Enterprise,
    Exhibit,
    Exhibition,
    PolicyInitiative,
    Product,
    Recognition,
    Source,
    Tier,
)
from enterprises.models.searchable import SEARCH_COLUMNS, searchable_models
from enterprises.search import engine
from enterprises.search.text import parse_query

pytestmark = pytest.mark.django_db


def demo_rows():
    """Every demo row of every directory table, serialized."""
    out = {}
    for model in apps.get_app_config("enterprises").get_models():
        if model.__name__.startswith("Historical") or model.__name__ == "ContentVersion":
            continue  # history rows carry the time they were written
        rows = model._default_manager.order_by("pk")
        if hasattr(model, "slug") and model is not Source:
            rows = rows.filter(slug__startswith=DEMO_PREFIX)
        # Natural keys: the demo source is recreated with a new id after a delete.
        out[model._meta.label] = serializers.serialize(
            "json", rows, use_natural_foreign_keys=True, use_natural_primary_keys=model is Source
        )
    return out


def generate(count, seed=7):
    Generator(count, seed=seed, background=False).run()


def test_counts_and_relations(curated):
    generate(300)
    demo = Enterprise.objects.filter(slug__startswith=DEMO_PREFIX)
    assert demo.count() == 300
    products = Product.objects.filter(enterprise__in=demo)
    assert 300 <= products.count() <= 1500
    assert all(e.products.exists() for e in demo[:50])
    recognitions = Recognition.objects.filter(enterprise__in=demo)
    assert 300 <= recognitions.count() <= 900
    assert Exhibit.objects.filter(product__in=products).count() > 30
    assert Exhibition.objects.filter(slug__startswith=DEMO_PREFIX).count() == 300
    assert PolicyInitiative.objects.filter(slug__startswith=DEMO_PREFIX).exists()


def test_demo_rows_are_valid_and_consistent(curated):
    generate(120)
    for enterprise in Enterprise.objects.filter(slug__startswith=DEMO_PREFIX)[:120]:
        enterprise.full_clean()
        # The stored tier is the one its recognitions give.
        assert enterprise.tier == enterprise.derive_tier()[0]
        assert enterprise.name_zh_hans and enterprise.name_en
    for recognition in Recognition.objects.filter(enterprise__slug__startswith=DEMO_PREFIX):
        recognition.full_clean()
        if recognition.tier in (Tier.LITTLE_GIANT, Tier.CHAMPION):
            assert recognition.level == "national"


def test_every_demo_fact_cites_the_demo_source(curated):
    generate(50)
    demo_source = Source.objects.get(slug=DEMO_SOURCE)
    assert (
        not Recognition.objects.filter(enterprise__slug__startswith=DEMO_PREFIX)
        .exclude(source=demo_source)
        .exists()
    )
    assert (
        not Exhibit.objects.filter(product__slug__startswith=DEMO_PREFIX)
        .exclude(source=demo_source)
        .exists()
    )


def test_same_seed_same_data_other_seed_other_data(curated):
    generate(80, seed=11)
    first = demo_rows()
    delete_demo_data()
    generate(80, seed=11)
    assert demo_rows() == first
    delete_demo_data()
    generate(80, seed=12)
    assert demo_rows() != first


def test_curated_data_is_untouched(curated):
    generate(60)
    unchanged = {"unchanged": curated.totals()["created"]}
    assert load_directory(shared_fixture_paths()).totals() == unchanged
    delete_demo_data()
    assert not Enterprise.objects.filter(slug__startswith=DEMO_PREFIX).exists()
    assert not Source.objects.filter(slug=DEMO_SOURCE).exists()
    assert load_directory(shared_fixture_paths()).totals() == unchanged


def test_demo_entries_are_searchable_and_labelled(client, curated):
    generate(40)
    enterprise = Enterprise.objects.filter(
        slug__startswith=DEMO_PREFIX, status="published"
    ).first()
    city = enterprise.city_zh_hans
    hits = engine.results(engine.KINDS_BY_KEY["enterprise"], parse_query(enterprise.name_zh_hans))
    assert enterprise in hits
    assert enterprise in engine.results(engine.KINDS_BY_KEY["enterprise"], parse_query(city))
    html = client.get(enterprise.get_absolute_url()).content.decode()
    assert 'class="demo-banner"' in html
    assert "badge-demo" in client.get("/enterprises/?q=" + city).content.decode()


@pytest.mark.parametrize("model", searchable_models(), ids=lambda model: model.__name__)
def test_stored_search_documents_are_the_ones_the_models_compute(curated, model):
    """Demo rows are indexed as an editor's save would index them, so that searches and
    benchmarks meet the documents production rows have."""
    generate(60)
    sample = model.objects.filter(slug__startswith=DEMO_PREFIX).order_by("?")[:25]
    assert len(sample) > 0
    for entry in sample.select_related(*model.search_related):
        stored = [getattr(entry, column) for column in SEARCH_COLUMNS]
        entry.refresh_search_document()
        assert stored == [getattr(entry, column) for column in SEARCH_COLUMNS], entry.slug


def test_demo_rows_are_found_as_curated_rows_are(curated):
    """By the industry's name, the region's full name, a product's pinyin."""
    generate(200)
    enterprises = engine.KINDS_BY_KEY["enterprise"]
    in_jilin = Enterprise.objects.filter(slug__startswith=DEMO_PREFIX, region__code="22")
    found = engine.results(enterprises, parse_query("吉林省"))
    assert in_jilin.published().exists()
    assert set(in_jilin.published()) <= set(found)
    made = Enterprise.objects.filter(slug__startswith=DEMO_PREFIX, industry__code="C")
    assert set(made.published()[:20]) <= set(engine.results(enterprises, parse_query("制造业")))
    reducers = engine.results(engine.KINDS_BY_KEY["product"], parse_query("jiansuqi"))
    assert reducers and all("减速器" in product.name_zh_hans for product in reducers)
    # Slugs are marked as demo, numbered and made from the names.
    enterprise = made.first()
    assert enterprise.slug == enterprise.demo_slug(enterprise.pk)
    city = enterprise.city_en.lower()
    assert enterprise.slug.startswith(f"{DEMO_PREFIX}{enterprise.pk}-{city}-")


def test_tickers_stay_unique_across_runs(curated):
    generate(3000, seed=1)
    generate(3000, seed=2)
    listed = Enterprise.objects.exclude(exchange="").values_list("exchange", "ticker")
    assert len(listed) == len(set(listed)) > 0


@pytest.mark.django_db(transaction=True)
def test_background_writer_gives_the_same_rows(transactional_db):
    load_directory()
    Generator(30, seed=5, background=True).run()
    background = demo_rows()
    delete_demo_data()
    Generator(30, seed=5, background=False).run()
    assert demo_rows() == background


def test_other_processes_make_the_same_rows(curated, monkeypatch):
    """Chunks made by a pool of processes (five chunks here, the last one short) give
    exactly the rows made in this process: each chunk has its own random stream and ids."""
    monkeypatch.setattr(Generator, "chunk_size", 7)
    Generator(31, seed=9, background=False, processes=2).run()
    parallel = demo_rows()
    assert Enterprise.objects.filter(slug__startswith=DEMO_PREFIX).count() == 31
    delete_demo_data()
    Generator(31, seed=9, background=False, processes=0).run()
    assert demo_rows() == parallel


@pytest.mark.django_db(transaction=True)
def test_the_command_takes_a_number_of_processes(transactional_db):
    load_directory()
    out = io.StringIO()
    call_command("generate_demo_data", "--enterprises", "12", "--processes", "1", stdout=out)
    assert "Generated 12 demo enterprises" in out.getvalue()
    with pytest.raises(CommandError, match="--processes"):
        call_command("generate_demo_data", "--enterprises", "12", "--processes", "-1")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
def test_postgresql_tables_are_vacuumed_after_a_run(transactional_db):
    load_directory()
    Generator(30, seed=5).run()
    # Whether VACUUM ran, from its statistics: the pages it marks all-visible depend on what
    # other sessions of the server hold open at the time, so they cannot tell.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_vacuum IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = ANY(%s)",
            [[model._meta.db_table for model in CHUNK_TABLES]],
        )
        vacuumed = dict(cursor.fetchall())
    assert len(vacuumed) == len(CHUNK_TABLES), vacuumed
    assert all(vacuumed.values()), vacuumed


def test_command_needs_the_reference_data(db):
    with pytest.raises(CommandError, match="load_directory"):
        call_command("generate_demo_data", "--enterprises", "5")


def test_command_refuses_a_negative_count(db):
    with pytest.raises(CommandError):
        call_command("generate_demo_data", "--enterprises", "-1")


def index_names(model):
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


PUBLIC_INDEXES = {
    model: {index.name for index in model._meta.indexes}
    for model in (Enterprise, Product, Exhibition, PolicyInitiative)
}


def search_index_present(model):
    table = model._meta.db_table
    if connection.vendor != "postgresql":
        return True  # SQLite's FTS5 table is not dropped, only its triggers suspended
    return f"{table}_search_gin" in index_names(model)


def planner_rows(table):
    """The row count the database's planner knows for a table (None: no statistics)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            found = cursor.fetchone()[0]
            return None if found < 0 else found
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [table])
        found = cursor.fetchone()
        if found is None:  # a table with indexes has a row per index instead
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            found = cursor.fetchone()
        return None if found is None else int(found[0].split()[0])


def indexes(model):
    """{name: (columns, unique, type, orders)} of the indexes of a model's table."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: (tuple(c["columns"]), c["unique"], c.get("type"), tuple(c.get("orders") or ()))
        for name, c in found.items()
        if c["index"] or c["unique"]
    }


WRITTEN = (Enterprise, Product, Exhibition, PolicyInitiative, Recognition, Exhibit)


def test_large_runs_build_the_indexes_after_the_rows(curated, monkeypatch):
    monkeypatch.setattr(Generator, "suspend_indexes_from", 20)
    before = {model: indexes(model) for model in WRITTEN}
    seen = {}
    original = Generator.enterprises

    def watched(self):
        seen["during"] = {model: index_names(model) for model in WRITTEN}
        return original(self)

    monkeypatch.setattr(Generator, "enterprises", watched)
    generate(25)
    for model, names in PUBLIC_INDEXES.items():
        assert names and not names & seen["during"][model], model
        assert names <= index_names(model), model
        assert search_index_present(model)
    # Every index is back as it was (on PostgreSQL, those of foreign keys too, which are
    # dropped while writing); unique ones were never dropped.
    for model in WRITTEN:
        assert indexes(model) == before[model], model
        unique = {name for name, index in before[model].items() if index[1]}
        assert unique <= seen["during"][model], model
    if connection.vendor == "postgresql":
        foreign_key_index = Product._meta.get_field("enterprise").db_index
        assert foreign_key_index and len(seen["during"][Product]) < len(before[Product])
    # The planner has statistics of the new rows (SQLite has none until ANALYZE).
    assert planner_rows(Enterprise._meta.db_table) >= 25
    # The rebuilt indexes serve the pages: a demo enterprise is listed and found.
    enterprise = Enterprise.objects.filter(slug__startswith=DEMO_PREFIX).first()
    assert enterprise in engine.results(
        engine.KINDS_BY_KEY["enterprise"], parse_query(enterprise.name_en)
    )


def test_indexes_come_back_when_generation_fails(curated, monkeypatch):
    monkeypatch.setattr(Generator, "suspend_indexes_from", 20)

    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Generator, "enterprises", broken)
    with pytest.raises(RuntimeError):
        generate(25)
    for model, names in PUBLIC_INDEXES.items():
        assert names <= index_names(model), model
        assert search_index_present(model)


def foreign_keys(model):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {(name, tuple(c["columns"])) for name, c in constraints.items() if c["foreign_key"]}


CHUNK_TABLES = list(demo.PER_ENTERPRISE)


@pytest.mark.parametrize("fails", [False, True])
def test_large_runs_check_the_references_once_at_the_end(curated, monkeypatch, fails):
    """On PostgreSQL the foreign keys of the tables written in chunks are dropped while the
    rows are written, and come back (checked) however generation ends."""
    monkeypatch.setattr(Generator, "suspend_indexes_from", 20)
    before = {model: foreign_keys(model) for model in CHUNK_TABLES}
    seen = {}
    original = Generator.enterprises

    def watched(self):
        seen.update({model: foreign_keys(model) for model in CHUNK_TABLES})
        if fails:
            raise RuntimeError("disk full")
        return original(self)

    monkeypatch.setattr(Generator, "enterprises", watched)
    if fails:
        with pytest.raises(RuntimeError):
            generate(25)
    else:
        generate(25)
    assert all(before.values())  # every one of these tables has references
    suspended = connection.vendor == "postgresql"
    for model in CHUNK_TABLES:
        assert seen[model] == (set() if suspended else before[model]), model
        assert foreign_keys(model) == before[model], model
    if not fails:
        assert Product.objects.filter(slug__startswith=DEMO_PREFIX).exists()


def test_small_runs_keep_the_indexes_in_place(curated, monkeypatch):
    seen = {}
    original = Generator.enterprises

    def watched(self):
        seen["during"] = index_names(Enterprise)
        return original(self)

    monkeypatch.setattr(Generator, "enterprises", watched)
    generate(25)
    assert PUBLIC_INDEXES[Enterprise] <= seen["during"]
