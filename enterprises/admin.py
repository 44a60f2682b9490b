"""The editors' admin: every directory model, bilingual fields side by side in tabs."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from .history import DirectoryRecordContextHelper
from .models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    Industry,
    Person,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    Revision,
    SlugHistory,
    Source,
    Statement,
    Status,
)
from .models.base import EDITOR_STATUSES, may_move, publish_permission
from .resources import EnterpriseResource, PolicyResource, ProductResource, RecognitionResource
from .review import needs_review, pending_revision, propose
from .spreadsheets import SpreadsheetAdmin

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def required_translated_fields(model):
    """The translated fields an entry must have in at least one of the two languages."""
    try:
        names = translator.get_options_for_model(model).get_field_names()
    except NotRegistered:
        return []
    return [name for name in names if not model._meta.get_field(name).blank]


class OneLanguageIsEnoughForm(forms.ModelForm):
    """A name (or any required text) is needed in one language, not in both: the admin
    accepts every entry the curated fixtures hold, such as a firm the source names only in
    English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in required_translated_fields(self._meta.model):
            for code in LANGUAGES:
                field = self.fields.get(build_localized_fieldname(name, code))
                if field is not None:
                    field.required = False

    def clean(self):
        data = super().clean()
        for name in required_translated_fields(self._meta.model):
            localized = [build_localized_fieldname(name, code) for code in LANGUAGES]
            present = [field for field in localized if field in self.fields]
            if present and not any(data.get(field) for field in present):
                self.add_error(present[0], _("Give this in at least one of the two languages."))
        return data


class MissingTranslationFilter(admin.SimpleListFilter):
    """Entries with text in one language but not the other, for editors to translate."""

    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("en", _("English missing")), ("zh-hans", _("Chinese missing"))]

    def queryset(self, request, queryset):
        missing = self.value()
        if missing not in LANGUAGES:
            return queryset
        (present,) = [code for code in LANGUAGES if code != missing]
        condition = Q()
        for field in translator.get_options_for_model(queryset.model).get_field_names():
            empty = build_localized_fieldname(field, missing)
            filled = build_localized_fieldname(field, present)
            condition |= (Q(**{empty: ""}) | Q(**{f"{empty}__isnull": True})) & ~(
                Q(**{filled: ""}) | Q(**{f"{filled}__isnull": True})
            )
        return queryset.filter(condition)


def without_fields(fieldsets, names):
    """Fieldsets without the given field names (also inside rows of several fields)."""
    out = []
    for title, options in fieldsets:
        fields = []
        for entry in options["fields"]:
            if isinstance(entry, list | tuple):
                entry = tuple(name for name in entry if name not in names)
                if entry:
                    fields.append(entry if len(entry) > 1 else entry[0])
            elif entry not in names:
                fields.append(entry)
        if fields:
            out.append((title, {**options, "fields": fields}))
    return out


def is_row_id(value):
    """Whether `value` (from a URL or a form) can be a primary key the databases store."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) < 2**63


def row_id(value):
    """A primary key from a URL, as the URL gave it; anything that cannot be one is a 404."""
    if not is_row_id(value):
        raise Http404(_("There is no such entry."))
    return value


def storable(field, values):
    """The values a related-row field can look up: the others (text for a number, a number
    too large for the column) could not match a row, and would make the lookup fail."""
    target = field.target_field
    if isinstance(target, models.AutoField | models.IntegerField):
        return [value for value in values if is_row_id(value)]
    return [value for value in values if len(str(value)) <= (target.max_length or 1000)]


class SafeAutocompleteMixin:
    """An autocomplete widget that shows a form posted with a malformed reference again
    (with its error) instead of failing while it looks the reference up."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, storable(self.field, value), attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class MalformedInputMixin:
    """Admin views answer malformed ids in forms and actions as the admin answers a missing
    selection, never with a server error."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        valid = [value for value in selected if is_row_id(value)]
        if valid != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, valid)
        return super().response_action(request, queryset)


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
        versioned = hasattr(self.model, "version")
        user = request.user
        may_publish = self.can_publish(request)
        reverting = self.is_revert(request)

        class DirectoryForm(base):
            change_reason = forms.CharField(
                label=_("Reason for this change"),
                required=False,
                max_length=500,
                help_text=_("Recorded in the history, e.g. “corrected from the 2024 list”."),
            )
            loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
            if reverting and "status" in base.base_fields:
                restore_status = forms.BooleanField(
                    label=_("Also restore the status of this version"),
                    required=False,
                    help_text=_(
                        "Left unticked, a revert restores the content and keeps the entry's "
                        "present status."
                    ),
                )

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.conflict = None
                if versioned and self.instance.pk:
                    self.fields["loaded_version"].initial = self.instance.version
                status = self.fields.get("status")
                if status is not None and not may_publish:
                    allowed = {*EDITOR_STATUSES, self.instance.status}
                    status.choices = [c for c in status.choices if c[0] in allowed]

            def clean(self):
                data = super().clean()
                self.check_status(data)
                if not may_publish:
                    self.check_no_pending_change()
                if versioned and self.instance.pk and not reverting:
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
                if reverting and not data.get("restore_status"):
                    return  # the status is kept (see save_model)
                if not may_move(user, type(self.instance), self.stored_status(), data["status"]):
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

        return DirectoryForm

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


@admin.register(Source)
class SourceAdmin(DirectoryAdmin):
    list_display = ("slug", "publisher", "title", "published_on")
    search_fields = ("slug", "publisher_zh_hans", "publisher_en", "title_zh_hans", "title_en")
    date_hierarchy = "published_on"


@admin.register(Region)
class RegionAdmin(DirectoryAdmin):
    list_display = ("code", "name", "full_name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = (
        "code",
        "slug",
        "name_zh_hans",
        "name_en",
        "full_name_zh_hans",
        "full_name_en",
    )
    autocomplete_fields = ("source",)
    list_select_related = ("source",)


@admin.register(Industry)
class IndustryAdmin(DirectoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name_zh_hans", "name_en")
    autocomplete_fields = ("parent", "source")
    list_select_related = ("parent",)


class RecognitionInline(MalformedInputMixin, TranslationStackedInline):
    # Stacked: a row of translated columns, each with its own language tabs, is too wide.
    model = Recognition
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = (("tier", "level"), ("year", "batch"), "title", "authority", "source")
    autocomplete_fields = ("source",)


class ProductInline(MalformedInputMixin, TranslationStackedInline):
    model = Product
    form = OneLanguageIsEnoughForm
    extra = 0
    # Status is changed on the product's own page, where the workflow rules apply.
    fields = ("name", "slug", "category", "summary")
    readonly_fields = ("slug",)
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(WorkflowActionsMixin, SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [EnterpriseResource]
    list_display = (
        "name",
        "region",
        "industry",
        "tier",
        "listing",
        "status",
        "updated_at",
    )
    list_filter = ("status", "tier", "exchange", "size", "region")
    search_fields = ("name_zh_hans", "name_en", "slug", "credit_code", "ticker")
    autocomplete_fields = ("region", "industry", "sources")
    list_select_related = ("region", "industry")
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("tier", "created_at", "updated_at")
    inlines = (RecognitionInline, ProductInline)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is not None else [f for f in fields if not f.endswith("_at")]

    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "tier")}),
        (
            _("Profile"),
            {
                "fields": (
                    "credit_code",
                    ("region", "city"),
                    "industry",
                    ("founded_year", "size"),
                    "website",
                    "summary",
                    "description",
                    "logo",
                )
            },
        ),
        (_("Stock listing"), {"fields": (("listed", "exchange", "ticker"),)}),
        (_("Sources"), {"fields": ("sources", "verified_on", ("created_at", "updated_at"))}),
    )

    def has_delete_permission(self, request, obj=None):
        # Enterprises are archived, never deleted: their history and links stay whole.
        return False

    @admin.display(description=_("listing"), ordering="exchange")
    def listing(self, obj):
        return f"{obj.get_exchange_display()} {obj.ticker}" if obj.exchange else "—"


@admin.register(Recognition)
class RecognitionAdmin(SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [RecognitionResource]
    list_display = ("enterprise", "tier", "level", "year", "batch", "source")
    list_filter = ("tier", "level", "year")
    search_fields = (
        "enterprise__name_zh_hans",
        "enterprise__name_en",
        "title_zh_hans",
        "title_en",
    )
    autocomplete_fields = ("enterprise", "source")
    list_select_related = ("enterprise", "source")


class ExhibitInline(MalformedInputMixin, TranslationTabularInline):
    model = Exhibit
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = ("product", "exhibition", "hall", "booth", "note", "source")
    autocomplete_fields = ("product", "exhibition", "source")


@admin.register(Product)
class ProductAdmin(WorkflowActionsMixin, SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [ProductResource]
    list_display = ("name", "enterprise", "category", "status", "updated_at")
    list_filter = ("status", "enterprise__tier")
    search_fields = ("name_zh_hans", "name_en", "slug", "category_zh_hans", "category_en")
    autocomplete_fields = ("enterprise", "sources")
    list_select_related = ("enterprise",)
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (ExhibitInline,)


@admin.register(Exhibition)
class ExhibitionAdmin(WorkflowActionsMixin, DirectoryAdmin):
    list_display = ("name", "year", "city", "region", "start_date", "end_date", "status")
    list_filter = ("status", "year", "region")
    search_fields = ("name_zh_hans", "name_en", "slug", "city_zh_hans", "city_en")
    autocomplete_fields = ("region", "sources")
    list_select_related = ("region",)
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (ExhibitInline,)


@admin.register(Exhibit)
class ExhibitAdmin(DirectoryAdmin):
    list_display = ("product", "exhibition", "hall", "booth")
    list_filter = ("exhibition__year",)
    search_fields = (
        "product__name_zh_hans",
        "product__name_en",
        "exhibition__name_zh_hans",
        "exhibition__name_en",
    )
    autocomplete_fields = ("product", "exhibition", "source")
    list_select_related = ("product", "exhibition")


class PolicyTargetInline(MalformedInputMixin, TranslationStackedInline):
    model = PolicyTarget
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = (
        ("slug", "position"),
        "measure",
        ("qualifier", "target_value", "unit", "deadline_year"),
        ("latest_value", "latest_value_on", "latest_value_source"),
    )
    autocomplete_fields = ("latest_value_source",)


@admin.register(PolicyInitiative)
class PolicyInitiativeAdmin(WorkflowActionsMixin, SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [PolicyResource]
    list_display = ("title", "scope", "region", "stage", "issued_on", "status")
    list_filter = ("status", "scope", "stage", "region")
    search_fields = ("title_zh_hans", "title_en", "slug", "document_number")
    autocomplete_fields = ("region", "sources")
    list_select_related = ("region",)
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (PolicyTargetInline,)


@admin.register(PolicyTarget)
class PolicyTargetAdmin(DirectoryAdmin):
    list_display = (
        "measure",
        "initiative",
        "target_value",
        "unit",
        "deadline_year",
        "latest_value",
    )
    list_filter = ("deadline_year",)
    search_fields = (
        "measure_zh_hans",
        "measure_en",
        "initiative__title_zh_hans",
        "initiative__title_en",
    )
    autocomplete_fields = ("initiative", "latest_value_source")
    list_select_related = ("initiative",)


@admin.register(Indicator)
class IndicatorAdmin(WorkflowActionsMixin, DirectoryAdmin):
    list_display = ("measure", "region", "qualifier", "value", "unit", "as_of", "status")
    list_filter = ("status", "region")
    search_fields = ("measure_zh_hans", "measure_en", "slug")
    autocomplete_fields = ("region", "source")
    list_select_related = ("region",)
    date_hierarchy = "as_of"


class StatementInline(MalformedInputMixin, TranslationStackedInline):
    model = Statement
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = (
        ("slug", "position", "status"),
        ("role", "organisation"),
        "enterprise",
        "paraphrase",
        ("reported_on", "source"),
        ("enterprises", "products", "exhibitions", "policies"),
    )
    autocomplete_fields = (
        "enterprise",
        "source",
        "enterprises",
        "products",
        "exhibitions",
        "policies",
    )


@admin.register(Person)
class PersonAdmin(WorkflowActionsMixin, DirectoryAdmin):
    list_display = ("name", "slug", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("name_zh_hans", "name_en", "slug")
    readonly_fields = ("created_at", "updated_at")
    inlines = (StatementInline,)


@admin.register(Statement)
class StatementAdmin(WorkflowActionsMixin, DirectoryAdmin):
    list_display = ("person", "role", "organisation", "reported_on", "source", "status")
    list_filter = ("status", "reported_on")
    search_fields = (
        "person__name_zh_hans",
        "person__name_en",
        "paraphrase_zh_hans",
        "paraphrase_en",
    )
    autocomplete_fields = StatementInline.autocomplete_fields + ("person",)
    list_select_related = ("person", "source")
    readonly_fields = ("created_at", "updated_at")


@admin.register(SlugHistory)
class SlugHistoryAdmin(MalformedInputMixin, admin.ModelAdmin):
    """Old addresses are kept automatically; editors can look them up or remove one."""

    list_display = ("slug", "kind", "entry", "created_at")
    list_filter = ("kind",)
    search_fields = ("slug",)
    list_select_related = ("enterprise", "product", "exhibition", "policy")
    readonly_fields = (
        "kind",
        "slug",
        "enterprise",
        "product",
        "exhibition",
        "policy",
        "created_at",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("now at"))
    def entry(self, obj):
        return obj.entry


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
    from .models.revision import to_json

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
