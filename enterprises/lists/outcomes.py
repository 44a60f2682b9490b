"""What a review finds for each row of a list, and the recognition the list awards."""

import datetime
from collections import Counter
from dataclasses import dataclass, field, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from ..models import Recognition
from ..models.base import DEFAULT_SUFFIX
from ..models.recognition import Stage
from .places import Place
from .reading import ListError, ListFile, ListRow


@dataclass
class Candidate:
    """An enterprise of the directory that a row may be about."""

    pk: int
    name: str
    slug: str
    name_key: str
    region_id: int | None
    city: str
    credit_code: str
    status: str
    score: float = 1.0

    @classmethod
    def values(cls, queryset):
        rows = queryset.values_list(
            "pk",
            f"name_{DEFAULT_SUFFIX}",
            "slug",
            "name_key",
            "region_id",
            f"city_{DEFAULT_SUFFIX}",
            "credit_code",
            "status",
        )
        return [cls(*(value if value is not None else "" for value in row)) for row in rows]


class Outcome:
    EXACT = "exact"
    NAME = "name"
    AMBIGUOUS = "ambiguous"
    NEW = "new"
    INVALID = "invalid"

    LABELS = {
        EXACT: gettext_lazy("Matched by credit code"),
        NAME: gettext_lazy("Matched by name"),
        AMBIGUOUS: gettext_lazy("To confirm: similar names"),
        NEW: gettext_lazy("New enterprises (drafts)"),
        INVALID: gettext_lazy("Invalid rows"),
    }


class Change:
    ADD = "add"
    ADVANCE = "advance"
    UNCHANGED = "unchanged"

    LABELS = {
        ADD: gettext_lazy("Recognitions to add"),
        ADVANCE: gettext_lazy("Stages to advance"),
        UNCHANGED: gettext_lazy("Unchanged"),
    }


# How far along a recognition is: an import moves it forward, never back.
STAGE_RANK = {
    Stage.PUBLIC_NOTICE: 0,
    Stage.AWARDED: 1,
    Stage.RENEWED: 2,
    Stage.FAILED_REVIEW: 3,
    Stage.REVOKED: 3,
    Stage.EXPIRED: 3,
}


@dataclass
class Target:
    """The recognition a list awards to each of its enterprises."""

    source: object
    tier: str
    level: str
    year: int
    stage: str
    batch: int | None = None
    notice_number: str = ""
    notice_date: datetime.date | None = None

    @classmethod
    def of(cls, entry):
        """The target `entry` holds under the same names (a pending list import)."""
        return cls(**{name: getattr(entry, name) for name in cls.names()})

    @classmethod
    def names(cls):
        """The target's facts, named as a Recognition's fields."""
        return [item.name for item in fields(cls)]

    def recognition(self, enterprise_id):
        facts = {name: getattr(self, name) for name in self.names()}
        return Recognition(enterprise_id=enterprise_id, **facts)

    def check(self):
        """The target as a recognition would validate it (a national tier is national), or
        a ListError naming the fields at fault."""
        prototype = self.recognition(None)
        try:
            prototype.clean_fields(exclude=["enterprise"])
            prototype.clean()
        except ValidationError as exc:
            raise ListError(
                " ".join(
                    f"{Recognition._meta.get_field(name).verbose_name}: {' '.join(messages)}"
                    if name != "__all__"
                    else " ".join(messages)
                    for name, messages in exc.message_dict.items()
                )
            ) from exc
        self.level = prototype.level
        return self

    def change_for(self, stored):
        """What applying does to an enterprise's recognition as stored (a dict, or None)."""
        if stored is None:
            return Change.ADD
        if STAGE_RANK.get(self.stage, 0) > STAGE_RANK.get(stored["stage"], 0):
            return Change.ADVANCE
        return Change.UNCHANGED


@dataclass
class RowReview:
    row: ListRow
    outcome: str = ""
    enterprise: Candidate | None = None
    candidates: list = field(default_factory=list)
    change: str = ""
    stored_stage: str = ""
    place: Place | None = None

    @property
    def number(self):
        return self.row.number


@dataclass
class Review:
    """What applying a list would do, row by row."""

    list_file: ListFile
    target: Target
    rows: list
    regions: dict
    industries: dict
    recognitions: dict

    def of(self, outcome):
        return [row for row in self.rows if row.outcome == outcome]

    def counts(self):
        counts = Counter(row.outcome for row in self.rows)
        return [(outcome, label, counts[outcome]) for outcome, label in Outcome.LABELS.items()]

    def changes(self):
        counts = Counter(row.change for row in self.rows if row.change)
        return [(change, label, counts[change]) for change, label in Change.LABELS.items()]

    def errors(self):
        return [
            (row.number, column, reason)
            for row in self.of(Outcome.INVALID)
            for column, reason in row.row.errors
        ]

    def region_name(self, candidate):
        region = self.regions.get(candidate.region_id)
        return region.name if region else ""
