"""Fill an admin change form the way a browser submits it: every field as shown."""

from django import forms
from django.urls import reverse


def admin_url(model, action, *args):
    return reverse(f"admin:enterprises_{model._meta.model_name}_{action}", args=args)


def _add_form(data, form):
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None:
            data[key] = ""
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)


def change_form_data(response, **changes):
    """The POST data of the change form in `response`, with `changes` applied."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    # The revert page of the history has no inlines.
    inlines = response.context.get("inline_admin_formsets") or []
    for inline in inlines:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.initial_forms:
            _add_form(data, form)
    data.update({key: str(value) for key, value in changes.items()})
    return data
