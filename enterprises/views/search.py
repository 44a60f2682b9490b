"""Search across the directory's kinds, and the header box's suggestions."""

from itertools import zip_longest

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import TemplateView

from ..i18n import translated_value
from ..search import engine as search
from .base import PAGE_SIZE, page_of


class KnownCount:
    """A queryset whose row count is already known, so the paginator does not count again."""

    def __init__(self, queryset, count):
        self.queryset, self._count = queryset, count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        return self.queryset[index]


class SearchView(TemplateView):
    """One search across enterprises, products, policies and exhibitions, grouped by kind."""

    template_name = "enterprises/search.html"
    per_kind = 5
    paginate_by = PAGE_SIZE

    @classmethod
    def query_parameters(cls):
        return ("q", "kind", "page")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data.get("unknown_kind"):
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("q", "")
        query = search.parse_query(raw)
        kind_key = self.request.GET.get("kind", "")
        kind = search.KINDS_BY_KEY.get(kind_key)
        context.update(
            raw_query=raw,
            query=query,
            kinds=search.KINDS,
            kind=kind,
            unknown_kind=bool(kind_key) and kind is None,
        )
        if not query:
            return context
        counts = search.counts(query)
        if not any(counts.values()):
            # Nothing found: try the indexed words closest to the ones typed.
            better, replacements = search.corrected(query)
            if better is not None:
                better_counts = search.counts(better)
                if any(better_counts.values()):
                    query, counts = better, better_counts
                    context.update(query=query, corrections=replacements)
        context["counts"] = [(k, int(counts[k.key]), counts[k.key].capped) for k in search.KINDS]
        context["total"] = sum(int(c) for c in counts.values())
        context["total_capped"] = any(c.capped for c in counts.values())
        if kind is not None:
            found = counts[kind.key]
            # Beyond the ranking window, results are not paged: the best RANK_WINDOW are.
            shown = min(int(found), search.RANK_WINDOW)
            paginator = Paginator(
                KnownCount(search.results(kind, query, matches=found), shown), self.paginate_by
            )
            page = page_of(paginator, self.request.GET.get("page") or 1)
            context.update(
                page_obj=page,
                paginator=paginator,
                is_paginated=page.has_other_pages(),
                hits=search.hits(kind, page.object_list, query),
                found=int(found),
                found_capped=found.capped,
                windowed=search.windowed(found),
            )
        else:
            context["groups"] = [
                (
                    k,
                    int(counts[k.key]),
                    counts[k.key].capped,
                    search.hits(
                        k, search.results(k, query, matches=counts[k.key])[: self.per_kind], query
                    ),
                )
                for k in search.KINDS
                if counts[k.key]
            ]
        return context


SUGGESTIONS = 8


def suggest(request):
    """Up to eight entries whose names match what is typed so far, as JSON for the header
    search box."""
    query = search.parse_query(request.GET.get("q", ""))
    per_kind = []
    if query:
        for kind in search.KINDS:
            matches = search.results(kind, query, columns=("search_name",))[:SUGGESTIONS]
            per_kind.append([(kind, obj) for obj in matches])
    # Take the kinds in turn, so that each is represented among the first few.
    interleaved = [hit for group in zip_longest(*per_kind) for hit in group if hit]
    suggestions = [
        {
            "name": translated_value(obj, kind.title_field)[0],
            "kind": kind.key,
            "label": str(kind.singular),
            "url": obj.get_absolute_url(),
        }
        for kind, obj in interleaved[:SUGGESTIONS]
    ]
    response = JsonResponse({"query": query.text, "suggestions": suggestions})
    patch_cache_control(response, max_age=60, public=True)
    return response


suggest.query_parameters = lambda: ("q",)
