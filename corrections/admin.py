"""The moderators' queue of corrections from readers."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .kinds import BY_SEGMENT, KINDS
from .models import NOTE_MAX_LENGTH, Correction


class KindFilter(admin.SimpleListFilter):
    title = _("kind of entry")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.segment, capfirst(kind.model._meta.verbose_name_plural)) for kind in KINDS]

    def queryset(self, request, queryset):
        kind = BY_SEGMENT.get(self.value())
        if kind is None:
            return queryset
        return queryset.filter(content_type=ContentType.objects.get_for_model(kind.model))


class DecisionForm(forms.Form):
    decision_note = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Required to reject; optional to accept."),
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )


def row_id(value):
    """A primary key from the URL, or None when it cannot be one."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 19 else None


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """What readers suggested: moderators read each suggestion beside the entry's change
    form, make the change there if it is right, and accept or reject it (with a reason).
    Nobody edits a suggestion."""

    list_display = ("entry_name", "kind", "created_at", "status", "decided_by")
    list_filter = ("status", KindFilter, "language")
    search_fields = ("entry_name", "entry_slug", "wrong", "right", "source_url", "email")
    list_select_related = ("content_type", "decided_by")
    date_hierarchy = "created_at"

    @admin.display(description=_("kind of entry"), ordering="content_type")
    def kind(self, obj):
        model = obj.model
        return capfirst(model._meta.verbose_name) if model else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Deciding is done on the suggestion's own page, not through a change form.
        return False

    def may_decide(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pk = row_id(object_id)
        correction = Correction.objects.filter(pk=pk).first() if pk is not None else None
        if correction is None:
            raise Http404(_("There is no such entry."))
        if not self.has_view_permission(request, correction):
            raise PermissionDenied
        may_decide = self.may_decide(request)
        form = DecisionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            response = self.decide(request, correction, form)
            if response is not None:
                return response
        entry = correction.current()
        context = {
            **self.admin_site.each_context(request),
            "title": str(correction),
            "opts": self.opts,
            "correction": correction,
            "entry": entry,
            "kind": self.kind(correction),
            "may_decide": may_decide,
            "form": form,
        }
        return TemplateResponse(request, "admin/corrections/correction.html", context)

    def decide(self, request, correction, form):
        """Accept or reject; a redirect when decided, None to show the form's errors."""
        here = HttpResponseRedirect(correction.get_absolute_url())
        if not form.is_valid():
            return None
        note = form.cleaned_data["decision_note"]
        if "_accept" in request.POST:
            correction.accept(request.user, note)
            self.message_user(request, _("The suggestion was marked accepted."), messages.SUCCESS)
            return here
        if "_reject" in request.POST:
            try:
                correction.reject(request.user, note)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field, error)
                return None
            self.message_user(request, _("The suggestion was rejected."), messages.SUCCESS)
            return here
        raise PermissionDenied
