"""Official lists being imported: the file as read, kept until an editor applies it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .recognition import RECOGNITION_TIERS, Recognition, Stage
from .reference import Source


class ListImport(models.Model):
    """An official list uploaded for import: its rows as read from the file and the
    recognition they award, reviewed against the directory each time it is shown, and
    written only when an editor applies it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=50)
    columns = models.JSONField(_("columns"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name=_("source"), related_name="list_imports"
    )
    tier = models.CharField(_("tier"), max_length=20, choices=RECOGNITION_TIERS)
    level = models.CharField(_("level"), max_length=12, choices=Recognition.Level, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.PositiveSmallIntegerField(_("batch"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage)
    notice_number = models.CharField(_("notice number"), max_length=100, blank=True)
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("uploaded by"),
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("official list import")
        verbose_name_plural = _("official list imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING
