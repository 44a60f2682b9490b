"""Products: what an enterprise makes, with their own pages and search documents."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..images import ImageUploadMixin, thumbnail_of, uploaded_image
from ..richtext import rich_text_field
from .base import PUBLISHED_ONLY, SluggedModel, SlugQuerySet, published_through
from .enterprise import Enterprise
from .searchable import SearchableModel


class ProductQuerySet(SlugQuerySet):
    def published(self, page_of=None):
        """Published products of published enterprises; on the page of an enterprise
        (`page_of="enterprise"`, published or previewed by staff), its published products."""
        products = super().published()
        return (
            products
            if page_of == "enterprise"
            else products.filter(published_through("enterprise"))
        )

    def for_listing(self):
        return self.select_related("enterprise", "enterprise__region")


class Product(ImageUploadMixin, SearchableModel, SluggedModel):
    """Something an enterprise makes, possibly shown at exhibitions."""

    rich_text_fields = ("description",)
    image_fields = {"image": "image_thumbnail"}

    search_related = ("enterprise",)

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        verbose_name=_("enterprise"),
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = rich_text_field(_("description"))
    image = uploaded_image(_("image"), "products")
    image_thumbnail = thumbnail_of(_("image thumbnail"), "products")

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [("publish_product", _("Can publish and archive products"))]
        ordering = ["slug"]
        indexes = [
            models.Index(fields=["slug"], name="prod_pub_slug", condition=PUBLISHED_ONLY),
            models.Index(
                fields=["enterprise", "slug"], name="prod_pub_enterprise", condition=PUBLISHED_ONLY
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:product-detail", kwargs={"slug": self.slug})

    def is_public(self):
        return super().is_public() and self.enterprise_id and self.enterprise.is_public()

    def search_texts(self):
        return {
            "names": self.translations_of("name"),
            "summary": [
                *self.translations_of("summary"),
                *self.translations_of("category"),
                *self.enterprise.translations_of("name"),
            ],
            "body": self.translations_of("description"),
        }
