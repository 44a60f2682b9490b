"""Every curated document states what the directory records from it, and nothing else.

tests/data/stated/<source slug>.json lists, per document, the facts recorded from it:
``{"source": slug, "facts": [[model, key, field, value], ...]}``, where the key is a slug or
a natural key (a list) and a value of ``null`` or ``""`` means the document does not state it
(so nothing may be recorded there). The test loads the whole curated directory once per
module, reads every fact and every citation, and checks them in Python.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction

from enterprises.loading import default_fixture_paths, load_directory, read_records
from enterprises.models import Person, PolicyTarget, Source

# The tests read the module-wide load below; the mark makes pytest-django set up the test
# database before it (a module fixture alone does not).
pytestmark = pytest.mark.django_db

STATED = Path(__file__).parent / "data" / "stated"
# Reference documents cited for codes, not for stated facts of their own.
CODE_LISTS = {"gb-t-2260", "gb-t-4754-2017"}


def tables():
    return {path.stem: json.loads(path.read_text()) for path in sorted(STATED.glob("*.json"))}


def lookup(model, key):
    manager = model._default_manager
    return manager.get_by_natural_key(*key) if isinstance(key, list) else manager.get(slug=key)


def cited_sources(obj):
    """The slugs of the sources a record cites (a target through its initiative or its
    latest value, a person through what they said)."""
    if isinstance(obj, Source):
        return {obj.slug}
    if isinstance(obj, PolicyTarget):
        found = set(obj.initiative.sources.values_list("slug", flat=True))
        if obj.latest_value_source_id:
            found.add(obj.latest_value_source.slug)
        return found
    if isinstance(obj, Person):
        return set(obj.statements.values_list("source__slug", flat=True))
    found = set()
    if hasattr(obj, "sources"):
        found |= set(obj.sources.values_list("slug", flat=True))
    for name in ("source", "criteria_source"):
        source = getattr(obj, name, None)
        if isinstance(source, Source):
            found.add(source.slug)
    return found


def comparable(value):
    if hasattr(value, "all") and hasattr(value, "model"):  # a to-many relation
        return sorted(comparable(row) for row in value.all())
    if isinstance(value, Decimal):
        return value.normalize()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "natural_key"):
        key = value.natural_key()
        return key[0] if len(key) == 1 else list(key)
    return value


def expected(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if isinstance(value, str):
        try:
            return Decimal(value).normalize() if value.strip() else value
        except ArithmeticError:
            return value
    return value


def citing_records():
    """(model label, natural key) -> cited source slugs, for every record the curated files
    define."""
    found = {}
    for path in default_fixture_paths():
        for record in read_records(path):
            model = apps.get_model(record["model"])
            if model in (Source, PolicyTarget):
                # A target cites nothing itself: its facts are checked through its
                # initiative, which must be in the table of every document it cites.
                continue
            for obj in [record_object(model, record)]:
                if obj is not None:
                    found[(model._meta.label_lower, tuple(obj.natural_key()))] = cited_sources(obj)
    return found


def record_object(model, record):
    fields = record["fields"]
    if "slug" in fields and hasattr(model, "slug") and model is not PolicyTarget:
        return model._default_manager.filter(slug=fields["slug"]).first()
    from django.core import serializers

    (deserialized,) = serializers.deserialize("python", [record])
    obj = deserialized.object
    return model._default_manager.filter(pk=obj.pk).first() if obj.pk else None


@pytest.fixture(scope="module")
def directory(django_db_setup, django_db_blocker):
    """Everything the tests below compare, read from one load of the whole directory."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_directory()
        read = {}
        for slug, table in tables().items():
            for model_name, key, field, _value in table["facts"]:
                model = apps.get_model("enterprises", model_name)
                try:
                    obj = lookup(model, key)
                except model.DoesNotExist:
                    read[(slug, model_name, json.dumps(key), field)] = ("missing", None)
                    continue
                stored = comparable(getattr(obj, field))
                read[(slug, model_name, json.dumps(key), field)] = (stored, cited_sources(obj))
        citing = citing_records()
        documents = set(Source.objects.values_list("slug", flat=True))
        transaction.set_rollback(True)
    return {"read": read, "citing": citing, "documents": documents}


def stated_rows():
    for slug, table in tables().items():
        for model_name, key, field, value in table["facts"]:
            yield pytest.param(slug, model_name, key, field, value, id=f"{slug}-{key}-{field}")


@pytest.mark.parametrize("slug", sorted(tables()))
def test_each_document_table_names_its_document(slug):
    assert tables()[slug]["source"] == slug


@pytest.mark.parametrize("slug", sorted(tables()))
def test_every_fact_a_document_states_is_recorded_and_cites_it(directory, slug):
    wrong = []
    for model_name, key, field, value in tables()[slug]["facts"]:
        stored, cited = directory["read"][(slug, model_name, json.dumps(key), field)]
        if stored == "missing":
            wrong.append((model_name, key, "no such record"))
            continue
        if expected(stored) != expected(value):
            wrong.append((model_name, key, field, stored, value))
        elif value not in (None, "") and slug not in cited:
            wrong.append((model_name, key, field, "does not cite the document"))
    assert wrong == []


def test_every_record_that_cites_a_document_is_in_its_table(directory):
    """Nothing cites a document that does not state it."""
    stated = {
        (slug, model_name.lower(), json.dumps(key if isinstance(key, list) else [key]))
        for slug, table in tables().items()
        for model_name, key, _field, _value in table["facts"]
    }
    unsupported = sorted(
        (slug, label, list(key))
        for (label, key), cited in directory["citing"].items()
        for slug in cited - CODE_LISTS
        if (slug, label.split(".")[1], json.dumps(list(key))) not in stated
    )
    assert unsupported == []


def test_every_document_is_a_source_and_is_curated(directory):
    folder = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
    documents = {path.stem for path in folder.glob("*.txt")} if folder.is_dir() else set()
    assert documents <= directory["documents"]
    assert set(tables()) == directory["documents"] - CODE_LISTS
