"""Load directory fixtures as the admin would: every record validated, all or nothing.

The files are Django's JSON fixture format with natural keys, so plain ``loaddata`` reads
them too; this loader adds model validation, exact error locations and a report.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, models, router, transaction

from .models.base import Status, stored_values_differ

# Dependency order: every file refers only to rows of the files before it.
DIRECTORY_FIXTURES = (
    "sources",
    "regions",
    "industries",
    "enterprises",
    "products",
    "exhibitions",
    "policies",
    "indicators",
    "people",
)
# One file per source document (fixtures/documents/<source slug>.json): the entries, figures
# and statements that document states. They load after the files above, all together and
# model by model, so that any document may refer to an entry another one records.
DOCUMENTS = "documents"
DATE_IN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")
MODEL_ORDER = (
    "enterprises.source",
    "enterprises.region",
    "enterprises.industry",
    "enterprises.enterprise",
    "enterprises.recognition",
    "enterprises.product",
    "enterprises.exhibition",
    "enterprises.exhibit",
    "enterprises.policyinitiative",
    "enterprises.policytarget",
    "enterprises.indicator",
    "enterprises.person",
    "enterprises.statement",
)


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message says where and why."""

    def __init__(self, path, message, record=None, label=None, field_name=None):
        self.path, self.record, self.label, self.field_name = path, record, label, field_name
        where = [str(display_path(path))]
        if record is not None:
            where.append(f"record {record}" + (f" ({label})" if label else ""))
        if field_name:
            where.append(f"field “{field_name}”")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass
class LoadReport:
    """What a load did, per file and model: created, updated, unchanged."""

    counts: dict = field(default_factory=dict)

    def add(self, path, model_label, outcome):
        self.counts.setdefault(str(display_path(path)), {}).setdefault(model_label, Counter())[
            outcome
        ] += 1

    def totals(self):
        total = Counter()
        for models_counts in self.counts.values():
            for counter in models_counts.values():
                total.update(counter)
        return total

    def lines(self):
        for path, models_counts in self.counts.items():
            for label, counter in models_counts.items():
                yield (
                    f"{path}: {label}: {counter['created']} created, "
                    f"{counter['updated']} updated, {counter['unchanged']} unchanged"
                )


def shared_fixture_paths():
    """The files every document builds on: sources, reference data, the seed article."""
    base = Path(settings.FIXTURE_DIRS[0])
    return [base / f"{name}.json" for name in DIRECTORY_FIXTURES]


def document_fixture_paths():
    """The documents' files, oldest first (by the date in the name)."""

    def published(path):
        found = DATE_IN_NAME.search(path.stem)
        return (found.group() if found else "", path.stem)

    folder = Path(settings.FIXTURE_DIRS[0]) / DOCUMENTS
    return sorted(folder.glob("*.json"), key=published)


def default_fixture_paths():
    """The whole curated directory, in load order."""
    return shared_fixture_paths() + document_fixture_paths()


def display_path(path):
    """A path relative to the project when it lies inside it, for shorter messages."""
    try:
        return Path(path).resolve().relative_to(settings.BASE_DIR)
    except ValueError:
        return Path(path)


def read_records(path):
    """The list of records in a fixture file, or a FixtureError saying what is wrong."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise FixtureError(path, f"cannot be read ({exc.strerror or exc}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FixtureError(
            path, f"is not valid UTF-8 (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})."
        ) from exc
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FixtureError(
            path, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    if not isinstance(records, list):
        raise FixtureError(path, "must hold a JSON list of records.")
    return records


def record_label(record):
    """A human name for a record: its model and its natural key or slug where visible."""
    if not isinstance(record, dict):
        return None
    model = record.get("model", "?")
    fields = record.get("fields") if isinstance(record.get("fields"), dict) else {}
    key = fields.get("slug") or fields.get("code") or record.get("pk")
    return f"{model} “{key}”" if key else str(model)


# Backups made before each kind kept its old slugs in a table of its own: one SlugHistory
# record with a `kind` and a key per kind.
LEGACY_SLUG_HISTORY = "enterprises.slughistory"
FORMER_SLUG_MODELS = {
    "enterprise": "enterprises.enterpriseformerslug",
    "product": "enterprises.productformerslug",
    "exhibition": "enterprises.exhibitionformerslug",
    "policy": "enterprises.policyformerslug",
}


def upgraded(record):
    """A record of an older backup in today's shape (other records as they are)."""
    if not isinstance(record, dict) or str(record.get("model")).lower() != LEGACY_SLUG_HISTORY:
        return record
    fields = record.get("fields") if isinstance(record.get("fields"), dict) else {}
    kind = fields.get("kind")
    if kind not in FORMER_SLUG_MODELS:
        return record  # refused below, by name, as an unknown model
    moved = {"slug": fields.get("slug"), "entry": fields.get(kind)}
    if "created_at" in fields:
        moved["created_at"] = fields["created_at"]
    return {"model": FORMER_SLUG_MODELS[kind], "fields": moved}


def check_record_shape(path, number, record):
    """Name the model and every field, resolving relations, before Django deserializes it."""
    label = record_label(record)
    if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
        raise FixtureError(path, "must be an object with “model” and “fields”.", number, label)
    try:
        model = apps.get_model(str(record.get("model")))
    except (LookupError, ValueError) as exc:
        raise FixtureError(path, f"unknown model “{record.get('model')}”.", number, label) from exc
    if model._meta.app_label != "enterprises":
        raise FixtureError(path, "only directory models can be loaded.", number, label)
    for name, value in record["fields"].items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise FixtureError(path, "no such field.", number, label, name) from exc
        if model_field.is_relation and value is not None:
            targets = value if model_field.many_to_many else [value]
            if not isinstance(targets, list):
                raise FixtureError(path, "must be a list of keys.", number, label, name)
            for target in targets:
                resolve_reference(path, number, label, name, model_field.related_model, target)
    return model


def resolve_reference(path, number, label, name, related_model, key):
    manager = related_model._default_manager
    try:
        if isinstance(key, list | tuple):
            manager.get_by_natural_key(*key)
        else:
            manager.get(pk=key)
    except (related_model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise FixtureError(
            path,
            f"refers to {related_model._meta.verbose_name} {json.dumps(key, ensure_ascii=False)}, "
            "which does not exist (or is in a later file).",
            number,
            label,
            name,
        ) from exc
    except related_model.MultipleObjectsReturned as exc:
        raise FixtureError(
            path, f"key {key!r} matches more than one row.", number, label, name
        ) from exc


def m2m_values(instance):
    return {
        f.name: set(getattr(instance, f.name).values_list("pk", flat=True))
        for f in instance._meta.many_to_many
    }


def outcome_of(deserialized):
    """created, updated or unchanged: how the record compares with the stored row."""
    instance = deserialized.object
    if instance.pk is None:
        return "created"
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    if stored is None:
        return "created"
    if stored_values_differ(instance, stored):
        return "updated"
    stored_m2m = m2m_values(stored)
    for name, pks in (deserialized.m2m_data or {}).items():
        if {int(pk) for pk in pks} != stored_m2m.get(name, set()):
            return "updated"
    return "unchanged"


def validation_error(path, number, label, exc):
    """Turn a model ValidationError into a FixtureError naming the first field at fault."""
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.message_dict.items()))
        field_name = None if name == "__all__" else name
        return FixtureError(path, " ".join(errors), number, label, field_name)
    return FixtureError(path, " ".join(exc.messages), number, label)


def check_published_references(path, number, label, instance):
    """A published entry may not rest on a draft: a published product of a draft enterprise,
    an exhibit of a draft product... would show the draft through the published side."""
    if getattr(instance, "status", None) != Status.PUBLISHED:
        return
    for model_field in instance._meta.concrete_fields:
        target = model_field.related_model
        if not model_field.many_to_one or target is None or not hasattr(target, "status"):
            continue
        value = getattr(instance, model_field.attname)
        if value is None:
            continue
        status = target._default_manager.filter(pk=value).values_list("status", flat=True).first()
        if status not in (None, Status.PUBLISHED):
            raise FixtureError(
                path,
                f"refers to a {target._meta.verbose_name} that is not published ({status}); "
                "publish it first or load this record as a draft.",
                number,
                label,
                model_field.name,
            )


def numbered(path):
    """(path, record number, record) of every record of a file."""
    return [
        (path, number, upgraded(record))
        for number, record in enumerate(read_records(path), start=1)
    ]


def model_rank(entry):
    model = entry[2].get("model") if isinstance(entry[2], dict) else None
    label = str(model).lower()
    return MODEL_ORDER.index(label) if label in MODEL_ORDER else len(MODEL_ORDER)


def load_records(entries, report, using, seen):
    """Load (path, number, record) entries in their order; `seen` maps each natural key
    loaded so far to where it was defined, so that no entry is defined twice."""
    for path, number, record in entries:
        model = check_record_shape(path, number, record)
        label = record_label(record)
        try:
            (deserialized,) = serializers.deserialize(
                "python", [record], using=using, ignorenonexistent=False
            )
        except DeserializationError as exc:
            raise FixtureError(path, str(exc.__cause__ or exc), number, label) from exc
        instance = deserialized.object
        if (
            instance.pk is not None
            and type(instance)._default_manager.filter(pk=instance.pk).exists()
        ):
            # Matched an existing row by its natural key: validate it as an update.
            instance._state.adding = False
            instance._state.db = using
        natural_key = instance.natural_key() if hasattr(instance, "natural_key") else None
        if natural_key is not None:
            key = (model._meta.label, tuple(natural_key))
            if key in seen:
                first_path, first_number = seen[key]
                where = (
                    f"record {first_number}"
                    if first_path == path
                    else f"record {first_number} of {display_path(first_path)}"
                )
                raise FixtureError(
                    path, f"duplicates {where} (same key {list(natural_key)}).", number, label
                )
            seen[key] = (path, number)
        try:
            instance.full_clean()
        except ValidationError as exc:
            raise validation_error(path, number, label, exc) from exc
        # Timestamps and versions given by the file (a backup) are kept as they are.
        backup = bool({"created_at", "version"} & set(record["fields"]))
        if not backup:
            # A backup restores the directory as it was; curated files must not expose drafts.
            check_published_references(path, number, label, instance)
        outcome = outcome_of(deserialized)
        instance._change_reason = f"Fixture load: {display_path(path)}"
        instance._keep_given_state = backup
        if outcome != "unchanged":
            try:
                deserialized.save(using=using)
            except DatabaseError as exc:
                raise FixtureError(path, f"the database refused it: {exc}", number, label) from exc
        report.add(path, model._meta.label_lower, outcome)


def load_directory(paths=None, *, using=None, dry_run=False):
    """Load fixture files in order inside one transaction; any error leaves the database as it
    was. Returns a LoadReport."""
    paths = [Path(p) for p in (paths or default_fixture_paths())]
    using = using or router.db_for_write(models.Model)
    report = LoadReport()
    documents = Path(settings.FIXTURE_DIRS[0]).resolve() / DOCUMENTS
    files = [path for path in paths if path.resolve().parent != documents]
    document_files = [path for path in paths if path.resolve().parent == documents]
    seen = {}
    with transaction.atomic(using=using):
        for path in files:
            load_records(numbered(path), report, using, seen)
        entries = [entry for path in document_files for entry in numbered(path)]
        load_records(sorted(entries, key=model_rank), report, using, seen)
        if dry_run:
            transaction.set_rollback(True, using=using)
    return report
