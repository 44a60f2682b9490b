"""A backup of the whole directory as one fixture that ``load_directory`` restores exactly.

Rows are written by natural key (no database ids), in dependency order and, within a model,
sorted by natural key in byte order, so the same data always gives the same file, on SQLite
and PostgreSQL alike. Both languages of every field are written, together with what the
curated fixtures leave out: status, version and the created/updated times. Derived data
(search columns, the current tier, the search vocabulary) is rebuilt on load, and generated
demo rows are left out unless asked for. Uploaded images are referred to by their file names:
back up ``MEDIA_ROOT`` beside the file.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal

from django.core import serializers
from django.db import connections, models, router
from django.db.models import F, Q
from django.db.models.functions import Collate
from modeltranslation.translator import NotRegistered, translator

from .models import (
    Enterprise,
    EnterpriseFormerSlug,
    Exhibit,
    Exhibition,
    ExhibitionFormerSlug,
    Indicator,
    Industry,
    Person,
    PolicyFormerSlug,
    PolicyInitiative,
    PolicyTarget,
    Product,
    ProductFormerSlug,
    Recognition,
    Region,
    Source,
    Statement,
)
from .models.base import DEMO_PREFIX
from .models.searchable import SEARCH_COLUMNS

# Columns recomputed from the rest whenever a row is saved (an enterprise's tier comes from
# its recognitions).
DERIVED_FIELDS = set(SEARCH_COLUMNS)
DERIVED_PER_MODEL = {Enterprise: {"tier", "tier_changes_on"}}


def demo(path):
    return Q(**{f"{path}__startswith": DEMO_PREFIX})


# Each model in dependency order: its natural-key ordering and which rows are demo data.
# ``None`` in an ordering marks a column whose NULLs come first.
BACKUP_PLAN = (
    (Source, ["slug"], demo("slug")),
    (Region, ["code"], None),
    (Industry, ["code"], None),
    (Enterprise, ["slug"], demo("slug")),
    (
        Recognition,
        ["enterprise__slug", "tier", "level", ("year", None)],
        demo("enterprise__slug"),
    ),
    (Product, ["slug"], demo("slug") | demo("enterprise__slug")),
    (Exhibition, ["slug"], demo("slug")),
    (
        Exhibit,
        ["product__slug", "exhibition__slug"],
        demo("product__slug") | demo("exhibition__slug"),
    ),
    (PolicyInitiative, ["slug"], demo("slug")),
    (PolicyTarget, ["initiative__slug", "slug"], demo("initiative__slug")),
    (Indicator, ["slug"], demo("slug")),
    (Person, ["slug"], demo("slug")),
    (Statement, ["person__slug", "slug"], demo("person__slug")),
    (EnterpriseFormerSlug, ["slug"], demo("slug")),
    (ProductFormerSlug, ["slug"], demo("slug")),
    (ExhibitionFormerSlug, ["slug"], demo("slug")),
    (PolicyFormerSlug, ["slug"], demo("slug")),
)


def byte_order(name, vendor):
    """Order text by its bytes, not by the database's locale (which differs per server)."""
    if vendor == "postgresql":
        return Collate(name, "C").asc()
    return F(name).asc()


def ordering(columns, vendor, text_columns):
    for column in columns:
        if isinstance(column, tuple):
            yield F(column[0]).asc(nulls_first=True)
        elif column in text_columns:
            yield byte_order(column, vendor)
        else:
            yield F(column).asc()


def text_column_names(model, columns):
    """Which of the ordering columns (possibly across relations) hold text."""
    names = set()
    for column in columns:
        if isinstance(column, tuple):
            continue
        current = model
        *path, last = column.split("__")
        for step in path:
            current = current._meta.get_field(step).related_model
        if isinstance(current._meta.get_field(last), models.CharField):
            names.add(column)
    return names


def exported_fields(model):
    """Every field worth restoring: both languages of each translated field, not the
    language-neutral accessor; no derived columns."""
    try:
        translated = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        translated = set()
    derived = DERIVED_FIELDS | DERIVED_PER_MODEL.get(model, set())
    names = []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.primary_key or field.name in derived or field.name in translated:
            continue
        names.append(field.name)
    return names


class BackupEncoder(json.JSONEncoder):
    """Like Django's encoder, but keeps microseconds, so restored times are exact."""

    def default(self, o):
        if isinstance(o, datetime | date | time):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def backup_records(*, include_demo=False, using=None, chunk_size=2000):
    """Yield the directory's records, one fixture record (a dict) at a time."""
    using = using or router.db_for_read(models.Model)
    vendor = connections[using].vendor
    for model, columns, demo_rows in BACKUP_PLAN:
        fields = exported_fields(model)
        queryset = model._default_manager.using(using).order_by(
            *ordering(columns, vendor, text_column_names(model, columns))
        )
        if demo_rows is not None and not include_demo:
            queryset = queryset.exclude(demo_rows)
        m2m = [f.name for f in model._meta.many_to_many if f.name in fields]
        foreign = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.name in fields and hasattr(f.related_model, "natural_key")
        ]
        if foreign:
            queryset = queryset.select_related(*foreign)
        if m2m:
            queryset = queryset.prefetch_related(*m2m)
        for instance in queryset.iterator(chunk_size=chunk_size):
            (record,) = serializers.serialize(
                "python",
                [instance],
                fields=fields,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            )
            for name in m2m:
                record["fields"][name] = sorted(record["fields"][name])
            yield record


def write_backup(stream, **options):
    """Write the backup as a JSON list, one record after another (constant memory).
    Returns the number of records written."""
    count = 0
    stream.write("[")
    for record in backup_records(**options):
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(record, cls=BackupEncoder, ensure_ascii=False, indent=2))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count
