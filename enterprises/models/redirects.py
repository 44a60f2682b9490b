"""Old addresses of entries, so that a renamed entry's old URL still leads to it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SlugHistoryQuerySet(models.QuerySet):
    def get_by_natural_key(self, kind, slug):
        return self.get(kind=kind, slug=slug)


class SlugHistory(models.Model):
    """A slug an entry used to have; requests for it are redirected to the entry."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        PRODUCT = "product", _("product")
        EXHIBITION = "exhibition", _("exhibition")
        POLICY = "policy", _("policy initiative")

    kind = models.CharField(_("kind of entry"), max_length=12, choices=Kind)
    slug = models.SlugField(_("old slug"), max_length=100)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="slug_history",
    )
    product = models.ForeignKey(
        "enterprises.Product", models.CASCADE, null=True, blank=True, related_name="slug_history"
    )
    exhibition = models.ForeignKey(
        "enterprises.Exhibition",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="slug_history",
    )
    policy = models.ForeignKey(
        "enterprises.PolicyInitiative",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="slug_history",
    )
    created_at = models.DateTimeField(_("replaced on"), default=timezone.now)

    objects = SlugHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        ordering = ["kind", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "slug"], name="slughistory_unique_slug_per_kind"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="enterprise",
                        enterprise__isnull=False,
                        product=None,
                        exhibition=None,
                        policy=None,
                    )
                    | Q(
                        kind="product",
                        product__isnull=False,
                        enterprise=None,
                        exhibition=None,
                        policy=None,
                    )
                    | Q(
                        kind="exhibition",
                        exhibition__isnull=False,
                        enterprise=None,
                        product=None,
                        policy=None,
                    )
                    | Q(
                        kind="policy",
                        policy__isnull=False,
                        enterprise=None,
                        product=None,
                        exhibition=None,
                    )
                ),
                name="slughistory_points_at_one_entry_of_its_kind",
            ),
        ]

    def __str__(self):
        return self.slug

    def natural_key(self):
        return (self.kind, self.slug)

    @property
    def entry(self):
        return getattr(self, self.kind)

    def clean(self):
        if getattr(self, f"{self.kind}_id", None) is None:
            raise ValidationError(_("An old address must point at an entry of its kind."))
