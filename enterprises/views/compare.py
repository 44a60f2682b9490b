"""Enterprises, or products, side by side: the selection is the address."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import get_language_from_path, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from .. import comparison
from ..comparison import (
    ENTERPRISES,
    KINDS,
    KINDS_BY_KEY,
    MAX_COMPARED,
    MAX_READ,
    PRODUCTS,
    Selection,
)
from ..i18n import translated_value
from ..search import engine as search

# Entries the add form offers when the text typed matches more than one.
CANDIDATES = 5

# The pages an address typed in the add form may name: {URL name: kind key}.
ENTRY_PAGES = {
    "enterprises:enterprise-detail": "enterprise",
    "enterprises:product-detail": "product",
}


def page_of(text):
    """(kind key, slug) when `text` is the address (or path) of an enterprise's or a
    product's page, in either language; else None."""
    if len(text) > 500 or "/" not in text:
        return None
    path = urlsplit(text).path or "/"
    try:
        # Resolved in the language the path is in (Chinese ones have no prefix).
        with translation.override(get_language_from_path(path) or settings.LANGUAGE_CODE):
            match = resolve(path)
    except (Resolver404, ValueError):
        return None
    key = ENTRY_PAGES.get(match.view_name)
    return None if key is None else (key, match.kwargs["slug"])


@dataclass
class Column:
    entry: object
    name: str
    remove_url: str


@dataclass
class Comparison:
    """The entries of one kind compared: their columns, the rows by group, and what the
    page says about the rest of what the address asked for."""

    kind: comparison.Kind
    columns: list
    groups: list
    notices: list


def listed(names):
    return pgettext("list separator", ", ").join(f"“{name}”" for name in names)


class CompareView(TemplateView):
    """Up to four enterprises (`?e=a,b`) and up to four products (`?p=c,d`) side by side.
    Whatever else the address holds is said on the page: unknown or unpublished slugs,
    repeats, more than four, items that cannot be slugs. `add` (with `kind`) adds the entry
    the site's search finds for a text, so the page's own form needs no JavaScript."""

    template_name = "enterprises/compare.html"
    section = None
    list_parameters = ("e", "p")

    @classmethod
    def query_parameters(cls):
        return ("e", "p", "add", "kind")

    def get(self, request, *args, **kwargs):
        self.selections = {
            kind: Selection.parse(request.GET.get(kind.parameter, "")) for kind in KINDS
        }
        self.found = {
            kind: comparison.find(kind.entries(), selection.slugs) if selection.slugs else None
            for kind, selection in self.selections.items()
        }
        self.chosen = {
            kind: [entry.slug for entry in found.entries] if found else []
            for kind, found in self.found.items()
        }
        self.adding = self.add()
        if self.adding.get("redirect"):
            return HttpResponseRedirect(self.adding["redirect"])
        self.comparisons = {kind: self.compare(kind) for kind in KINDS}
        response = super().get(request, *args, **kwargs)
        if self.adding or any(c.notices for c in self.comparisons.values()):
            # A page about what was wrong with its address, or about a search: no page for
            # any cache to keep (there are endless ways to ask).
            add_never_cache_headers(response)
        return response

    def compare(self, kind):
        found = self.found[kind]
        entries = found.entries if found else []
        columns = [
            Column(
                entry,
                translated_value(entry, "name")[0],
                self.address(kind, [slug for slug in self.chosen[kind] if slug != entry.slug]),
            )
            for entry in entries
        ]
        groups = kind.groups(entries) if entries else []
        return Comparison(kind, columns, groups, self.notices(self.selections[kind], found))

    def address(self, kind, slugs):
        """This page with the slugs of one kind replaced, the other kind's kept."""
        return comparison.address({**self.chosen, kind: slugs})

    def notices(self, selection, found):
        notices = []
        if selection.truncated:
            notices.append(
                _("The address names too many entries: only the first %(count)s were read.")
                % {"count": MAX_READ}
            )
        if selection.malformed:
            notices.append(
                _("Not the address of an entry: %(items)s.")
                % {"items": listed(selection.malformed)}
            )
        duplicates = [*selection.duplicates, *(found.duplicates if found else [])]
        if duplicates:
            notices.append(
                _("Named more than once, compared once: %(items)s.")
                % {"items": listed(duplicates)}
            )
        if found and found.missing:
            notices.append(
                _("Not found or not published: %(items)s.") % {"items": listed(found.missing)}
            )
        if found and found.left_out:
            notices.append(
                ngettext(
                    "At most %(max)s entries of a kind are compared side by side; the first "
                    "%(max)s were kept, and this one left out: %(items)s.",
                    "At most %(max)s entries of a kind are compared side by side; the first "
                    "%(max)s were kept, and these left out: %(items)s.",
                    len(found.left_out),
                )
                % {
                    "max": MAX_COMPARED,
                    "items": listed(translated_value(e, "name")[0] for e in found.left_out),
                }
            )
        return notices

    def add(self):
        """What the add form asked for: {"redirect": the page with the entry found added},
        or what to tell the reader (candidates to choose from, nothing found); {} when it
        asked nothing."""
        text = self.request.GET.get("add", "").strip()
        key = self.request.GET.get("kind", "")
        kind = KINDS_BY_KEY.get(key or "enterprise")
        if kind is None:
            return {"error": _("Choose enterprises or products to add.")}
        if not text:
            return {}
        page = page_of(text)
        if page is not None:  # the address of an entry's page: its kind and slug
            key, text = page
            kind = KINDS_BY_KEY[key]
        query = search.parse_query(text)
        chosen = self.chosen[kind]
        if comparison.SLUG.fullmatch(text):
            exact = comparison.find(kind.entries().prefetch_related(None), [text]).entries
            if exact:
                return {"redirect": self.address(kind, [*chosen, exact[0].slug])}
        if not query:
            return {"error": _("Type a name or an address to add."), "text": query.text}
        matches = search.results(search.KINDS_BY_KEY[kind.search_key], query, ("search_name",))
        hits = list(matches[: CANDIDATES + MAX_COMPARED])
        candidates = [entry for entry in hits if entry.slug not in chosen][:CANDIDATES]
        if len(candidates) == 1:
            return {"redirect": self.address(kind, [*chosen, candidates[0].slug])}
        if hits and not candidates:
            return {"error": _("“%(text)s” is compared already.") % {"text": query.text}}
        if not candidates:
            return {
                "error": _("No %(kind)s found for “%(text)s”.")
                % {"kind": kind.name, "text": query.text},
                "text": query.text,
                "search_url": reverse("enterprises:search")
                + "?"
                + urlencode({"q": query.text, "kind": kind.search_key}),
            }
        return {
            "text": query.text,
            "candidates": [
                (translated_value(entry, "name")[0], self.address(kind, [*chosen, entry.slug]))
                for entry in candidates
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            comparisons=[c for c in self.comparisons.values() if c.columns or c.notices],
            compared=any(c.columns for c in self.comparisons.values()),
            adding=self.adding,
            chosen={kind.parameter: ",".join(slugs) for kind, slugs in self.chosen.items()},
            # For static/js/compare.js, which remembers the kinds compared here.
            selection={kind.parameter: slugs for kind, slugs in self.chosen.items() if slugs},
            add_kind=self.add_kind(),
            kinds=KINDS,
            max_compared=MAX_COMPARED,
        )
        return context

    def add_kind(self):
        """The kind the add form adds by default: the one asked for, else products when
        only products are compared."""
        asked = KINDS_BY_KEY.get(self.request.GET.get("kind", ""))
        if asked is not None:
            return asked
        return PRODUCTS if self.chosen[PRODUCTS] and not self.chosen[ENTERPRISES] else ENTERPRISES
