"""Fairs and conferences, and the products shown at them."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..validators import NotInFutureYearValidator
from .base import PUBLISHED_ONLY, SluggedModel, SlugQuerySet, TimestampedModel, published_through
from .product import Product
from .reference import Region, Source
from .searchable import SearchableModel


class ExhibitionQuerySet(SlugQuerySet):
    def for_listing(self):
        return self.select_related("region")


class Exhibition(SearchableModel, SluggedModel):
    """A fair, conference or exhibition at which enterprises show products."""

    search_related = ("region",)
    rich_text_fields = ("description",)

    name = models.CharField(_("name"), max_length=300)
    name_is_descriptive = models.BooleanField(
        _("descriptive name"),
        default=False,
        help_text=_(
            "Tick when the official name is not known and the name only describes the event; "
            "the site says so next to it."
        ),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), NotInFutureYearValidator()]
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        verbose_name=_("region"),
        related_name="exhibitions",
        null=True,
        blank=True,
    )
    organiser = models.CharField(_("organiser"), max_length=300, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    exhibitor_count = models.PositiveIntegerField(
        _("number of exhibitors"),
        null=True,
        blank=True,
        help_text=_("As reported by the source, where it gives one."),
    )

    objects = ExhibitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")
        permissions = [("publish_exhibition", _("Can publish and archive exhibitions"))]
        ordering = ["-year", models.F("start_date").desc(nulls_last=True), "slug"]
        indexes = [
            models.Index(
                fields=["-year", "-start_date", "slug"],
                name="exh_pub_order",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["region", "-year"], name="exh_pub_region", condition=PUBLISHED_ONLY
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:exhibition-detail", kwargs={"slug": self.slug})

    def search_texts(self):
        summary = [
            *self.translations_of("summary"),
            *self.translations_of("city"),
            *self.translations_of("organiser"),
            str(self.year or ""),
        ]
        if self.region_id:
            summary += [
                *self.region.translations_of("name"),
                *self.region.translations_of("full_name"),
            ]
        return {
            "names": self.translations_of("name"),
            "summary": summary,
            "body": self.translations_of("description"),
        }

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        for field in ("start_date", "end_date"):
            date = getattr(self, field)
            if date and self.year and date.year != self.year:
                errors[field] = _("This date is not in the exhibition's year.")
        if errors:
            raise ValidationError(errors)


class ExhibitQuerySet(models.QuerySet):
    def get_by_natural_key(self, product_slug, exhibition_slug):
        return self.get(product__slug=product_slug, exhibition__slug=exhibition_slug)

    # The sides of an exhibit that must be published for the public to see it, by the page
    # it is shown on: that page's own entry is published or previewed by staff.
    SIDES = {
        None: ("product", "product__enterprise", "exhibition"),
        "enterprise": ("product", "exhibition"),
        "product": ("exhibition",),
        "exhibition": ("product", "product__enterprise"),
    }

    def published(self, page_of=None):
        """Exhibits of published products of published enterprises at published
        exhibitions; on the page of an enterprise, product or exhibition (`page_of`), the
        other sides only."""
        return self.filter(published_through(*self.SIDES[page_of]))

    def for_listing(self):
        return self.select_related("product", "product__enterprise", "exhibition")


class Exhibit(TimestampedModel):
    """A product shown at an exhibition."""

    publish_permission = "enterprises.publish_exhibition"

    exhibition = models.ForeignKey(
        Exhibition,
        on_delete=models.CASCADE,
        verbose_name=_("exhibition"),
        related_name="exhibits",
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, verbose_name=_("product"), related_name="exhibits"
    )
    hall = models.CharField(_("hall"), max_length=50, blank=True)
    booth = models.CharField(_("booth"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        verbose_name=_("source"),
        related_name="exhibits",
        null=True,
        blank=True,
    )

    objects = ExhibitQuerySet.as_manager()

    class Meta:
        verbose_name = _("exhibit")
        verbose_name_plural = _("exhibits")
        ordering = ["exhibition", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["exhibition", "product"],
                name="exhibit_unique_product_per_exhibition",
                violation_error_message=_("This product is already listed at this exhibition."),
            )
        ]

    def __str__(self):
        return f"{self.product} @ {self.exhibition}"

    def natural_key(self):
        return (self.product.slug, self.exhibition.slug)

    def is_public(self):
        return bool(
            self.product_id
            and self.exhibition_id
            and self.product.is_public()
            and self.exhibition.is_public()
        )

    natural_key.dependencies = ["enterprises.product", "enterprises.exhibition"]
