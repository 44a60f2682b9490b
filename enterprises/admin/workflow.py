"""The admin's change form of a directory entry: the workflow rule on its status, one
pending proposal at a time, and no lost update between two editors."""

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from ..history import DirectoryRecordContextHelper
from ..models import Status
from ..models.base import EDITOR_STATUSES, may_move
from ..review import pending_revision


def changes_since(obj, version):
    """What others changed in `obj` after `version`: [(history record, [(field, old, new)])],
    as the history page shows changes."""
    records = list(obj.history.filter(version__gt=version).order_by("history_date", "history_id"))
    previous = obj.history.filter(version__lte=version).order_by("-history_date").first()
    out = []
    for record in records:
        rows = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            helper = DirectoryRecordContextHelper(type(obj), record)
            rows = [
                (c["field"], c["old"], c["new"]) for c in helper.context_for_delta_changes(delta)
            ]
        out.append((record, rows))
        previous = record
    return out


class WorkflowForm(forms.ModelForm):
    """Mixed into the form the admin builds for a request (see workflow_form()): `user`,
    `may_publish`, `reverting` and `versioned` are that request's."""

    user = None
    may_publish = False
    reverting = False
    versioned = False
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=500,
        help_text=_("Recorded in the history, e.g. “corrected from the 2024 list”."),
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.versioned and self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        status = self.fields.get("status")
        if status is not None and not self.may_publish:
            allowed = {*EDITOR_STATUSES, self.instance.status}
            status.choices = [c for c in status.choices if c[0] in allowed]

    def clean(self):
        data = super().clean()
        self.check_status(data)
        if not self.may_publish:
            self.check_no_pending_change()
        if self.versioned and self.instance.pk and not self.reverting:
            self.check_version(data.get("loaded_version"))
        return data

    def stored_status(self):
        if not self.instance.pk:
            return Status.DRAFT
        return (
            type(self.instance)
            ._default_manager.filter(pk=self.instance.pk)
            .values_list("status", flat=True)
            .first()
        )

    def check_status(self, data):
        if "status" not in data:
            return
        if self.reverting and not data.get("restore_status"):
            return  # the status is kept (see save_model)
        if not may_move(self.user, type(self.instance), self.stored_status(), data["status"]):
            self.add_error("status", _("Only publishers can publish or archive."))

    def check_no_pending_change(self):
        pending = pending_revision(self.instance)
        if pending is not None:
            raise forms.ValidationError(
                _(
                    "A change to this entry proposed by %(author)s on %(date)s is "
                    "awaiting review. A publisher must approve or reject it (or its "
                    "author withdraw it) before another change is made."
                ),
                code="pending",
                params={
                    "author": pending.author,
                    "date": date_format(localtime(pending.created_at), "DATETIME_FORMAT"),
                },
            )

    def check_version(self, loaded):
        # Locks the row until this save commits (SQLite: the IMMEDIATE transaction
        # already serialises writers), so two saves cannot both pass.
        current = (
            type(self.instance)
            ._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if loaded is None or current is None or loaded == current:
            return
        self.conflict = changes_since(self.instance, loaded)
        raise forms.ValidationError(
            _(
                "Someone else saved this entry after you opened it (your version "
                "%(loaded)s, now %(current)s), so your changes were not saved. What "
                "changed meanwhile is shown below; reload the page and apply your "
                "change again."
            ),
            code="conflict",
            params={"loaded": loaded, "current": current},
        )


RESTORE_STATUS = forms.BooleanField(
    label=_("Also restore the status of this version"),
    required=False,
    help_text=_(
        "Left unticked, a revert restores the content and keeps the entry's present status."
    ),
)


def workflow_form(base, request_facts, with_restore_status):
    """The admin's form `base` with the workflow of one request mixed in."""
    attributes = dict(request_facts)
    if with_restore_status:
        attributes["restore_status"] = RESTORE_STATUS
    return type("DirectoryForm", (WorkflowForm, base), attributes)
