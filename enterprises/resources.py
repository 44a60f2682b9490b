"""Import and export (django-import-export): CSV and XLSX, keyed by natural keys.

Rows are validated as the admin validates them, an import is all or nothing, and a row that
would overwrite an entry changed since it was exported is refused (its `version` column must
match). Editors without the publish permission cannot publish or archive through an import.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.formats import sanitize_separators
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from .models import (
    Enterprise,
    Industry,
    PolicyInitiative,
    Product,
    Recognition,
    Region,
    Size,
    Source,
    Status,
    Tier,
)
from .models.base import may_move, publish_permission


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related row by its natural key (a region's code, a source's slug...), with a clear
    message when there is none."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist as exc:
            raise ValueError(
                _("No %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from exc


class SlugsWidget(widgets.ManyToManyWidget):
    """Sources as comma-separated slugs; an unknown slug is an error, not silently dropped."""

    missing_message = gettext_lazy("No source with slug %(slugs)s.")

    def clean(self, value, row=None, **kwargs):
        slugs = [s.strip() for s in str(value or "").split(self.separator) if s.strip()]
        found = self.rows().filter(**{f"{self.field}__in": slugs})
        missing = sorted(set(slugs) - {getattr(obj, self.field) for obj in found})
        if missing:
            raise ValueError(self.missing_message % {"slugs": ", ".join(missing)})
        return found

    def rows(self):
        return self.model.objects.all()


class SectionsWidget(SlugsWidget):
    """Industry sections as comma-separated codes (C,I)."""

    missing_message = gettext_lazy("No industry section with code %(slugs)s.")

    def rows(self):
        return self.model.objects.sections()


class ChoiceListWidget(widgets.SimpleArrayWidget):
    """A list of choices (a ChoiceListField) as comma-separated values; an unknown value is
    an error naming the ones allowed."""

    def __init__(self, choices):
        self.choices = choices
        super().__init__(separator=",")

    def clean(self, value, row=None, **kwargs):
        values = [v.strip() for v in str(value or "").split(self.separator) if v.strip()]
        unknown = sorted(set(values) - set(self.choices.values))
        if unknown:
            raise ValueError(
                _("Unknown value %(values)s: choose among %(choices)s.")
                % {"values": ", ".join(unknown), "choices": ", ".join(self.choices.values)}
            )
        return list(dict.fromkeys(values))


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number (a year, a batch); text or fractions are a row error, not a crash and
    not silently rounded."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(sanitize_separators(str(value).strip()))
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from exc
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)


class NumberWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row, **kwargs)
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from exc
        if number is not None and not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        return number


def translated(*names):
    return [f"{name}_{suffix}" for name in names for suffix in ("zh_hans", "en")]


def sources_field():
    return fields.Field(
        attribute="sources", column_name="sources", widget=SlugsWidget(Source, field="slug")
    )


class DirectoryResource(resources.ModelResource):
    """What every directory resource shares: validation, versions, permissions, history."""

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def import_data(self, dataset, **kwargs):
        # All or nothing, whoever calls it: a row with a validation error rolls back the rest.
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        # Each row keeps the file's values, for the preview of what it changes.
        result = super().import_row(row, instance_loader, **kwargs)
        result.row_values = dict(row)
        return result

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        widget = super().widget_from_django_field(f, default)
        if widget is widgets.IntegerWidget:
            return WholeNumberWidget
        if widget is widgets.DecimalWidget:
            return NumberWidget
        return widget

    def export_field(self, field, instance, **kwargs):
        # An empty value is an empty cell, never the text "None".
        value = super().export_field(field, instance, **kwargs)
        return "" if value is None else value

    def get_instance(self, instance_loader, row):
        """The entry a row is about, found by its slug or, after a rename, its old slug: an
        export made before the rename updates the entry (or is refused as stale), never
        creating a second one."""
        instance = super().get_instance(instance_loader, row)
        model = self._meta.model
        history = model.former_slugs() if hasattr(model, "former_slugs") else None
        slug = str(row.get("slug") or "").strip()
        if instance is None and history is not None and slug:
            former = history.objects.filter(slug=slug).select_related("entry").first()
            if former is not None:
                instance = former.entry
                row["slug"] = instance.slug
        return instance

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        stored = (
            type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None
        )
        if stored is not None and hasattr(stored, "version"):
            given = str(row.get("version") or "").strip()
            if not given:
                errors["version"] = [
                    _("Give the version this row was exported at (now %(version)s).")
                    % {"version": stored.version}
                ]
            elif given != str(stored.version):
                errors["version"] = [
                    _(
                        "This entry changed since the row was exported (version %(given)s, now "
                        "%(version)s); export it again and reapply your change."
                    )
                    % {"given": given, "version": stored.version}
                ]
        user = kwargs.get("user")
        if user is not None and not self.skip_row(instance, stored or instance, row):
            errors.update(self.workflow_errors(user, instance, stored))
        if errors:
            raise ValidationError(errors)
        instance._change_reason = _("Imported from %(file)s") % {
            "file": kwargs.get("file_name") or _("a file")
        }

    @staticmethod
    def workflow_errors(user, instance, stored):
        """What the workflow forbids this user in this row: publishing or archiving without
        the permission, and changing public content, which editors do in the admin (where
        the change is reviewed) rather than by a file."""
        if user.has_perm(publish_permission(type(instance))):
            return {}
        errors = {}
        if hasattr(instance, "status"):
            before = stored.status if stored is not None else Status.DRAFT
            if not may_move(user, type(instance), before, instance.status):
                errors["status"] = [_("Only publishers can publish or archive.")]
        if (stored is not None and stored.is_public()) or instance.is_public():
            errors[NON_FIELD_ERRORS] = [
                _(
                    "This row changes public content, which only publishers may do by "
                    "import; change the entry in the admin instead, where the change is "
                    "reviewed."
                )
            ]
        return errors

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row is skipped when it changes nothing; an empty cell equals an empty value
        whether the database holds it as "" or NULL (so an export imports back unchanged)."""
        if import_validation_errors or not self._meta.skip_unchanged or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                given = {obj.pk for obj in field.clean(row)}
                stored = set(field.get_value(original).values_list("pk", flat=True))
                if given != stored:
                    return False
                continue
            new, old = field.get_value(instance), field.get_value(original)
            if new in (None, "") and old in (None, ""):
                continue
            if new != old:
                return False
        return True


class EntryResource(DirectoryResource):
    """An entry with a page: its sources by slug, its version and last change read-only."""

    sources = sources_field()
    version = fields.Field("version", "version", readonly=True)
    updated_at = fields.Field("updated_at", "updated_at", readonly=True)


class EnterpriseResource(EntryResource):
    region = fields.Field("region", "region", NaturalKeyWidget(Region, "code"))
    industry = fields.Field("industry", "industry", NaturalKeyWidget(Industry, "code"))
    tier = fields.Field("tier", "tier", readonly=True)

    class Meta:
        model = Enterprise
        import_id_fields = ("slug",)
        fields = (
            "slug",
            *translated("name"),
            "credit_code",
            "region",
            *translated("city"),
            "industry",
            "founded_year",
            "size",
            "website",
            *translated("summary", "description"),
            "exchange",
            "ticker",
            "status",
            "sources",
            "tier",
            "version",
            "updated_at",
        )


class ProductResource(EntryResource):
    enterprise = fields.Field("enterprise", "enterprise", NaturalKeyWidget(Enterprise, "slug"))

    class Meta:
        model = Product
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "enterprise",
            *translated("name", "category", "summary", "description"),
            "status",
            "sources",
            "version",
            "updated_at",
        )


class RecognitionResource(DirectoryResource):
    enterprise = fields.Field("enterprise", "enterprise", NaturalKeyWidget(Enterprise, "slug"))
    source = fields.Field("source", "source", NaturalKeyWidget(Source, "slug"))

    class Meta:
        model = Recognition
        import_id_fields = ("enterprise", "tier", "level", "year")
        fields = (
            "enterprise",
            "tier",
            "level",
            "year",
            "batch",
            *translated("title", "authority"),
            "notice_number",
            "notice_date",
            "stage",
            "valid_from",
            "valid_until",
            "review_due",
            "source",
        )


class PolicyResource(EntryResource):
    region = fields.Field("region", "region", NaturalKeyWidget(Region, "code"))
    eligible_tiers = fields.Field("eligible_tiers", "eligible_tiers", ChoiceListWidget(Tier))
    eligible_sizes = fields.Field("eligible_sizes", "eligible_sizes", ChoiceListWidget(Size))
    eligible_industries = fields.Field(
        "eligible_industries",
        "eligible_industries",
        SectionsWidget(Industry, field="code"),
    )
    criteria_source = fields.Field(
        "criteria_source", "criteria_source", NaturalKeyWidget(Source, "slug")
    )

    class Meta:
        model = PolicyInitiative
        import_id_fields = ("slug",)
        fields = (
            "slug",
            *translated("title", "authority"),
            "scope",
            "region",
            *translated("city"),
            "document_number",
            "issued_on",
            "period_start",
            "period_end",
            "stage",
            *translated("summary", "text"),
            "eligible_tiers",
            "eligible_sizes",
            "eligible_industries",
            "listing_requirement",
            "criteria_source",
            *translated("criteria_note"),
            "status",
            "sources",
            "version",
            "updated_at",
        )
