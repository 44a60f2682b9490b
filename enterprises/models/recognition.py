"""Recognitions: an enterprise's titles in the gradient system, each citing its list, with
the notice that awarded it and the period it is valid for."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..validators import NotInFutureYearValidator
from .base import TimestampedModel, published_through
from .enterprise import LOCAL_LOOKALIKE_TITLES, NATIONAL_ONLY_TIERS, Enterprise, Tier
from .reference import Source

# A national "little giant" title lasts three years from its notice, then is reviewed.
LITTLE_GIANT_VALIDITY_YEARS = 3


class Stage(models.TextChoices):
    """Where a recognition stands: from the list put up for comment to its end."""

    PUBLIC_NOTICE = "public_notice", _("Public notice (proposed)")
    AWARDED = "awarded", _("Awarded")
    RENEWED = "renewed", _("Renewed after review")
    FAILED_REVIEW = "failed_review", _("Failed review")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# The stages in which a title is held (within its validity period).
IN_FORCE = (Stage.AWARDED, Stage.RENEWED)


def add_years(day, years):
    """The same calendar day some years later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_on(day, prefix=""):
    """Q of the recognitions in force on a day; `prefix` reaches them through a relation."""
    return Q(
        Q(**{f"{prefix}stage__in": IN_FORCE})
        & (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}))
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))
    )


class RecognitionQuerySet(models.QuerySet):
    def get_by_natural_key(self, enterprise_slug, tier, level, year):
        return self.get(enterprise__slug=enterprise_slug, tier=tier, level=level, year=year)

    def published(self):
        """The recognitions of published enterprises (they have no status of their own)."""
        return self.filter(published_through("enterprise"))

    def gradient(self):
        """Recognitions in the gradient system (not local titles with similar names)."""
        return self.exclude(tier=LOCAL_TITLE)

    def valid_on(self, day=None):
        """Recognitions in force on a day (today by default)."""
        return self.gradient().filter(valid_on(day or timezone.localdate()))

    def expiring(self, months, day=None):
        """Recognitions in force today whose validity ends within some months."""
        day = day or timezone.localdate()
        return self.valid_on(day).filter(valid_until__lte=add_months(day, months))


def add_months(day, months):
    """The same day some months later, or the last day of a shorter month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# A title awarded by a local authority whose name merely borrows the words of the gradient
# system (科技小巨人, 瞪羚, 隐形冠军...): recorded as what it is, never counted as a tier.
LOCAL_TITLE = "local"
RECOGNITION_TIERS = [
    *Tier.choices,
    (LOCAL_TITLE, _("Local title (not a tier of the national gradient system)")),
]


class Recognition(TimestampedModel):
    """One recognition of an enterprise in the gradient cultivation system."""

    publish_permission = "enterprises.publish_enterprise"

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        verbose_name=_("enterprise"),
        related_name="recognitions",
    )
    tier = models.CharField(
        _("tier"),
        max_length=20,
        choices=RECOGNITION_TIERS,
        help_text=_(
            "A local title such as 科技小巨人, 瞪羚 or 隐形冠军 is a local title, whatever words "
            "it shares with the national tiers."
        ),
    )
    level = models.CharField(
        _("level"),
        max_length=12,
        choices=Level,
        blank=True,
        help_text=_("Leave empty when the source does not say."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), NotInFutureYearValidator()],
    )
    batch = models.PositiveSmallIntegerField(
        _("batch"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("The numbered batch of the list (第几批), where known."),
    )
    title = models.CharField(
        _("title as awarded"),
        max_length=200,
        blank=True,
        help_text=_("The name of the list or title, as the issuing authority words it."),
    )
    authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name=_("source"), related_name="recognitions"
    )
    notice_number = models.CharField(
        _("notice number"),
        max_length=100,
        blank=True,
        help_text=_("The document number of the notice, e.g. 工信部企业函〔2019〕153号."),
    )
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=Stage,
        default=Stage.AWARDED,
        blank=True,
        help_text=_("Awarded when left empty."),
    )
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("Filled from the notice date when left empty."),
    )
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day the title is held. For a national little giant, filled as three "
            "years from its start when left empty; change it where the notice says otherwise."
        ),
    )
    review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_("Filled from the end of the validity period when left empty."),
    )

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = [models.F("year").asc(nulls_last=True), "tier", "pk"]
        # The list's lifecycle filter: titles in force ending soon, titles that failed review.
        indexes = [models.Index(fields=["stage", "valid_until"], name="recognition_lifecycle")]
        constraints = [
            models.UniqueConstraint(
                "enterprise",
                "tier",
                "level",
                Coalesce("year", 0),
                name="recognition_unique_per_year",
                violation_error_message=_(
                    "This enterprise already has this recognition at this level in this year."
                ),
            ),
        ]

    def __str__(self):
        parts = [str(self.get_tier_display())]
        if self.level:
            parts.append(f"({self.get_level_display()})")
        if self.year:
            parts.append(str(self.year))
        return " ".join(parts)

    def natural_key(self):
        return (self.enterprise.slug, self.tier, self.level, self.year)

    natural_key.dependencies = ["enterprises.enterprise", "enterprises.source"]

    def is_public(self):
        return self.enterprise_id is not None and self.enterprise.is_public()

    def save(self, *args, **kwargs):
        self.fill_validity()
        super().save(*args, **kwargs)

    def fill_validity(self):
        """Dates left empty follow from the notice: the start from its date, the end three
        years on for a national little giant, the next review at the end; the stage is
        "awarded" unless given."""
        if not self.stage:
            self.stage = Stage.AWARDED
        if self.valid_from is None:
            self.valid_from = self.notice_date
        if (
            self.valid_until is None
            and self.valid_from is not None
            and self.tier == Tier.LITTLE_GIANT
        ):
            end = add_years(self.valid_from, LITTLE_GIANT_VALIDITY_YEARS)
            self.valid_until = end - datetime.timedelta(days=1)
        if self.review_due is None and self.tier != LOCAL_TITLE:
            self.review_due = self.valid_until

    @property
    def is_local_title(self):
        return self.tier == LOCAL_TITLE

    def is_valid_on(self, day):
        return (
            not self.is_local_title
            and self.stage in IN_FORCE
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or self.valid_until >= day)
        )

    @property
    def in_force(self):
        return self.is_valid_on(timezone.localdate())

    @property
    def starts_later(self):
        return self.valid_from is not None and self.valid_from > timezone.localdate()

    def clean(self):
        self.fill_validity()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The validity ends before it starts.")})
        if self.tier == LOCAL_TITLE:
            if not self.title or not self.authority:
                raise ValidationError(
                    {
                        "title": _(
                            "Give a local title as awarded, with the authority that awards it."
                        )
                    }
                )
            return
        if self.tier in NATIONAL_ONLY_TIERS:
            if not self.level:
                # Both titles are awarded only by the Ministry (MIIT): national by definition.
                self.level = self.Level.NATIONAL
            elif self.level != self.Level.NATIONAL:
                raise ValidationError(
                    {
                        "level": _(
                            "%(tier)s is a national title; a %(level)s title with a similar "
                            "name is a different, local programme."
                        )
                        % {"tier": self.get_tier_display(), "level": self.get_level_display()}
                    }
                )
        title = (self.title or "").casefold()
        if any(word.casefold() in title for word in LOCAL_LOOKALIKE_TITLES):
            raise ValidationError(
                {
                    "tier": _(
                        "“%(title)s” is a local title, not the national “little giant” list; "
                        "record it as a local title with its authority."
                    )
                    % {"title": self.title}
                }
            )


def with_stage_history(recognitions):
    """The recognitions, each with `earlier_stages`: the stages it passed through before its
    present one (a public notice before the award, say), oldest first, as its history
    recorded them; one query for all of them."""
    recognitions = list(recognitions)
    steps = {recognition.pk: [] for recognition in recognitions}
    if steps:
        rows = (
            Recognition.history.filter(id__in=steps)
            .order_by("history_date", "history_id")
            .values_list("id", "stage", "notice_number", "notice_date")
        )
        for pk, stage, notice_number, notice_date in rows:
            seen = steps[pk]
            if stage in Stage.values and (not seen or seen[-1]["stage"] != stage):
                seen.append(
                    {
                        "stage": stage,
                        "label": Stage(stage).label,
                        "notice_number": notice_number,
                        "notice_date": notice_date,
                    }
                )
    for recognition in recognitions:
        seen = steps[recognition.pk]
        if seen and seen[-1]["stage"] == recognition.stage:
            seen = seen[:-1]
        recognition.earlier_stages = seen
    return recognitions
