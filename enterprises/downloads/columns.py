"""The columns of each kind's download: a stable machine name (the JSON key, and the header
with `?columns=machine`), a header in the reader's language, and how to read the value.

Values are written in the language of the page (names, and the labels of choices such as a
tier or a region); beside each translated choice is its stable code, so that a table read
by a program does not depend on the language it was downloaded in.
"""

from dataclasses import dataclass

from django.db.models import TextField
from django.utils.translation import gettext_lazy as _

from ..i18n import translated_value
from ..models import Enterprise, Industry, Region

# Between the values of one cell that holds several (the sources of a row).
SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    read: object  # row -> value (text, number, date, or None)


def text(field):
    """A translated field, in the reader's language (else the other one)."""
    return lambda row: translated_value(row, field)[0]


def reference(model, field, translated=True):
    """A field of a small reference table (regions, industries), read once per download
    rather than joined into every row: {pk: value}."""
    values = {}

    def read(row):
        if not values:
            values.update(
                (obj.pk, translated_value(obj, field)[0] if translated else getattr(obj, field))
                for obj in model.objects.all()
            )
        return values.get(getattr(row, f"{model._meta.model_name}_id"), "")

    return read


def related_text(relation, field):
    def read(row):
        related = getattr(row, relation)
        return translated_value(related, field)[0] if related is not None else ""

    return read


def related_code(relation, field):
    def read(row):
        related = getattr(row, relation)
        return getattr(related, field) if related is not None else ""

    return read


def choice(model, field):
    """A choice's label in the reader's language ("" when not stated), from a table made
    once per download (get_FOO_display() costs more than the rest of the row)."""
    labels = {value: str(label) for value, label in model._meta.get_field(field).choices}
    return lambda row: labels.get(getattr(row, field), "")


def plain(field):
    return lambda row: getattr(row, field)


# A slug no entry has, to find where the slug goes in an entry's page address.
MARKER = "download-slug-marker"


def page_url(request, model):
    """An entry's page address, absolute: built once per download and filled with each
    row's slug (reversing a URL for each of a million rows would cost more than all the
    rest of the row)."""
    before, after = request.build_absolute_uri(model(slug=MARKER).get_absolute_url()).split(MARKER)
    return lambda row: f"{before}{row.slug}{after}"


def listed(row):
    if row.listed is None:
        return ""
    return str(_("Listed") if row.listed else _("Not listed"))


def source_columns():
    """The sources a row's facts come from (read by writing.attach_sources): their keys,
    titles and web addresses."""

    def joined(position):
        return lambda row: SEPARATOR.join(source[position] for source in row.download_sources)

    return [
        Column("source_slugs", _("Source keys"), joined(0)),
        Column("source_titles", _("Source titles"), joined(1)),
        Column("source_urls", _("Source addresses"), joined(2)),
    ]


def enterprise_columns(request, model):
    return [
        Column("slug", _("Key"), plain("slug")),
        Column("name", _("Name"), text("name")),
        Column("credit_code", _("Unified social credit code"), plain("credit_code")),
        Column("region", _("Region"), reference(Region, "name")),
        Column("region_slug", _("Region key"), reference(Region, "slug", translated=False)),
        Column("city", _("City"), text("city")),
        Column("industry", _("Industry"), reference(Industry, "name")),
        Column("industry_code", _("Industry code"), reference(Industry, "code", translated=False)),
        Column("tier", _("Tier"), choice(model, "tier")),
        Column("tier_code", _("Tier code"), plain("tier")),
        Column("founded_year", _("Founded"), plain("founded_year")),
        Column("size", _("Size"), choice(model, "size")),
        Column("listed", _("Listed"), listed),
        Column("exchange", _("Exchange"), choice(model, "exchange")),
        Column("ticker", _("Ticker"), plain("ticker")),
        Column("website", _("Website"), plain("website")),
        Column("url", _("Page"), page_url(request, model)),
        *source_columns(),
    ]


def product_columns(request, model):
    maker_tier = choice(Enterprise, "tier")
    return [
        Column("slug", _("Key"), plain("slug")),
        Column("name", _("Name"), text("name")),
        Column("category", _("Category"), text("category")),
        Column("enterprise", _("Enterprise"), related_text("enterprise", "name")),
        Column("enterprise_slug", _("Enterprise key"), related_code("enterprise", "slug")),
        Column("region", _("Region"), lambda row: related_text("region", "name")(row.enterprise)),
        Column("tier", _("Tier of the maker"), lambda row: maker_tier(row.enterprise)),
        Column("summary", _("Summary"), text("summary")),
        Column("url", _("Page"), page_url(request, model)),
        *source_columns(),
    ]


def exhibition_columns(request, model):
    return [
        Column("slug", _("Key"), plain("slug")),
        Column("name", _("Name"), text("name")),
        Column("year", _("Year"), plain("year")),
        Column("start_date", _("Start date"), plain("start_date")),
        Column("end_date", _("End date"), plain("end_date")),
        Column("city", _("City"), text("city")),
        Column("region", _("Region"), related_text("region", "name")),
        Column("region_slug", _("Region key"), related_code("region", "slug")),
        Column("organiser", _("Organiser"), text("organiser")),
        Column("exhibitor_count", _("Number of exhibitors"), plain("exhibitor_count")),
        Column("website", _("Website"), plain("website")),
        Column("url", _("Page"), page_url(request, model)),
        *source_columns(),
    ]


def policy_columns(request, model):
    return [
        Column("slug", _("Key"), plain("slug")),
        Column("title", _("Title"), text("title")),
        Column("authority", _("Issuing authority"), text("authority")),
        Column("document_number", _("Document number"), plain("document_number")),
        Column("scope", _("Scope"), choice(model, "scope")),
        Column("region", _("Region"), related_text("region", "name")),
        Column("region_slug", _("Region key"), related_code("region", "slug")),
        Column("issued_on", _("Issued on"), plain("issued_on")),
        Column("period_start", _("Period from"), plain("period_start")),
        Column("period_end", _("Period to"), plain("period_end")),
        Column("stage", _("Stage"), choice(model, "stage")),
        Column("url", _("Page"), page_url(request, model)),
        *source_columns(),
    ]


# {model label: the columns of its download, given the request (for absolute page URLs) and
# the model}.
COLUMNS = {
    "enterprises.enterprise": enterprise_columns,
    "enterprises.product": product_columns,
    "enterprises.exhibition": exhibition_columns,
    "enterprises.policyinitiative": policy_columns,
}


# {model label: the related rows each row is read with}; regions and industries of
# enterprises come from `reference` instead.
RELATED = {
    "enterprises.enterprise": (),
    "enterprises.product": ("enterprise",),
    "enterprises.exhibition": ("region",),
    "enterprises.policyinitiative": ("region",),
}


def prepared(queryset):
    """The list's rows as a download reads them: with the related rows its columns read,
    and without the long texts no column shows (descriptions, search documents)."""
    model = queryset.model
    heavy = [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, TextField) or field.name.startswith("search_")
    ]
    related = RELATED[model._meta.label_lower]
    return queryset.select_related(None).select_related(*related).defer(*heavy)


def columns_for(model, request):
    return COLUMNS[model._meta.label_lower](request, model)
