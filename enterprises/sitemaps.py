"""Sitemaps for crawlers: one per kind of page and language, each split into files of at
most 50,000 addresses, with the page's address in the other language as an alternate.

An entry is listed in a language only when its name is written in that language (a page
that would show the other language's name is not offered as a translation). A file is a
range of primary keys, so each costs one indexed range query however large the table is,
never an OFFSET past the rows of the files before it.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import to_locale
from modeltranslation.utils import build_localized_fieldname

from .models import Enterprise, Exhibition, Person, PolicyInitiative, Product, Region

URLS_PER_FILE = 50_000
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SLUG = "slug-placeholder"


def hreflang(code):
    """Django's language code as a hreflang value: zh-hans -> zh-Hans."""
    return to_locale(code).replace("_", "-")


def address_pattern(url_name, language, **kwargs):
    """(before, after) the slug in the address of url_name's pages in `language`: reversing
    once per file instead of three times per address."""
    with translation.override(language):
        url = reverse(url_name, kwargs={"slug": SLUG} if not kwargs else kwargs)
    before, _slug, after = url.partition(SLUG)
    return before, after


def alternates(locations):
    """The xhtml:link alternates of one page from {language: path}: each language, and the
    default language's unprefixed address as x-default."""
    links = [{"lang_code": hreflang(code), "location": url} for code, url in locations.items()]
    if settings.LANGUAGE_CODE in locations:
        links.append({"lang_code": "x-default", "location": locations[settings.LANGUAGE_CODE]})
    return links


@dataclass(frozen=True)
class Kind:
    """A kind of detail page: the rows that have one, the field naming them, when they last
    changed (None when not recorded) and the URL name of their page."""

    label: str
    model: type
    url_name: str
    name_field: str = "name"
    lastmod_field: str | None = "updated_at"

    def rows(self):
        manager = self.model.objects
        return manager.published() if hasattr(manager, "published") else manager.all()

    def named_in(self, language):
        column = build_localized_fieldname(self.name_field, language)
        return ~Q(**{column: ""}) & Q(**{f"{column}__isnull": False})


KINDS = (
    Kind("enterprises", Enterprise, "enterprises:enterprise-detail"),
    Kind("products", Product, "enterprises:product-detail"),
    Kind("exhibitions", Exhibition, "enterprises:exhibition-detail"),
    Kind("policies", PolicyInitiative, "enterprises:policy-detail", name_field="title"),
    Kind("regions", Region, "enterprises:region-detail", lastmod_field=None),
    Kind("people", Person, "enterprises:person-detail"),
)


class KeyRanges:
    """The files of one sitemap: file n holds the rows whose key is among URLS_PER_FILE
    consecutive keys, so none has more addresses than that (gaps make some hold fewer)."""

    def __init__(self, model):
        bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
        self.low = bounds["low"] or 0
        high = bounds["high"]
        self.num_pages = 1 if high is None else math.ceil((high - self.low + 1) / URLS_PER_FILE)

    def keys(self, page):
        """(first key, key after the last) of a file, or EmptyPage/PageNotAnInteger."""
        try:
            number = int(page)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(page) from exc
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(page)
        start = self.low + (number - 1) * URLS_PER_FILE
        return start, start + URLS_PER_FILE


class EntrySitemap(Sitemap):
    """The detail pages of one kind in one language."""

    limit = URLS_PER_FILE

    def __init__(self, kind, language):
        self.kind = kind
        self.language = language

    @property
    def paginator(self):
        return KeyRanges(self.kind.model)

    def get_latest_lastmod(self):
        # Left out of the index: it would cost a scan of the table per sitemap.
        return None

    def page_rows(self, page):
        low, high = self.paginator.keys(page)
        kind = self.kind
        names = [build_localized_fieldname(kind.name_field, code) for code in LANGUAGES]
        columns = ["slug", *names] + ([kind.lastmod_field] if kind.lastmod_field else [])
        return (
            kind.rows()
            .filter(kind.named_in(self.language), pk__gte=low, pk__lt=high)
            .order_by("pk")
            .values(*columns)
        )

    def get_urls(self, page=1, site=None, protocol=None):
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        patterns = {code: address_pattern(self.kind.url_name, code) for code in LANGUAGES}
        urls, latest = [], None
        for row in self.page_rows(page):
            locations = {
                code: f"{origin}{before}{row['slug']}{after}"
                for code, (before, after) in patterns.items()
                if row[build_localized_fieldname(self.kind.name_field, code)]
            }
            lastmod = row.get(self.kind.lastmod_field) if self.kind.lastmod_field else None
            latest = lastmod if lastmod and (latest is None or lastmod > latest) else latest
            urls.append(
                {
                    "location": locations[self.language],
                    "lastmod": lastmod,
                    "alternates": alternates(locations),
                }
            )
        self.latest_lastmod = latest
        return urls


# The pages that are not one entry's: the home page, the lists and the statistics.
STATIC_PAGES = (
    "enterprises:home",
    "enterprises:enterprise-list",
    "enterprises:product-list",
    "enterprises:exhibition-list",
    "enterprises:policy-list",
    "enterprises:region-list",
    "enterprises:person-list",
    "enterprises:statistics",
)


class StaticSitemap(Sitemap):
    """The pages of STATIC_PAGES in one language."""

    def __init__(self, language):
        self.language = language

    def items(self):
        return STATIC_PAGES

    def get_urls(self, page=1, site=None, protocol=None):
        self.paginator.page(page)  # EmptyPage or PageNotAnInteger past the only page
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        urls = []
        for name in STATIC_PAGES:
            locations = {}
            for code in LANGUAGES:
                with translation.override(code):
                    locations[code] = origin + reverse(name)
            links = alternates(locations)
            urls.append({"location": locations[self.language], "alternates": links})
        return urls


def sections():
    """{section: sitemap}: the static pages, then each kind, each in every language."""
    found = {f"pages-{code}": StaticSitemap(code) for code in LANGUAGES}
    for kind in KINDS:
        found.update({f"{kind.label}-{code}": EntrySitemap(kind, code) for code in LANGUAGES})
    return found


def sitemap_index(request):
    """/sitemap.xml: the index of every sitemap file."""
    return sitemap_views.index(request, sections(), sitemap_url_name="sitemap-section")


def sitemap_section(request, section):
    """One sitemap file (`?p=` for the files after the first)."""
    return sitemap_views.sitemap(request, sections(), section=section)


# The page cache and the canonical query keep `p` (see middleware.CanonicalQueryMiddleware).
sitemap_section.query_parameters = lambda: ("p",)
