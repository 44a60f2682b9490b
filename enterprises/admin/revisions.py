"""Pending revisions: what editors proposed for public entries, for publishers to review."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import Revision
from ..models.base import publish_permission
from .forms import row_id


def shown_value(field, value):
    """A proposed or stored value as an editor reads it: labels, names, never "None"."""
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        return ", ".join(
            str(obj) for obj in field.related_model._default_manager.filter(pk__in=value)
        )
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(no longer there)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def stored_json(field, obj):
    from ..models.revision import to_json

    if obj is None:
        return None
    if field.many_to_many:
        return sorted(getattr(obj, field.name).values_list("pk", flat=True)) if obj.pk else []
    return to_json(field, getattr(obj, field.attname))


def field_changes(model, obj, values):
    """[(label, now, proposed)] for the proposed values of one row."""
    rows = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        if not field.editable:
            continue
        rows.append(
            (
                capfirst(field.verbose_name),
                shown_value(field, stored_json(field, obj)),
                shown_value(field, value),
            )
        )
    return rows


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Changes editors proposed to public entries: publishers approve or reject them, their
    authors may withdraw them; nobody edits them."""

    list_display = ("summary", "kind", "author", "created_at", "status", "decided_by")
    list_filter = ("status", "content_type")
    search_fields = ("summary", "reason", "author__username")
    list_select_related = ("content_type", "author", "decided_by")
    date_hierarchy = "created_at"

    @admin.display(description=_("kind of entry"), ordering="content_type")
    def kind(self, obj):
        return capfirst(obj.model._meta.verbose_name) if obj.model else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = Revision.objects.filter(pk=row_id(object_id)).first()
        if revision is None:
            raise Http404(_("There is no such entry."))
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        may_decide = revision.is_pending and request.user.has_perm(
            publish_permission(revision.model)
        )
        may_withdraw = revision.is_pending and revision.author_id == request.user.pk
        if request.method == "POST":
            return self.decide(request, revision, may_decide, may_withdraw)
        entry = revision.current()
        model = revision.model
        rows = []
        for relation, children in revision.proposal.get("rows", {}).items():
            child_model = model._meta.get_field(relation).related_model
            for child in children:
                stored = (
                    child_model._default_manager.filter(pk=child["pk"]).first()
                    if child.get("pk")
                    else None
                )
                if child.get("delete"):
                    action = _("removed")
                elif stored is None:
                    action = _("added")
                else:
                    action = _("changed")
                rows.append(
                    {
                        "kind": capfirst(child_model._meta.verbose_name),
                        "action": action,
                        "row": str(stored) if stored is not None else "",
                        "changes": field_changes(child_model, stored, child.get("fields", {})),
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "title": str(revision),
            "opts": self.opts,
            "revision": revision,
            "entry": entry,
            "entry_url": reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[entry.pk]
            )
            if entry is not None
            else None,
            "changes": field_changes(model, entry, revision.proposal.get("fields", {})),
            "rows": rows,
            "changed_meanwhile": revision.changed_meanwhile(),
            "may_decide": may_decide,
            "may_withdraw": may_withdraw,
        }
        return TemplateResponse(request, "admin/enterprises/revision.html", context)

    def decide(self, request, revision, may_decide, may_withdraw):
        note = request.POST.get("decision_note", "")[:500]
        here = reverse("admin:enterprises_revision_change", args=[revision.pk])
        if "_approve" in request.POST and may_decide:
            try:
                entry = revision.apply(request.user, note)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
                return HttpResponseRedirect(here)
            self.message_user(
                request,
                _("The change was approved and is now public: “%(entry)s”.") % {"entry": entry},
                messages.SUCCESS,
            )
        elif "_reject" in request.POST and may_decide:
            revision.reject(request.user, note)
            self.message_user(request, _("The change was rejected."), messages.SUCCESS)
        elif "_withdraw" in request.POST and may_withdraw:
            revision.withdraw(request.user)
            self.message_user(request, _("Your change was withdrawn."), messages.SUCCESS)
        else:
            raise PermissionDenied
        return HttpResponseRedirect(here)
