"""Corrections readers suggest for public entries, kept in a queue for moderators.

A suggestion never changes the directory: a moderator reads it beside the entry's change
form, makes the change there (or not) and marks the suggestion accepted or rejected.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 2000
URL_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 500


class CorrectionQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=Correction.Status.NEW)

    def since(self, moment):
        return self.filter(created_at__gte=moment)

    def of(self, entry):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(entry)), object_id=entry.pk
        )


class Correction(models.Model):
    """A reader's suggestion that something on an entry's page is wrong."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of entry")
    )
    object_id = models.PositiveBigIntegerField(_("entry id"))
    entry = GenericForeignKey("content_type", "object_id")
    entry_slug = models.CharField(
        _("page address"),
        max_length=100,
        help_text=_("The slug of the page the suggestion was made on."),
    )
    entry_name = models.CharField(
        _("entry name"), max_length=300, help_text=_("The entry's name as the reader saw it.")
    )
    wrong = models.TextField(_("what is wrong"), max_length=TEXT_MAX_LENGTH)
    right = models.TextField(_("what is right"), max_length=TEXT_MAX_LENGTH)
    source_url = models.URLField(_("source"), max_length=URL_MAX_LENGTH, blank=True)
    email = models.EmailField(
        _("reader's e-mail"),
        blank=True,
        help_text=_("For questions to the reader; never shown on the public site."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("suggested on"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.NEW, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("decided by"),
        related_name="corrections_decided",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(
        _("reason for the decision"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Required when the suggestion is rejected."),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction from a reader")
        verbose_name_plural = _("corrections from readers")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""),
                name="correction_rejected_with_reason",
                violation_error_message=_("Give the reason for rejecting the suggestion."),
            )
        ]

    def __str__(self):
        return gettext("Correction to “%(entry)s”") % {"entry": self.entry_name}

    def get_absolute_url(self):
        return reverse("admin:corrections_correction_change", args=[self.pk])

    @property
    def model(self):
        return self.content_type.model_class()

    @property
    def is_new(self):
        return self.status == self.Status.NEW

    def current(self):
        """The entry as it is now (None once it was deleted)."""
        return self.model._default_manager.filter(pk=self.object_id).first()

    def entry_admin_url(self):
        """The entry's change form with this suggestion shown beside it."""
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object_id])
        return f"{url}?correction={self.pk}"

    def accept(self, user, note=""):
        self.decide(self.Status.ACCEPTED, user, note)

    def reject(self, user, reason):
        """Reject with a reason (ValidationError without one)."""
        if not (reason or "").strip():
            raise ValidationError(
                {"decision_note": gettext("Give the reason for rejecting the suggestion.")}
            )
        self.decide(self.Status.REJECTED, user, reason)

    def decide(self, status, user, note):
        self.status, self.decided_by, self.decided_at = status, user, timezone.now()
        self.decision_note = (note or "").strip()[:NOTE_MAX_LENGTH]
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
