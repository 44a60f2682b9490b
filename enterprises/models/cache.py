"""The content version: one number that changes whenever anything public may have changed."""

from django.db import models


class ContentVersion(models.Model):
    """A counter raised after every committed change to directory content; cached pages,
    facet counts and figures are stored under it, so an edit is visible on the next request
    in every process, and stale entries are simply never asked for again."""

    value = models.BigIntegerField(default=1)
    # When the value was last raised: what HTTP calls Last-Modified for the API's answers
    # (empty until the first change, when nothing can be said).
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "content version"
        default_permissions = ()

    def __str__(self):
        return str(self.value)
