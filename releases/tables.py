"""The tables of a data release: which rows of which model, and their columns and types.

A table holds published rows only, each language of a translated field as its own column
(name_zh_hans, name_en), and no derived columns (search text, tiers) or uploads:
exactly what the change feed's history records carry, so a release plus the feed gives
the directory of a later time."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from modeltranslation.translator import NotRegistered, translator

from enterprises.models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    Industry,
    Person,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    Source,
    Statement,
)
from enterprises.models.base import DEMO_PREFIX, PUBLISHED_STATUS

# Not part of a release: the status (every row is published) and uploaded files. Other
# columns nobody edits are derived from the rest, except these, which the history keeps.
LEFT_OUT = {"status"}
KEPT = {"id", "created_at", "updated_at", "version"}
FILE_TYPES = {"FileField", "ImageField"}


@dataclass(frozen=True)
class Column:
    """One column: its name in the files (the field's attname) and the field it holds."""

    name: str
    field: models.Field


@dataclass(frozen=True)
class Table:
    """One resource of a release. `demo` is the ORM path to a slug marking generated rows;
    `depends` the ORM paths (with their models) whose changes may change this table's rows,
    for the delta; `key` the primary key's columns."""

    name: str
    model: type
    rows: object
    demo: str | None
    depends: tuple = ()
    key: tuple = ("id",)
    foreign_keys: dict = field(default_factory=dict)
    through: str | None = None

    @cached_property
    def columns(self):
        if self.through:
            return [
                Column(f.attname, f) for f in self.model._meta.concrete_fields if not f.primary_key
            ]
        try:
            mirrored = set(translator.get_options_for_model(self.model).get_field_names())
        except NotRegistered:
            mirrored = set()
        return [
            Column(f.attname, f)
            for f in self.model._meta.concrete_fields
            if f.name not in mirrored
            and f.name not in LEFT_OUT
            and (f.editable or f.name in KEPT)
            and f.get_internal_type() not in FILE_TYPES
        ]

    @property
    def owner(self):
        """The column naming the entry a row belongs to: a change to that entry (in its
        history) marks the row for the delta."""
        return self.key[0]

    def queryset(self, include_demo=False):
        rows = self.rows()
        if self.demo and not include_demo:
            rows = rows.exclude(**{f"{self.demo}__startswith": DEMO_PREFIX})
        return rows


def published_links(model, side, field="sources"):
    """The rows of an entry kind's m2m (its sources by default) whose entry is in the
    release."""
    through = getattr(model, field).through
    return lambda: through.objects.filter(**{f"{side}__in": model.objects.published()})


def link_table(name, model, side, table, depends=(), field="sources", to=("source", "sources")):
    """The table of an entry kind's m2m: `field` links `side` to rows of the table `to`
    names (the column's stem, the table)."""
    column, target = to
    return Table(
        name,
        getattr(model, field).through,
        published_links(model, side, field),
        f"{side}__slug",
        depends=((f"{side}_id", model), *depends),
        key=(f"{side}_id", f"{column}_id"),
        foreign_keys={f"{side}_id": table, f"{column}_id": target},
        through=side,
    )


TABLES = [
    Table("sources", Source, Source.objects.cited, "slug", depends=(("*", Source),)),
    Table(
        "regions",
        Region,
        Region.objects.all,
        None,
        depends=(("*", Region),),
        foreign_keys={"source_id": "sources"},
    ),
    Table(
        "industries",
        Industry,
        Industry.objects.all,
        None,
        depends=(("*", Industry),),
        foreign_keys={"source_id": "sources", "parent_id": "industries"},
    ),
    Table(
        "enterprises",
        Enterprise,
        Enterprise.objects.published,
        "slug",
        depends=(("id", Enterprise),),
        foreign_keys={"region_id": "regions", "industry_id": "industries"},
    ),
    Table(
        "recognitions",
        Recognition,
        Recognition.objects.published,
        "enterprise__slug",
        depends=(("id", Recognition), ("enterprise_id", Enterprise)),
        foreign_keys={"enterprise_id": "enterprises", "source_id": "sources"},
    ),
    Table(
        "products",
        Product,
        Product.objects.published,
        "slug",
        depends=(("id", Product), ("enterprise_id", Enterprise)),
        foreign_keys={"enterprise_id": "enterprises"},
    ),
    Table(
        "exhibitions",
        Exhibition,
        Exhibition.objects.published,
        "slug",
        depends=(("id", Exhibition),),
        foreign_keys={"region_id": "regions"},
    ),
    Table(
        "exhibits",
        Exhibit,
        Exhibit.objects.published,
        "product__slug",
        depends=(
            ("id", Exhibit),
            ("product_id", Product),
            ("exhibition_id", Exhibition),
            ("product__enterprise_id", Enterprise),
        ),
        foreign_keys={
            "exhibition_id": "exhibitions",
            "product_id": "products",
            "source_id": "sources",
        },
    ),
    Table(
        "policies",
        PolicyInitiative,
        PolicyInitiative.objects.published,
        "slug",
        depends=(("id", PolicyInitiative),),
        foreign_keys={"region_id": "regions", "criteria_source_id": "sources"},
    ),
    Table(
        "policy_targets",
        PolicyTarget,
        lambda: PolicyTarget.objects.filter(initiative__status=PUBLISHED_STATUS),
        "initiative__slug",
        depends=(("id", PolicyTarget), ("initiative_id", PolicyInitiative)),
        foreign_keys={"initiative_id": "policies", "latest_value_source_id": "sources"},
    ),
    Table(
        "indicators",
        Indicator,
        Indicator.objects.published,
        "slug",
        depends=(("id", Indicator),),
        foreign_keys={"region_id": "regions", "source_id": "sources"},
    ),
    Table("people", Person, Person.objects.published, None, depends=(("id", Person),)),
    Table(
        "statements",
        Statement,
        # A statement about a firm is public only with the firm (the firm's id would
        # otherwise name a draft).
        lambda: Statement.objects.published().exclude(
            models.Q(enterprise__isnull=False) & ~models.Q(enterprise__status=PUBLISHED_STATUS)
        ),
        None,
        depends=(("id", Statement), ("person_id", Person), ("enterprise_id", Enterprise)),
        foreign_keys={
            "person_id": "people",
            "enterprise_id": "enterprises",
            "source_id": "sources",
        },
    ),
    link_table("enterprise_sources", Enterprise, "enterprise", "enterprises"),
    link_table(
        "product_sources",
        Product,
        "product",
        "products",
        depends=(("product__enterprise_id", Enterprise),),
    ),
    link_table("exhibition_sources", Exhibition, "exhibition", "exhibitions"),
    link_table("policy_sources", PolicyInitiative, "policyinitiative", "policies"),
    link_table(
        "policy_industries",
        PolicyInitiative,
        "policyinitiative",
        "policies",
        field="eligible_industries",
        to=("industry", "industries"),
    ),
]
TABLES_BY_NAME = {table.name: table for table in TABLES}
