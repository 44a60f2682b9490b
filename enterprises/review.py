"""Editors' changes to public content go to review (see models.Revision).

An editor's save of a public entry, or of a new row that would be public at once (a
recognition of a published enterprise), is not written: the admin turns the form and its
inline rows into a Revision, which a publisher approves or rejects. Publishers' saves are
written directly.
"""

from django.core.files.storage import default_storage
from django.db import models

from .images import clean_upload
from .models import Revision
from .models.base import publish_permission
from .models.revision import to_json

# Form fields of the admin that are not model fields (the reason, the loaded version).
FORM_ONLY = {"change_reason", "loaded_version"}


def needs_review(user, obj):
    """Whether `user`'s save of `obj` must be reviewed: they may not publish its kind, and
    the row is public now or would be once saved."""
    if user.has_perm(publish_permission(type(obj))):
        return False
    stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    return bool((stored is not None and stored.is_public()) or obj.is_public())


def pending_revision(obj):
    if obj is None or obj.pk is None:
        return None
    return Revision.objects.pending().of(obj).select_related("author").first()


def form_values(form, obj, files):
    """{field name: JSON value} of what the form changed; new uploads are cleaned and
    stored now (their names go to `files`, to be removed if the change is refused)."""
    values = {}
    for name in form.changed_data:
        if name in FORM_ONLY:
            continue
        try:
            field = obj._meta.get_field(name)
        except models.FieldDoesNotExist:
            continue
        value = form.cleaned_data.get(name)
        if isinstance(field, models.FileField):
            values.update(stored_upload(obj, field, value, files))
        else:
            values[name] = to_json(field, value)
    return values


def stored_upload(obj, field, upload, files):
    """The proposed file of an image field (and of its thumbnail field), stored now."""
    thumbnail_field = getattr(obj, "image_fields", {}).get(field.name)
    if not upload:  # cleared
        values = {field.name: ""}
        if thumbnail_field:
            values[thumbnail_field] = ""
        return values
    original, thumbnail = clean_upload(upload)
    values = {
        field.name: default_storage.save(field.generate_filename(obj, original.name), original)
    }
    files.append(values[field.name])
    if thumbnail_field:
        thumb = obj._meta.get_field(thumbnail_field)
        values[thumbnail_field] = default_storage.save(
            thumb.generate_filename(obj, thumbnail.name), thumbnail
        )
        files.append(values[thumbnail_field])
    return values


def formset_rows(formset, files):
    """The rows an inline formset adds, changes or removes, as a proposal holds them."""
    rows = []
    parent_field = formset.fk.name
    for form in formset.forms:
        pk = form.instance.pk
        if formset.can_delete and formset._should_delete_form(form):
            if pk is not None:
                rows.append({"pk": pk, "delete": True})
            continue
        if not form.has_changed():
            continue
        values = form_values(form, form.instance, files)
        values.pop(parent_field, None)
        if values or pk is None:
            rows.append({"pk": pk, "fields": values})
    return rows


def propose(request, form, formsets):
    """A pending Revision of what this admin form (and its inline formsets) would save."""
    obj = form.instance
    files = []
    proposal = {"fields": form_values(form, obj, files), "rows": {}, "files": files}
    for formset in formsets:
        rows = formset_rows(formset, files)
        if rows:
            relation = formset.fk.remote_field.get_accessor_name()
            proposal["rows"][relation] = rows
    if obj.pk is None:
        parent = next(
            (
                getattr(obj, field.name)
                for field in obj._meta.concrete_fields
                if field.many_to_one and getattr(obj, field.attname) is not None
            ),
            None,
        )
        summary = f"{obj} ({parent})" if parent is not None else str(obj)
    else:
        summary = str(type(obj)._default_manager.get(pk=obj.pk))
    return Revision.objects.create(
        content_type_id=content_type_id(type(obj)),
        object_id=obj.pk,
        summary=summary[:300],
        proposal=proposal,
        base_version=getattr(obj, "version", None) if obj.pk else None,
        reason=(form.cleaned_data.get("change_reason") or "")[:500],
        author=request.user,
    )


def content_type_id(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
