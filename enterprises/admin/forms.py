"""Admin forms and widgets: one language is enough, malformed input is a form error."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models
from django.db.models import Q
from django.forms.models import _get_foreign_key
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

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


class BoundedInline(MalformedInputMixin):
    """An inline whose posted form count is believed up to the entry's existing rows plus
    NEW_ROWS: a larger count (a crafted TOTAL_FORMS) is a form error after building at most
    that many forms, where Django's default would build and render two thousand."""

    NEW_ROWS = 100
    max_num = NEW_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        existing = 0
        if obj is not None and obj.pk is not None:
            fk = _get_foreign_key(self.parent_model, self.model, fk_name=self.fk_name)
            existing = self.model._default_manager.filter(**{fk.name: obj}).count()
        kwargs.setdefault("absolute_max", existing + self.NEW_ROWS)
        kwargs.setdefault("max_num", existing + self.NEW_ROWS)
        return super().get_formset(request, obj, **kwargs)


class PolicyInitiativeForm(OneLanguageIsEnoughForm):
    """A policy's form: its criteria, industries included, need the source that states
    them (the model checks the rest, but sees the industries only once saved)."""

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("eligible_industries")
            and not cleaned.get("criteria_source")
            and "criteria_source" in self.fields
        ):
            self.add_error("criteria_source", _("Cite the source that states who it is for."))
        return cleaned
