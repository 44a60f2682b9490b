"""Enterprises, and the tiers of the gradient system they are recognised in."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..images import ImageUploadMixin, thumbnail_of, uploaded_image
from ..names import name_key
from ..richtext import rich_text_field
from ..validators import NotInFutureYearValidator, validate_credit_code, validate_ticker
from .base import (
    DEFAULT_SUFFIX,
    PUBLISHED_ONLY,
    CodeField,
    SluggedModel,
    SlugQuerySet,
)
from .reference import Region
from .searchable import SearchableModel, both_languages

# The enterprise facts the facet cube counts by (enterprises.facets), in the order of its
# cells and of the covering index it is computed from.
CUBE_DIMENSIONS = ("region", "industry", "tier", "exchange", "size", "listed")


class Tier(models.TextChoices):
    """The rungs of the gradient cultivation system (梯度培育体系), lowest first."""

    INNOVATIVE = "innovative", _("Innovative SME")
    SPECIALIZED = "specialized", _("Specialized and sophisticated SME")
    LITTLE_GIANT = "little_giant", _('"Little giant" enterprise')
    CHAMPION = "champion", _("Manufacturing single champion")

    @classmethod
    def rank(cls, value):
        return TIER_RANKS.get(value, -1)

    @classmethod
    def highest(cls, tiers):
        """The highest of some tiers, or "" of none."""
        return max(tiers, key=cls.rank, default="")


TIER_RANKS = {value: rank for rank, value in enumerate(Tier.values)}
# Titles that only a national (MIIT) recognition can carry.
NATIONAL_ONLY_TIERS = {Tier.LITTLE_GIANT, Tier.CHAMPION}
# Local titles that borrow the words without being MIIT's "little giant" list.
LOCAL_LOOKALIKE_TITLES = (
    "科技小巨人",
    "科技型小巨人",
    "小巨人培育",
    "瞪羚",
    "隐形冠军",
    "technology little giant",
    "gazelle",
    "hidden champion",
)


class Size(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Exchange(models.TextChoices):
    BSE = "bse", _("Beijing Stock Exchange")
    SSE = "sse", _("Shanghai Stock Exchange")
    SZSE = "szse", _("Shenzhen Stock Exchange")
    HKEX = "hkex", _("Hong Kong Stock Exchange")


class EnterpriseQuerySet(SlugQuerySet):
    def in_region(self, region):
        return self.filter(region=region)

    def with_tier(self, tier):
        return self.filter(tier=tier)

    def listed(self, exchange=None):
        if exchange:
            return self.filter(exchange=exchange)
        return self.filter(listed=True)

    def unlisted(self):
        """Enterprises a source says are not listed (not those nobody said anything about)."""
        return self.filter(listed=False)

    def listing_unknown(self):
        return self.filter(listed__isnull=True)

    def exhibited_at(self, exhibition):
        from .exhibition import Exhibit

        # Driven from the exhibition's exhibits (an index lookup), not by testing every
        # enterprise for an exhibit.
        return self.filter(
            pk__in=Exhibit.objects.filter(exhibition=exhibition)
            .published(page_of="exhibition")
            .values("product__enterprise_id")
        )

    def for_listing(self):
        return self.select_related("region", "industry")

    def refresh_lapsed_tiers(self, day=None):
        """Re-derive the tier of every enterprise whose tier may have changed by a day (a
        title lapsed or began): one indexed query when there are none. Returns how many
        tiers changed."""
        day = day or timezone.localdate()
        changed = 0
        lapsed = self.filter(tier_changes_on__lte=day).prefetch_related("recognitions")
        for enterprise in lapsed.iterator(chunk_size=500):
            changed += enterprise.refresh_tier(day)
        return changed


class Enterprise(ImageUploadMixin, SearchableModel, SluggedModel):
    """A firm in the directory, from innovative SME to manufacturing single champion."""

    rich_text_fields = ("description",)
    image_fields = {"logo": "logo_thumbnail"}

    search_related = ("region", "industry")

    name = models.CharField(_("name"), max_length=200)
    credit_code = CodeField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters (统一社会信用代码), e.g. 9144030027939873X7."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        verbose_name=_("region"),
        related_name="enterprises",
        null=True,
        blank=True,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    industry = models.ForeignKey(
        "Industry",
        on_delete=models.PROTECT,
        verbose_name=_("industry"),
        related_name="enterprises",
        null=True,
        blank=True,
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), NotInFutureYearValidator()],
    )
    size = models.CharField(_("size"), max_length=10, choices=Size, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    summary = models.CharField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences shown in lists and search results."),
    )
    description = rich_text_field(_("description"))
    logo = uploaded_image(_("logo"), "logos")
    logo_thumbnail = thumbnail_of(_("logo thumbnail"), "logos")
    listed = models.BooleanField(
        _("listed on a stock exchange"),
        null=True,
        blank=True,
        help_text=_(
            "Yes or no only where a source says so; unknown otherwise. An exchange implies yes."
        ),
    )
    exchange = models.CharField(
        _("stock exchange"),
        max_length=10,
        choices=Exchange,
        blank=True,
        help_text=_("Where it is listed, if a source says so."),
    )
    ticker = CodeField(_("ticker"), max_length=10, blank=True)
    tier = models.CharField(
        _("current tier"),
        max_length=20,
        choices=Tier,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Derived from the recognitions: the highest tier in force today."),
    )
    tier_changes_on = models.DateField(
        _("tier may change on"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The next day a recognition begins or lapses (derived)."),
    )
    name_key = models.CharField(
        _("name for matching"),
        max_length=200,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_(
            "The Chinese name reduced for matching official lists: half-width, without "
            "brackets or spaces (derived)."
        ),
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        permissions = [("publish_enterprise", _("Can publish and archive enterprises"))]
        ordering = ["slug"]
        # Every filter and sort of the public list, on published rows only (partial
        # indexes: drafts cost nothing), composite where the list combines them; the last
        # one covers the facet cube's GROUP BY.
        indexes = [
            models.Index(fields=["slug"], name="ent_pub_slug", condition=PUBLISHED_ONLY),
            models.Index(
                fields=["founded_year", "id"], name="ent_pub_founded", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["updated_at", "id"], name="ent_pub_updated", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["region", "slug"], name="ent_pub_region", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["industry", "slug"], name="ent_pub_industry", condition=PUBLISHED_ONLY
            ),
            models.Index(fields=["tier", "slug"], name="ent_pub_tier", condition=PUBLISHED_ONLY),
            models.Index(fields=["size", "slug"], name="ent_pub_size", condition=PUBLISHED_ONLY),
            models.Index(
                fields=["exchange", "slug"], name="ent_pub_exchange", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["region", "tier", "slug"],
                name="ent_pub_region_tier",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["region", "founded_year", "id"],
                name="ent_pub_region_founded",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["listed", "slug"], name="ent_pub_listed", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=list(CUBE_DIMENSIONS),
                name="ent_pub_cube_listed",
                condition=PUBLISHED_ONLY,
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="enterprise_unique_credit_code",
                violation_error_message=_("Another enterprise has this credit code."),
            ),
            models.UniqueConstraint(
                fields=["exchange", "ticker"],
                condition=~Q(ticker=""),
                name="enterprise_unique_listing",
                violation_error_message=_("Another enterprise is listed under this ticker."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.exchange:
            self.listed = True  # an exchange states the listing
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("enterprises:enterprise-detail", kwargs={"slug": self.slug})

    def refresh_name_key(self):
        """Derive the key that official lists are matched on (enterprises.names)."""
        self.name_key = name_key(getattr(self, f"name_{DEFAULT_SUFFIX}", "") or self.name)[:200]

    def search_texts(self):
        summary = [*self.translations_of("summary"), *self.translations_of("city"), self.ticker]
        if self.region_id:
            summary += [
                *self.region.translations_of("name"),
                *self.region.translations_of("full_name"),
            ]
        if self.industry_id:
            summary += self.industry.translations_of("name")
        if self.tier:
            summary += both_languages(Tier(self.tier).label)
        return {
            "names": self.translations_of("name"),
            "summary": summary,
            "body": self.translations_of("description"),
        }

    def clean(self):
        errors = validate_ticker(self.exchange, self.ticker)
        if self.exchange:
            if self.listed is False:
                errors["listed"] = _("An enterprise listed on an exchange is listed.")
            else:
                self.listed = True
        if errors:
            raise ValidationError(errors)

    @property
    def is_listed(self):
        return self.listed is True

    def derive_tier(self, day=None):
        """(tier, changes on): the highest tier among the recognitions in force on a day
        ("" without any), and the next day on which that may change (None if never)."""
        day = day or timezone.localdate()
        recognitions = [r for r in self.recognitions.all() if not r.is_local_title]
        tier = Tier.highest([r.tier for r in recognitions if r.is_valid_on(day)])
        boundaries = [
            boundary
            for r in recognitions
            for boundary in (
                r.valid_from,
                r.valid_until and r.valid_until + datetime.timedelta(days=1),
            )
            if boundary is not None and boundary > day
        ]
        return tier, min(boundaries, default=None)

    def refresh_tier(self, day=None):
        """Store the derived tier; True when it changed."""
        tier, changes_on = self.derive_tier(day)
        changed = tier != self.tier
        updates = {"tier_changes_on": changes_on}
        if changed:
            self.tier = tier
            # The tier is part of the search summary ("小巨人" finds little giants).
            self.refresh_search_document()
            updates.update(tier=tier, search_summary=self.search_summary)
        self.tier_changes_on = changes_on
        type(self).objects.filter(pk=self.pk).update(**updates)
        return changed
