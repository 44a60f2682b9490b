"""Policy initiatives that cultivate the SMEs, their targets, and reported figures."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import (
    PUBLISHED_ONLY,
    ChoiceListField,
    PublishableModel,
    PublishableQuerySet,
    Qualifier,
    SluggedModel,
    SlugQuerySet,
    TimestampedModel,
    plain_number,
)
from .enterprise import Size, Tier
from .reference import Industry, Region, Source
from .searchable import SearchableModel

# The policy matcher's page is at /policies/match/, where a policy with this slug would be.
MATCHER_SLUG = "match"


def city_key(name):
    """A city's name as compared: 深圳市 and 深圳, Shenzhen and shenzhen city are one."""
    name = name.strip().lower()
    for suffix in ("市", " city"):
        name = name.removesuffix(suffix)
    return name


class PolicyQuerySet(SlugQuerySet):
    def for_listing(self):
        return self.select_related("region")

    def national(self):
        return self.filter(scope=PolicyInitiative.Scope.NATIONAL)

    def for_region(self, region):
        return self.filter(region=region)


class PolicyInitiative(SearchableModel, SluggedModel):
    """A plan, programme or channel through which authorities cultivate the SMEs."""

    # Who the initiative is for, as its source states it (the policy matcher's rules), in
    # the order the admin, the API and imports list them.
    CRITERIA_FIELDS = (
        "eligible_tiers",
        "eligible_sizes",
        "eligible_industries",
        "listing_requirement",
        "criteria_source",
        "criteria_note",
    )

    slug_source = "title"
    search_related = ("region",)
    rich_text_fields = ("text",)

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")

    class Stage(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_FORCE = "in_force", _("Issued, in force")
        EXPIRED = "expired", _("Expired or completed")

    class Listing(models.TextChoices):
        ANY = "any", _("Listed or not")
        LISTED = "listed", _("Listed firms")
        UNLISTED = "unlisted", _("Firms not listed")

    title = models.CharField(_("title"), max_length=300)
    title_is_descriptive = models.BooleanField(
        _("descriptive title"),
        default=False,
        help_text=_(
            "Tick when the official title is not known and the title only describes the "
            "initiative; the site says so next to it."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Part of the page address; filled from the title when left empty."),
    )
    authority = models.CharField(_("issuing authority"), max_length=300, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope, default=Scope.NATIONAL)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        verbose_name=_("region"),
        related_name="policies",
        null=True,
        blank=True,
        help_text=_("For a regional initiative: the province it covers."),
    )
    city = models.CharField(
        _("city"),
        max_length=100,
        blank=True,
        help_text=_(
            "For an initiative of a city or district within the region, its name: the "
            "initiative then covers that place only, not the whole region."
        ),
    )
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("e.g. 工信部企业〔2022〕63号"),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(
        _("period from (year)"), null=True, blank=True, validators=[MinValueValidator(1949)]
    )
    period_end = models.PositiveSmallIntegerField(
        _("period to (year)"), null=True, blank=True, validators=[MinValueValidator(1949)]
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), related_name="policies", blank=True
    )
    # Who the initiative is for, as its source states it (the policy matcher reads these);
    # each left empty is not recorded, which never means "no one".
    eligible_tiers = ChoiceListField(
        _("for the tiers"),
        of=Tier,
        help_text=_(
            "Tick the tiers the source says the initiative is for; none if it does not say."
        ),
    )
    eligible_sizes = ChoiceListField(
        _("for the sizes"),
        of=Size,
        help_text=_("Tick the enterprise sizes the source says the initiative is for."),
    )
    eligible_industries = models.ManyToManyField(
        Industry,
        verbose_name=_("for the industries"),
        related_name="+",
        blank=True,
        limit_choices_to={"level": Industry.Level.SECTION},
        help_text=_("The industry sections the source says the initiative is for."),
    )
    listing_requirement = models.CharField(
        _("listing"),
        max_length=10,
        choices=Listing,
        blank=True,
        help_text=_("Whether the source says the initiative is for listed firms; empty if not."),
    )
    criteria_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        verbose_name=_("source of the criteria"),
        related_name="policy_criteria",
        null=True,
        blank=True,
        help_text=_("The document that states who the initiative is for."),
    )
    criteria_note = models.CharField(
        _("note on the criteria"),
        max_length=300,
        blank=True,
        help_text=_("In a sentence, in your own words: who the source says it is for."),
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy initiative")
        verbose_name_plural = _("policy initiatives")
        permissions = [
            ("publish_policyinitiative", _("Can publish and archive policy initiatives"))
        ]
        ordering = [models.F("issued_on").desc(nulls_last=True), "slug"]
        indexes = [
            models.Index(
                fields=["-issued_on", "slug"], name="pol_pub_order", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["region", "-issued_on"], name="pol_pub_region", condition=PUBLISHED_ONLY
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enterprises:policy-detail", kwargs={"slug": self.slug})

    def search_texts(self):
        summary = [
            *self.translations_of("summary"),
            *self.translations_of("authority"),
            *self.translations_of("city"),
            self.document_number,
        ]
        if self.region_id:
            summary += [
                *self.region.translations_of("name"),
                *self.region.translations_of("full_name"),
            ]
        return {
            "names": self.translations_of("title"),
            "summary": summary,
            "body": self.translations_of("text"),
        }

    def covers_city(self, names):
        """Whether a firm in the city of these names (any language) is in the initiative's
        scope: always, for one covering its whole region; None when the firm's city is
        not known."""
        own = {city_key(name) for name in self.translations_of("city") if name}
        if not own:
            return True
        given = {city_key(name) for name in names if name}
        return bool(own & given) if given else None

    def clean(self):
        errors = {}
        if self.slug == MATCHER_SLUG:
            errors["slug"] = _("This address belongs to the policy matcher; choose another.")
        if self.scope == self.Scope.REGIONAL and not self.region_id:
            errors["region"] = _("Choose the region a regional initiative covers.")
        if self.scope == self.Scope.NATIONAL and self.region_id:
            errors["region"] = _("A national initiative covers no single region.")
        if self.scope == self.Scope.NATIONAL and (self.city_zh_hans or self.city_en):
            errors["city"] = _("A national initiative covers no single city.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period ends before it starts.")
        stated = self.states_criteria(industries=False) or self.criteria_note
        if stated and not self.criteria_source_id:
            errors["criteria_source"] = _("Cite the source that states who it is for.")
        if errors:
            raise ValidationError(errors)

    def states_criteria(self, industries=True):
        """Whether any criterion of who the initiative is for is recorded (the industries
        too when asked: they need the row saved, and read the prefetched ones if any)."""
        stated = bool(self.eligible_tiers or self.eligible_sizes or self.listing_requirement)
        if not stated and industries and self.pk:
            stated = bool(self.eligible_industries.all())
        return stated


class TargetQuerySet(models.QuerySet):
    def get_by_natural_key(self, initiative_slug, slug):
        return self.get(initiative__slug=initiative_slug, slug=slug)


class PolicyTarget(TimestampedModel):
    """A number an initiative aims to reach, and the latest reported progress towards it."""

    publish_permission = "enterprises.publish_policyinitiative"

    initiative = models.ForeignKey(
        PolicyInitiative,
        on_delete=models.CASCADE,
        verbose_name=_("policy initiative"),
        related_name="targets",
    )
    slug = models.SlugField(_("key"), max_length=100)
    measure = models.CharField(
        _("what is counted"),
        max_length=300,
        help_text=_("e.g. provincial-level specialized and sophisticated enterprises"),
    )
    tier = models.CharField(
        _("tier counted"),
        max_length=20,
        choices=Tier,
        blank=True,
        help_text=_("When the target counts firms of one tier of the gradient system."),
    )
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    deadline_year = models.PositiveSmallIntegerField(
        _("by (year)"), null=True, blank=True, validators=[MinValueValidator(1949)]
    )
    latest_value = models.DecimalField(
        _("latest reported value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    latest_value_on = models.DateField(_("reported on"), null=True, blank=True)
    latest_value_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        verbose_name=_("source of the latest value"),
        related_name="+",
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy target")
        verbose_name_plural = _("policy targets")
        ordering = ["initiative", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "slug"], name="target_unique_slug_per_initiative"
            )
        ]

    def __str__(self):
        return f"{self.measure}: {plain_number(self.target_value)}"

    def natural_key(self):
        return (self.initiative.slug, self.slug)

    natural_key.dependencies = ["enterprises.policyinitiative", "enterprises.source"]

    def is_public(self):
        return self.initiative_id is not None and self.initiative.is_public()

    def clean(self):
        errors = {}
        if self.latest_value is not None:
            if not self.latest_value_on:
                errors["latest_value_on"] = _("Give the date of the latest value.")
            if not self.latest_value_source_id:
                errors["latest_value_source"] = _("Cite the source of the latest value.")
        elif self.latest_value_on or self.latest_value_source_id:
            errors["latest_value"] = _("Enter the latest value, or clear its date and source.")
        if errors:
            raise ValidationError(errors)

    @property
    def progress_percent(self):
        """Latest value as a share of the target, capped at 100; None when unknown."""
        if self.latest_value is None or not self.target_value:
            return None
        return min(100, round(self.latest_value / self.target_value * 100))


class IndicatorQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def national(self):
        return self.filter(region__isnull=True)

    def for_listing(self):
        return self.select_related("source", "region")


class Indicator(PublishableModel):
    """A dated national or regional figure, with the source that states it."""

    slug = models.SlugField(_("key"), max_length=100, unique=True)
    series = models.SlugField(
        _("series"),
        max_length=100,
        blank=True,
        help_text=_(
            "The same measure reported at several dates shares one series key, e.g. "
            "national-little-giants; each report stays a figure of its own."
        ),
    )
    measure = models.CharField(_("what is counted"), max_length=300)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        verbose_name=_("region"),
        related_name="indicators",
        null=True,
        blank=True,
        help_text=_("Leave empty for a national figure."),
    )
    city = models.CharField(
        _("city"), max_length=100, blank=True, help_text=_("For a city's figure, its name.")
    )
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    as_of = models.DateField(
        _("as of"), help_text=_("The date the figure describes or, failing that, was reported.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name=_("source"), related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Figures are listed by this number, lowest first.")
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        permissions = [("publish_indicator", _("Can publish and archive indicators"))]
        ordering = ["position", "-as_of", "slug"]
        indexes = [models.Index(fields=["series", "as_of"], name="indicator_series_date")]

    def __str__(self):
        return f"{self.measure}: {plain_number(self.value)}"

    def natural_key(self):
        return (self.slug,)
