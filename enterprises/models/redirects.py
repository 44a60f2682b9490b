"""Old addresses of entries, so that a renamed entry's old URL still leads to it."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SlugHistory(models.Model):
    """A slug an entry used to have; requests for it are redirected to the entry."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of entry")
    )
    object_id = models.PositiveBigIntegerField(_("entry"))
    entry = GenericForeignKey("content_type", "object_id")
    slug = models.SlugField(_("old slug"), max_length=100)
    created_at = models.DateTimeField(_("replaced on"), default=timezone.now)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="slughistory_unique_slug_per_kind"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.slug
