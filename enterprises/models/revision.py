"""Changes to public content proposed by editors, kept apart until a publisher approves them.

While a revision is pending, the public keeps seeing the entry as it is; approving it
applies the proposed values (and the proposed additions, changes and removals of the
entry's rows, such as an enterprise's recognitions), recorded in the history as the
publisher's change on the editor's behalf.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def to_json(field, value):
    """A form's cleaned value of a model field, as JSON can hold it."""
    if field.many_to_many:
        return sorted(obj.pk for obj in value or ())
    if field.is_relation:
        return getattr(value, "pk", value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or ""
    return value


def from_json(field, value):
    """to_json() undone: the value to give the model attribute (a pk for a relation)."""
    if value is None or field.many_to_many or field.is_relation:
        return value
    return field.to_python(value)


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Revision.Status.PENDING)

    def of(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )


class Revision(models.Model):
    """An editor's proposed change to a public entry (or a new row under one)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of entry")
    )
    object_id = models.PositiveBigIntegerField(
        _("entry id"), null=True, blank=True, help_text=_("Empty for a proposed new entry.")
    )
    entry = GenericForeignKey("content_type", "object_id")
    summary = models.CharField(_("entry concerned"), max_length=300)
    proposal = models.JSONField(_("proposed change"), default=dict)
    base_version = models.PositiveIntegerField(_("based on version"), null=True, blank=True)
    reason = models.CharField(_("reason given"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("proposed by"),
        related_name="revisions_proposed",
    )
    created_at = models.DateTimeField(_("proposed on"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("decided by"),
        related_name="revisions_decided",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One pending change per entry at a time: a second would be made without seeing
            # the first, and approving both would lose one.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending", object_id__isnull=False),
                name="revision_one_pending_per_entry",
                violation_error_message=_("A change to this entry is already awaiting review."),
            )
        ]

    def __str__(self):
        return gettext("Change to “%(entry)s” by %(author)s") % {
            "entry": self.summary,
            "author": self.author,
        }

    @property
    def model(self):
        return self.content_type.model_class()

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def current(self):
        """The entry as it is now (None for a proposed new entry, or one since deleted)."""
        if self.object_id is None:
            return None
        return self.model._default_manager.filter(pk=self.object_id).first()

    def changed_meanwhile(self):
        """Whether the entry was saved by someone else after this change was proposed."""
        entry = self.current()
        return (
            entry is not None
            and self.base_version is not None
            and getattr(entry, "version", self.base_version) != self.base_version
        )

    def apply(self, user, note=""):
        """Approve: write the proposed values, all or nothing; ValidationError when the
        entry no longer accepts them (the revision stays pending)."""
        if not self.is_pending:
            raise ValidationError(gettext("This change is no longer awaiting review."))
        with transaction.atomic():
            entry = self.current()
            if self.object_id is not None and entry is None:
                raise ValidationError(gettext("The entry this change was proposed for is gone."))
            if entry is None:
                entry = self.model()
            reason = gettext("Approved change proposed by %(author)s on %(date)s") % {
                "author": self.author,
                "date": timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M"),
            }
            if self.reason:
                reason += f": {self.reason}"
            write(entry, self.proposal, reason)
            self.object_id = entry.pk
            self.decide(self.Status.APPROVED, user, note)
        return entry

    def reject(self, user, note=""):
        self.decide(self.Status.REJECTED, user, note)
        self.discard_files()

    def withdraw(self, user):
        self.decide(self.Status.WITHDRAWN, user, "")
        self.discard_files()

    def decide(self, status, user, note):
        self.status, self.decided_by, self.decided_at = status, user, timezone.now()
        self.decision_note = note[:500]
        self.save()

    def discard_files(self):
        """Remove uploads that were stored for this proposal only."""
        for name in self.proposal.get("files", []):
            default_storage.delete(name)


def write(instance, proposal, reason):
    """Give `instance` the proposed values, validate and save it, then its rows."""
    m2m = {}
    for name, value in proposal.get("fields", {}).items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(instance, field.attname, from_json(field, value))
    instance.full_clean(validate_unique=True)
    instance._change_reason = reason
    instance.save()
    for name, pks in m2m.items():
        getattr(instance, name).set(pks)
    for relation, rows in proposal.get("rows", {}).items():
        write_rows(instance, relation, rows, reason)


def write_rows(parent, relation, rows, reason):
    field = parent._meta.get_field(relation)
    model, parent_field = field.related_model, field.field.name
    for row in rows:
        child = model._default_manager.filter(pk=row["pk"]).first() if row.get("pk") else None
        if row.get("delete"):
            if child is not None:
                child._change_reason = reason
                child.delete()
            continue
        if child is None:
            child = model(**{parent_field: parent})
        write(child, {"fields": row.get("fields", {})}, reason)
