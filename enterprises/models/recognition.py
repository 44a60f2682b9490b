"""Recognitions: an enterprise's titles in the gradient system, each citing its list."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ..validators import NotInFutureYearValidator
from .base import TimestampedModel, published_through
from .enterprise import LOCAL_LOOKALIKE_TITLES, NATIONAL_ONLY_TIERS, Enterprise, Tier
from .reference import Source


class RecognitionQuerySet(models.QuerySet):
    def get_by_natural_key(self, enterprise_slug, tier, level, year):
        return self.get(enterprise__slug=enterprise_slug, tier=tier, level=level, year=year)

    def published(self):
        """The recognitions of published enterprises (they have no status of their own)."""
        return self.filter(published_through("enterprise"))


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
    tier = models.CharField(_("tier"), max_length=20, choices=Tier)
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

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = [models.F("year").asc(nulls_last=True), "tier", "pk"]
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

    def clean(self):
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
        if self.tier == Tier.LITTLE_GIANT and any(
            word.casefold() in title for word in LOCAL_LOOKALIKE_TITLES
        ):
            raise ValidationError(
                {
                    "tier": _(
                        "“%(title)s” is a local title, not the national “little giant” list; "
                        "record it as a provincial or municipal specialized and sophisticated "
                        "recognition, or leave it out."
                    )
                    % {"title": self.title}
                }
            )
