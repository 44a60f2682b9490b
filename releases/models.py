"""A data release: an immutable, dated copy of the published directory."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReleaseQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-created_at", "-id")


class Release(models.Model):
    """What publish_release wrote: the files (in the releases storage, under `name`/), with
    their sizes, checksums and row counts, and the history timepoint it was taken at (the
    change feed continues from there)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("published"))
    timepoint = models.DateTimeField(
        _("timepoint"),
        help_text=_("When it was taken: the change feed continues from here."),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        verbose_name=_("previous release"),
        related_name="+",
        null=True,
        blank=True,
    )
    include_demo = models.BooleanField(_("includes demo data"), default=False)
    files = models.JSONField(
        _("files"), default=list, help_text=_("Path, bytes and sha256 of each file.")
    )
    row_counts = models.JSONField(_("rows"), default=dict)
    delta_counts = models.JSONField(_("changes since the previous release"), default=dict)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("data release")
        verbose_name_plural = _("data releases")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A release is immutable.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:release-list") + f"#release-{self.name}"

    @property
    def total_bytes(self):
        return sum(file["bytes"] for file in self.files)

    @property
    def total_rows(self):
        return sum(self.row_counts.values())

    def file(self, path):
        """The described file at `path`, or None."""
        return next((file for file in self.files if file["path"] == path), None)

    def download_url(self, path):
        return reverse("releases:release-file", args=[self.name, path])
