"""The columns of each kind's download: a stable machine name (the JSON key, and the header
with `?columns=machine`), a header in the reader's language, and how to read the value.

Values are written in the language of the page (names, and the labels of choices such as a
tier or a region); beside each translated choice is its stable code, so that a table read
by a program does not depend on the language it was downloaded in.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from ..i18n import LANGUAGE_CODES, translated_value
from ..models import Enterprise, Industry, Region

# Between the values of one cell that holds several (the sources of a row).
SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    read: object  # row -> value (text, number, date, or None)
    # The values a row must carry for `read` (ORM paths: "slug", "enterprise__name_en").
    needs: tuple = ()


def reading_order():
    """The languages a translated text is read in: the reader's, then the other one."""
    current = get_language() or settings.LANGUAGE_CODE
    return [current] + [code for code in LANGUAGE_CODES if code != current]


def text(field, path=""):
    """A translated field, in the reader's language (else the other one)."""
    first, other = (f"{path}{build_localized_fieldname(field, code)}" for code in reading_order())
    return (lambda row: getattr(row, first) or getattr(row, other) or ""), (first, other)


def reference(model, field, translated=True, path=""):
    """A field of a small reference table (regions, industries), read once per download
    rather than joined into every row: {pk: value}."""
    values = {}
    own = f"{path}{model._meta.model_name}_id"

    def read(row):
        if not values:
            values.update(
                (obj.pk, translated_value(obj, field)[0] if translated else getattr(obj, field))
                for obj in model.objects.all()
            )
        return values.get(getattr(row, own), "")

    return read, (own,)


def choice(model, field, path=""):
    """A choice's label in the reader's language ("" when not stated), from a table made
    once per download (get_FOO_display() costs more than the rest of the row)."""
    labels = {value: str(label) for value, label in model._meta.get_field(field).choices}
    own = f"{path}{field}"
    return (lambda row: labels.get(getattr(row, own), "")), (own,)


def plain(field):
    return (lambda row: getattr(row, field)), (field,)


def code(path):
    """A related row's code ("" without one)."""

    def read(row):
        value = getattr(row, path)
        return "" if value is None else value

    return read, (path,)


# A slug no entry has, to find where the slug goes in an entry's page address.
MARKER = "download-slug-marker"


def page_url(request, model):
    """An entry's page address, absolute: built once per download and filled with each
    row's slug (reversing a URL for each of a million rows would cost more than all the
    rest of the row)."""
    before, after = request.build_absolute_uri(model(slug=MARKER).get_absolute_url()).split(MARKER)
    return (lambda row: f"{before}{row.slug}{after}"), ("slug",)


def listed():
    labels = {
        True: str(pgettext_lazy("listing status", "Listed")),
        False: str(_("Not listed")),
        None: "",
    }
    return (lambda row: labels[row.listed]), ("listed",)


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
        Column("slug", _("Key"), *plain("slug")),
        Column("name", _("Name"), *text("name")),
        Column("credit_code", _("Unified social credit code"), *plain("credit_code")),
        Column("region", _("Region"), *reference(Region, "name")),
        Column("region_slug", _("Region key"), *reference(Region, "slug", translated=False)),
        Column("city", _("City"), *text("city")),
        Column("industry", _("Industry"), *reference(Industry, "name")),
        Column(
            "industry_code", _("Industry code"), *reference(Industry, "code", translated=False)
        ),
        Column("tier", _("Tier"), *choice(model, "tier")),
        Column("tier_code", _("Tier code"), *plain("tier")),
        Column("founded_year", _("Founded"), *plain("founded_year")),
        Column("size", _("Size"), *choice(model, "size")),
        Column("listed", _("Listed"), *listed()),
        Column("exchange", _("Exchange"), *choice(model, "exchange")),
        Column("ticker", _("Ticker"), *plain("ticker")),
        Column("website", _("Website"), *plain("website")),
        Column("url", _("Page"), *page_url(request, model)),
        *source_columns(),
    ]


def product_columns(request, model):
    return [
        Column("slug", _("Key"), *plain("slug")),
        Column("name", _("Name"), *text("name")),
        Column("category", _("Category"), *text("category")),
        Column("enterprise", _("Enterprise"), *text("name", path="enterprise__")),
        Column("enterprise_slug", _("Enterprise key"), *code("enterprise__slug")),
        Column("region", _("Region"), *reference(Region, "name", path="enterprise__")),
        Column("tier", _("Tier of the maker"), *choice(Enterprise, "tier", path="enterprise__")),
        Column("summary", _("Summary"), *text("summary")),
        Column("url", _("Page"), *page_url(request, model)),
        *source_columns(),
    ]


def exhibition_columns(request, model):
    return [
        Column("slug", _("Key"), *plain("slug")),
        Column("name", _("Name"), *text("name")),
        Column("year", _("Year"), *plain("year")),
        Column("start_date", _("Start date"), *plain("start_date")),
        Column("end_date", _("End date"), *plain("end_date")),
        Column("city", _("City"), *text("city")),
        Column("region", _("Region"), *text("name", path="region__")),
        Column("region_slug", _("Region key"), *code("region__slug")),
        Column("organiser", _("Organiser"), *text("organiser")),
        Column("exhibitor_count", _("Number of exhibitors"), *plain("exhibitor_count")),
        Column("website", _("Website"), *plain("website")),
        Column("url", _("Page"), *page_url(request, model)),
        *source_columns(),
    ]


def policy_columns(request, model):
    return [
        Column("slug", _("Key"), *plain("slug")),
        Column("title", _("Title"), *text("title")),
        Column("authority", _("Issuing authority"), *text("authority")),
        Column("document_number", _("Document number"), *plain("document_number")),
        Column("scope", _("Scope"), *choice(model, "scope")),
        Column("region", _("Region"), *text("name", path="region__")),
        Column("region_slug", _("Region key"), *code("region__slug")),
        Column("issued_on", _("Issued on"), *plain("issued_on")),
        Column("period_start", _("Period from"), *plain("period_start")),
        Column("period_end", _("Period to"), *plain("period_end")),
        Column("stage", _("Stage"), *choice(model, "stage")),
        Column("url", _("Page"), *page_url(request, model)),
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


def columns_for(model, request):
    return COLUMNS[model._meta.label_lower](request, model)
