"""What keeps pages cheap at a million rows: the facet cube, bounded pagination, indexes."""

import itertools
import random

import pytest
from django.db import connection
from django.http import QueryDict

from enterprises import pagination
from enterprises.facets import cube as facet_cube
from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise, Exchange, Product, Region, Size, Status, Tier
from enterprises.search.backends import ensure_installed

from .factories import EnterpriseFactory, IndustryFactory, RecognitionFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied():
    """60 enterprises spread over every cube dimension, drafts among them."""
    rng = random.Random(5)
    regions = [RegionFactory(code=c, slug=s) for c, s in [("21", "liaoning"), ("34", "anhui")]]
    industries = [IndustryFactory(code="C"), IndustryFactory(code="I", name_en="IT")]
    tickers = (f"9200{n:02d}" for n in itertools.count())
    for n in range(60):
        exchange = rng.choice(["", "", Exchange.BSE])
        firm = EnterpriseFactory(
            listed=True if exchange else rng.choice([None, False]),
            region=rng.choice(regions + [None]),
            industry=rng.choice(industries),
            size=rng.choice(["", *Size.values]),
            exchange=exchange,
            ticker=next(tickers) if exchange else "",
            founded_year=rng.choice([None, 1995, 2005, 2015]),
            status=Status.PUBLISHED if n % 7 else Status.DRAFT,
        )
        tier = rng.choice(["", Tier.SPECIALIZED, Tier.LITTLE_GIANT])
        if tier:
            level = "national" if tier == Tier.LITTLE_GIANT else "provincial"
            RecognitionFactory(enterprise=firm, tier=tier, level=level)


QUERIES = [
    "",
    "region=liaoning",
    "industry=I",
    "tier=little_giant",
    "listed=no",
    "listed=unknown&region=anhui",
    "listed=yes&exchange=bse",
    "size=small&region=anhui",
    "region=liaoning&industry=C&tier=specialized&size=medium",
    "tier=&size=micro&listed=yes",
]


def live_counts(query):
    """What the facet counts must be: each facet counted in the database under the other
    filters (the definition, however slow)."""
    filterset = EnterpriseFilter(QueryDict(query), queryset=Enterprise.objects.published())
    assert filterset.is_valid()
    out = {}
    for name in ["region", "industry", "tier", "listed", "exchange", "size"]:
        counts = {}
        for firm in filterset.filtered_except(name):
            if name == "listed":
                value = {True: "yes", False: "no", None: "unknown"}[firm.listed]
            else:
                value = (
                    getattr(firm, f"{name}_id", None)
                    if name in ("region", "industry")
                    else (getattr(firm, name))
                )
                value = "" if value is None else str(value)
            counts[value] = counts.get(value, 0) + 1
        out[name] = counts
    return out, filterset.qs.count()


@pytest.mark.parametrize("query", QUERIES)
def test_the_cube_gives_exactly_the_live_counts(varied, query):
    filterset = EnterpriseFilter(QueryDict(query), queryset=Enterprise.objects.published())
    assert filterset.is_valid()
    facets, total = filterset.cube_counts()
    expected, expected_total = live_counts(query)
    assert total == expected_total
    for name, counts in expected.items():
        assert facets[name] == counts, name


def test_the_list_page_count_comes_from_the_cube(client, varied, django_assert_max_num_queries):
    expected = Enterprise.objects.published().filter(region__slug="liaoning").count()
    response = client.get("/en/enterprises/?region=liaoning")
    assert response.context["paginator"].count == expected
    sqls = []
    with django_assert_max_num_queries(8) as captured:
        client.get("/en/enterprises/?region=liaoning&size=small")
        sqls = [q["sql"] for q in captured.captured_queries]
    assert not any("COUNT(*)" in sql.upper() for sql in sqls), sqls


class TestDeepPages:
    @pytest.mark.parametrize("sort", ["name", "-founded", "updated", "-name", ""])
    def test_every_page_holds_the_right_rows_in_order(self, client, varied, monkeypatch, sort):
        """Pages in the second half are read backwards; together they must still be the
        list, in order, each row once."""
        monkeypatch.setattr("enterprises.views.PublishedListView.paginate_by", 7)
        url = f"/enterprises/?sort={sort}"
        filterset = EnterpriseFilter(
            QueryDict(f"sort={sort}"), queryset=Enterprise.objects.published()
        )
        expected = [firm.slug for firm in filterset.qs]
        first = client.get(url)
        pages = [
            [firm.slug for firm in client.get(f"{url}&page={n}").context["object_list"]]
            for n in range(1, first.context["paginator"].num_pages + 1)
        ]
        assert [slug for page in pages for slug in page] == expected
        assert len(expected) == len(set(expected)) == Enterprise.objects.published().count()
        assert all(len(page) == 7 for page in pages[:-1])

    def test_the_last_page_by_name(self, client, varied):
        response = client.get("/en/enterprises/?sort=name&page=last")
        last = Enterprise.objects.published().order_by("slug").last()
        assert list(response.context["object_list"])[-1] == last
        assert not response.context["page_obj"].has_next()

    def test_the_middle_of_a_very_long_list_says_why_it_is_not_shown(
        self, client, varied, monkeypatch
    ):
        monkeypatch.setattr("enterprises.views.PublishedListView.paginate_by", 5)
        monkeypatch.setattr(pagination, "MAX_DEPTH", 10)
        # Pages 1-3 and the last three are reachable; the middle is not.
        response = client.get("/en/enterprises/?page=5")
        assert response.status_code == 404
        assert "middle of a very long list" in response.content.decode()
        page_three = client.get("/en/enterprises/?page=3").context["page_obj"]
        assert not page_three.has_next()
        assert client.get("/en/enterprises/?page=last").status_code == 200

    def test_counts_beyond_the_cap_are_shown_as_more_than(self, client, varied, monkeypatch):
        monkeypatch.setattr(pagination, "COUNT_CAP", 5)
        monkeypatch.setattr("enterprises.listing.COUNT_CAP", 5)
        monkeypatch.setattr("enterprises.listing.FACET_LIVE_LIMIT", 3)
        response = client.get("/en/enterprises/?founded_from=1990")
        paginator = response.context["paginator"]
        assert paginator.capped and paginator.count == 5
        html = response.content.decode()
        assert "More than 5 results" in html
        assert "page=last" not in html
        # Facets that would need counting more than the cap show no numbers.
        assert response.context["facet_counts"]["region"] is None


# Indexes -------------------------------------------------------------------------------

EXPECTED_INDEXES = {
    "enterprises_enterprise": {
        "ent_pub_slug": ["slug"],
        "ent_pub_founded": ["founded_year", "id"],
        "ent_pub_updated": ["updated_at", "id"],
        "ent_pub_region": ["region_id", "slug"],
        "ent_pub_industry": ["industry_id", "slug"],
        "ent_pub_tier": ["tier", "slug"],
        "ent_pub_size": ["size", "slug"],
        "ent_pub_exchange": ["exchange", "slug"],
        "ent_pub_region_tier": ["region_id", "tier", "slug"],
        "ent_pub_region_founded": ["region_id", "founded_year", "id"],
        "ent_pub_listed": ["listed", "slug"],
        "ent_pub_cube_listed": ["region_id", "industry_id", "tier", "exchange", "size", "listed"],
    },
    "enterprises_product": {
        "prod_pub_slug": ["slug"],
        "prod_pub_enterprise": ["enterprise_id", "slug"],
    },
    "enterprises_exhibition": {
        "exh_pub_order": ["year", "start_date", "slug"],
        "exh_pub_region": ["region_id", "year"],
    },
    "enterprises_policyinitiative": {
        "pol_pub_order": ["issued_on", "slug"],
        "pol_pub_region": ["region_id", "issued_on"],
    },
}


def index_definitions(table):
    """{index name: its SQL} as the database itself reports it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        return {name: sql or "" for name, sql in cursor.fetchall()}


@pytest.mark.parametrize("table", list(EXPECTED_INDEXES))
def test_the_search_indexes_exist(table):
    """Full text on both databases: a GIN index on PostgreSQL, an FTS5 table on SQLite."""
    definitions = index_definitions(table)
    if connection.vendor == "postgresql":
        assert "gin (search_vector)" in definitions[f"{table}_search_gin"]
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [f"{table}_fts"])
            (sql,) = cursor.fetchone()
        assert "fts5(" in sql and "prefix='2 3'" in sql


def test_a_missing_search_index_object_is_restored(db):
    """What migrate's post_migrate hook does: a lost index object is found and rebuilt."""
    postgres = connection.vendor == "postgresql"
    lost = "enterprises_product_search_gin" if postgres else "enterprises_product_fts_insert"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP {'INDEX' if postgres else 'TRIGGER'} {lost}")
    assert ensure_installed(connection, [Product, Enterprise]) == [Product]
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = %s", [lost])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [lost])
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("table", list(EXPECTED_INDEXES))
def test_the_public_list_indexes_exist_and_are_partial(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    definitions = index_definitions(table)
    for name, columns in EXPECTED_INDEXES[table].items():
        assert name in constraints, f"{name} missing on {connection.vendor}"
        assert constraints[name]["columns"] == columns
        assert constraints[name]["index"]
        assert "published" in definitions[name].lower(), definitions[name]
        assert "where" in definitions[name].lower()


def test_the_cubes_tier_counts_and_pivots_are_the_live_ones(varied):
    firms = list(Enterprise.objects.published())
    liaoning = Region.objects.get(slug="liaoning")
    cube = facet_cube(None)
    for chosen, rows in [({}, firms), ({"region": str(liaoning.pk)}, None)]:
        rows = rows or [f for f in firms if f.region_id == liaoning.pk]
        expected = [(tier, sum(f.tier == tier for f in rows)) for tier in reversed(Tier)]
        assert cube.tier_counts(chosen) == expected
    pivot = {}
    for firm in firms:
        by_tier = pivot.setdefault(firm.region_id, {})
        by_tier[firm.tier] = by_tier.get(firm.tier, 0) + 1
    assert cube.pivot("region", "tier") == pivot
    assert cube.totals("listed") == {
        value: sum(f.listed is value for f in firms) for value in {f.listed for f in firms}
    }


def test_facets_the_cube_lacks_are_left_to_the_list(varied):
    """A facet such as the exhibition is counted by the list, not the cube: asking the cube
    for it with cube filters in use is no error, and the list still counts it."""
    region = str(Region.objects.get(slug="liaoning").pk)
    counts = facet_cube(None).facet_counts({"region": region}, ["region", "exhibition", "q"])
    assert set(counts) == {"region"}
    filterset = EnterpriseFilter(
        QueryDict("region=liaoning"), queryset=Enterprise.objects.published()
    )
    assert filterset.is_valid()
    assert set(filterset.facet_counts()) == set(EnterpriseFilter.facets)
