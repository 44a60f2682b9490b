"""Import and export in the admin, as editors read them: forms in their language, and a
preview that says what an import will do (a summary, then per row only what changes, and
each error with its row, column and reason)."""

from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.results import RowResult
from modeltranslation.translator import NotRegistered, translator

from .formats import FORMATS


class FormatChoices:
    """The file formats by name ("CSV", "XLSX (Excel)"), CSV first and chosen."""

    def _init_formats(self, formats):
        super()._init_formats(formats)
        field = self.fields["format"]
        field.choices = [(str(i), f.label) for i, f in enumerate(formats)]
        field.initial = "0"


class DirectoryImportForm(FormatChoices, ImportForm):
    pass


class DirectoryExportForm(FormatChoices, SelectableFieldsExportForm):
    def _get_field_label(self, resource, field_name):
        return column_label(resource, field_name)


def column_label(resource, column):
    """A column's label as editors read it: the field's name in their language, and the
    column as the file names it ("名称 (中文) · name_zh_hans")."""
    model = resource._meta.model
    field = next(
        (f for f in resource.fields.values() if column in (f.column_name, f.attribute)), None
    )
    attribute = field.attribute if field is not None else column
    try:
        label = capfirst(model._meta.get_field(attribute).verbose_name)
    except Exception:  # noqa: BLE001 - a column that is not a model field keeps its name
        return column
    return f"{label} · {column}"


def error_label(resource, key):
    """The column an error is about. A translated field's error ("name") names both of its
    columns, since either may hold the value."""
    model = resource._meta.model
    try:
        translated = translator.get_options_for_model(model).get_field_names()
    except NotRegistered:
        translated = ()
    if key in translated:
        label = capfirst(model._meta.get_field(key).verbose_name)
        return _("%(label)s (%(first)s or %(second)s)") % {
            "label": label,
            "first": f"{key}_zh_hans",
            "second": f"{key}_en",
        }
    return column_label(resource, key)


def shown(value, model_field=None):
    """A cell as the preview shows it: a choice by its label, an empty cell as a dash."""
    text = "" if value is None else str(value).strip()
    if text and model_field is not None and model_field.choices:
        text = str(dict(model_field.flatchoices).get(text, text))
    return text or "—"


def model_field(resource, field):
    try:
        return resource._meta.model._meta.get_field(field.attribute)
    except Exception:  # noqa: BLE001 - a column that is not a model field
        return None


def preview(resource, result):
    """{"totals", "rows": [{number, action, entry, changes: [(label, old, new)]}], "errors":
    [(row, column, message)]}: what the import will do, for the preview page."""
    fields = [
        f
        for f in resource.get_import_fields()
        if not f.readonly and f.column_name and f.column_name != "version"
    ]
    actions = {
        RowResult.IMPORT_TYPE_NEW: _("New"),
        RowResult.IMPORT_TYPE_UPDATE: _("Update"),
        RowResult.IMPORT_TYPE_SKIP: _("Unchanged"),
        RowResult.IMPORT_TYPE_DELETE: _("Delete"),
    }
    rows = []
    for number, row in enumerate(result.rows, start=1):
        if row.import_type not in actions:
            continue
        changes = []
        if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
            for field in fields:
                if field.column_name not in row.row_values:
                    continue
                target = model_field(resource, field)
                new = shown(row.row_values[field.column_name], target)
                old = "—"
                if row.original is not None:
                    old = shown(resource.export_field(field, row.original), target)
                if new != old:
                    changes.append((column_label(resource, field.column_name), old, new))
        rows.append(
            {
                "number": number,
                "action": actions[row.import_type],
                "type": row.import_type,
                "entry": row.object_repr or "",
                "changes": changes,
            }
        )
    errors = []
    for row in result.invalid_rows:
        for key, messages in row.field_specific_errors.items():
            errors += [(row.number, error_label(resource, key), m) for m in messages]
        errors += [(row.number, "", m) for m in row.non_field_specific_errors]
    for number, row_errors in result.row_errors():
        errors += [(number, "", str(error.error)) for error in row_errors]
    return {
        "totals": [
            (actions[kind], result.totals.get(kind, 0))
            for kind in (
                RowResult.IMPORT_TYPE_NEW,
                RowResult.IMPORT_TYPE_UPDATE,
                RowResult.IMPORT_TYPE_SKIP,
            )
        ],
        "invalid": len(result.invalid_rows) + len(result.row_errors()),
        "rows": rows,
        "errors": errors,
    }


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import and export as CSV (UTF-8 or GB18030) and XLSX."""

    import_formats = FORMATS
    export_formats = FORMATS
    import_form_class = DirectoryImportForm
    export_form_class = DirectoryExportForm
    import_template_name = "admin/enterprises/import.html"
    export_template_name = "admin/enterprises/export.html"

    def add_data_read_fail_error_to_form(self, form, e):
        chosen = form.cleaned_data.get("format") if hasattr(form, "cleaned_data") else None
        formats = self.get_import_formats()
        try:
            name = formats[int(chosen)].label
        except (TypeError, ValueError, IndexError):
            name = _("the chosen format")
        message = _(
            "This file cannot be read as %(format)s. Check that it is the file you meant and "
            "that the format chosen below is the file's."
        ) % {"format": name}
        if isinstance(e, ValueError) and str(e) and not type(e).__module__.startswith("zip"):
            message = f"{message} ({e})"
        form.add_error("import_file", message)

    def import_action(self, request, *args, **kwargs):
        response = super().import_action(request, *args, **kwargs)
        context = getattr(response, "context_data", None)
        if isinstance(response, TemplateResponse) and context and context.get("result"):
            resource = self.get_import_resource_classes(request)[0](
                **self.get_import_resource_kwargs(request)
            )
            context["preview"] = preview(resource, context["result"])
        return response
