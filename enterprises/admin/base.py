"""DirectoryAdmin, the base of every directory model's admin, and the workflow actions."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
)
from simple_history.admin import SimpleHistoryAdmin

from ..history import DirectoryRecordContextHelper
from ..models import (
    Status,
)
from ..models.base import may_move, publish_permission
from ..review import needs_review, pending_revision, propose
from .forms import (
    MalformedInputMixin,
    MissingTranslationFilter,
    OneLanguageIsEnoughForm,
    row_id,
    without_fields,
)
from .workflow import workflow_form


def in_reading_order(fields, model, record_fields=()):
    """A form laid out from the model, with the fields every entry has (declared on the base
    model, so first) where an editor looks for them: the slug after what it is made from,
    the sources and the date of the last check at the end, before the change's own record."""
    last = [name for name in ("sources", "verified_on", *record_fields) if name in fields]
    ordered = [name for name in fields if name not in last and name != "slug"]
    if "slug" in fields:
        made_from = getattr(model, "slug_source", "name")
        after = [i for i, name in enumerate(ordered) if name.startswith(made_from)]
        ordered.insert(after[-1] + 1 if after else 0, "slug")
    return [*ordered, *last]


class DirectoryAdmin(MalformedInputMixin, SimpleHistoryAdmin, TabbedTranslationAdmin):
    """Bilingual fields in tabs, change history with revert, a filter for missing
    translations, a reason for each change, and no lost updates: a save based on an older
    version than the stored one is refused, showing what changed meanwhile. An editor's
    save of a public entry becomes a proposed change for a publisher to review (see
    enterprises.review)."""

    form = OneLanguageIsEnoughForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/enterprises/change_form.html"
    record_fields = ("change_reason", "loaded_version")

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), MissingTranslationFilter)

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, row_id(object_id), extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return DirectoryRecordContextHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return super().history_form_view(
            request, row_id(object_id), row_id(version_id), extra_context
        )

    def is_revert(self, request):
        match = request.resolver_match
        return bool(match and match.url_name and match.url_name.endswith("_simple_history"))

    def can_publish(self, request):
        return request.user.has_perm(publish_permission(self.model))

    def has_publish_permission(self, request):
        return self.can_publish(request)

    def has_delete_permission(self, request, obj=None):
        # Public content is archived by a publisher, not deleted by an editor.
        if obj is not None and not self.can_publish(request) and obj.is_public():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.can_publish(request):
            actions.pop("delete_selected", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets is None and self.fields is None:
            # Laid out from the model: one fieldset, its shared fields put in reading order.
            fields = in_reading_order(fieldsets[0][1]["fields"], self.model, self.record_fields)
            fieldsets = [(None, {"fields": fields})]
        if obj is None:
            # An entry being added has no creation or update time yet.
            fieldsets = without_fields(fieldsets, {"created_at", "updated_at"})
        named = {name for _title, options in fieldsets for name in flatten(options["fields"])}
        if "change_reason" in named:
            return fieldsets
        return [*fieldsets, (_("This change"), {"fields": self.record_fields})]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = [
            f for f in (kwargs.get("fields") or []) if f not in self.record_fields
        ] or kwargs.get("fields")
        base = super().get_form(request, obj, **kwargs)
        reverting = self.is_revert(request)

        return workflow_form(
            base,
            {
                "user": request.user,
                "may_publish": self.can_publish(request),
                "reverting": reverting,
                "versioned": hasattr(self.model, "version"),
            },
            with_restore_status=reverting and "status" in base.base_fields,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context.get("adminform") and context["adminform"].form
        context["conflict"] = getattr(form, "conflict", None)
        context["pending_revision"] = pending_revision(obj)
        context["reviewed"] = obj is not None and needs_review(request.user, obj)
        context["reverting"] = self.is_revert(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason")
        if self.is_revert(request) and obj.pk:
            # A revert saves an old copy: keep the current version number and derived values,
            # and the present status unless asked to restore that too.
            current = type(obj)._default_manager.get(pk=obj.pk)
            for field in obj._meta.concrete_fields:
                if not field.editable and not field.primary_key and field.name != "created_at":
                    setattr(obj, field.attname, getattr(current, field.attname))
            if hasattr(obj, "status") and not form.cleaned_data.get("restore_status"):
                obj.status = current.status
            match = request.resolver_match
            version_id = match.kwargs.get("version_id") or (match.args[1:2] or [None])[0]
            record = obj.history.filter(history_id=version_id).first() if version_id else None
            if record is not None and not reason:
                reason = _("Reverted to the version of %(date)s") % {
                    "date": date_format(localtime(record.history_date), "DATETIME_FORMAT")
                }
        if needs_review(request.user, obj):
            request.proposing = True  # written by save_related, as a Revision
            return
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "proposing", False):
            request.revision = propose(request, form, formsets)
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "revision", None) is not None:
            return []  # nothing was saved: the revision records what was proposed
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        if getattr(request, "revision", None) is None:
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if getattr(request, "revision", None) is None:
            super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "revision", None) is not None:
            return self.response_proposed(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "revision", None) is not None:
            return self.response_proposed(request)
        return super().response_change(request, obj)

    def response_proposed(self, request):
        revision = request.revision
        self.message_user(
            request,
            _(
                "Your change to “%(entry)s” was saved for review: the public site shows the "
                "entry as it was until a publisher approves it."
            )
            % {"entry": revision.summary},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:enterprises_revision_change", args=[revision.pk])
        )


class WorkflowActionsMixin:
    """Bulk workflow actions, saving each row so that history and signals follow."""

    actions = ["submit_for_review", "publish", "archive", "return_to_draft"]

    def _move(self, request, queryset, status, label, message):
        moved = 0
        for obj in queryset:
            if obj.status != status and may_move(request.user, type(obj), obj.status, status):
                obj.status = status
                obj._change_reason = label
                obj.save(update_fields=["status"])
                moved += 1
        skipped = len(queryset) - moved
        self.message_user(request, message(moved) % {"count": moved}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry was left as it was (already there, or not yours to move).",
                    "%(count)d entries were left as they were (already there, or not yours "
                    "to move).",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Submit the selected entries for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(
            request,
            queryset.filter(status=Status.DRAFT),
            Status.REVIEW,
            _("Submitted for review"),
            lambda n: ngettext(
                "%(count)d entry submitted for review.",
                "%(count)d entries submitted for review.",
                n,
            ),
        )

    @admin.action(description=_("Publish the selected entries"), permissions=["publish"])
    def publish(self, request, queryset):
        self._move(
            request,
            queryset,
            Status.PUBLISHED,
            _("Published"),
            lambda n: ngettext("%(count)d entry published.", "%(count)d entries published.", n),
        )

    @admin.action(description=_("Archive the selected entries"), permissions=["publish"])
    def archive(self, request, queryset):
        self._move(
            request,
            queryset,
            Status.ARCHIVED,
            _("Archived"),
            lambda n: ngettext("%(count)d entry archived.", "%(count)d entries archived.", n),
        )

    @admin.action(description=_("Return the selected entries to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._move(
            request,
            queryset,
            Status.DRAFT,
            _("Returned to draft"),
            lambda n: ngettext(
                "%(count)d entry returned to draft.", "%(count)d entries returned to draft.", n
            ),
        )
