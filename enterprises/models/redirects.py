"""Old addresses of entries, so that a renamed entry's old URL still leads to it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormerSlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class FormerSlug(models.Model):
    """A slug an entry used to have; requests for it are redirected to the entry. Each kind
    of entry keeps its own in a table of its own, whose `entry` is of that kind (found as
    the model's `slug_history` relation: see SluggedModel.former_slugs())."""

    slug = models.SlugField(_("old slug"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("replaced on"), default=timezone.now)

    objects = FormerSlugQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    def natural_key(self):
        return (self.slug,)


def entry_key(model):
    return models.ForeignKey(
        model, models.CASCADE, related_name="slug_history", verbose_name=_("now at")
    )


class EnterpriseFormerSlug(FormerSlug):
    entry = entry_key("enterprises.Enterprise")

    class Meta(FormerSlug.Meta):
        verbose_name = _("old address of an enterprise")
        verbose_name_plural = _("old addresses of enterprises")


class ProductFormerSlug(FormerSlug):
    entry = entry_key("enterprises.Product")

    class Meta(FormerSlug.Meta):
        verbose_name = _("old address of a product")
        verbose_name_plural = _("old addresses of products")


class ExhibitionFormerSlug(FormerSlug):
    entry = entry_key("enterprises.Exhibition")

    class Meta(FormerSlug.Meta):
        verbose_name = _("old address of an exhibition")
        verbose_name_plural = _("old addresses of exhibitions")


class PolicyFormerSlug(FormerSlug):
    entry = entry_key("enterprises.PolicyInitiative")

    class Meta(FormerSlug.Meta):
        verbose_name = _("old address of a policy initiative")
        verbose_name_plural = _("old addresses of policy initiatives")
