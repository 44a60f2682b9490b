"""Change history (django-simple-history) for every directory model, fixture loads included."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.template_utils import HistoricalRecordContextHelper

from .models.searchable import SEARCH_COLUMNS


class DirectoryHistory(HistoricalRecords):
    """Also records raw saves, which fixture loads make and simple-history skips; a raw save
    that changes nothing (loading the same file again) adds no record."""

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw") and not hasattr(instance, "skip_history_when_saving"):
            if created or self.differs_from_latest(instance, using):
                self.create_historical_record(instance, "+" if created else "~", using=using)
            return
        super().post_save(instance, created, using=using, **kwargs)

    def differs_from_latest(self, instance, using):
        manager = getattr(instance, self.manager_name)
        latest = manager.using(using).order_by("-history_date", "-history_id").first()
        if latest is None:
            return True
        # Only what an editor or a file sets: derived columns (the tier) are kept up to date
        # by queries that record no history of their own.
        return any(
            getattr(instance, field.attname) != getattr(latest, field.attname)
            for field in self.fields_included(instance)
            if field.editable
        )


# Derived columns: recomputed from the rest, so not worth a history of their own.
DERIVED = list(SEARCH_COLUMNS)


def shown_fields(model):
    """The fields whose changes an editor reads in the history: what an editor or a file
    sets (not the version or timestamps), each language of a translated field once (not
    also the untranslated field that mirrors the default language)."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        mirrored = set(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        mirrored = set()
    return {
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "editable", False)
        and field.name not in mirrored
        and field.name not in ("status_changed",)
        and not field.auto_created
    } | {"status"}


def readable(field, value):
    """A recorded value as an editor reads it: a choice's label, yes/no, never "None"."""
    if value in (None, "", []):
        if getattr(field, "null", False) and field.get_internal_type() == "BooleanField":
            return _("not known")
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


class DirectoryRecordContextHelper(HistoricalRecordContextHelper):
    """The history page's list of changes: shown fields only, with readable values."""

    def context_for_delta_changes(self, delta):
        shown = shown_fields(self.model)
        out = []
        for change in delta.changes:
            if change.field not in shown:
                continue
            field = self.model._meta.get_field(change.field)
            old = readable(field, self.prepare_delta_change_value(change, change.old))
            new = readable(field, self.prepare_delta_change_value(change, change.new))
            if old == new:
                continue  # e.g. empty before and after (NULL then "")
            old, new = self.stringify_delta_change_values(change, old, new)
            out.append({"field": capfirst(field.verbose_name), "old": old, "new": new})
        return out
