"""Search across the directory's kinds, and the header box's suggestions."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import TemplateView

from ..i18n import translated_value
from ..search import engine as search
from .base import PAGE_SIZE, page_of


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
        found = search.find(query)
        if found.corrections:
            context["corrections"] = found.corrections
        context.update(
            query=found.query,
            counts=found.by_kind(),
            total=found.total,
            total_capped=found.capped,
        )
        if kind is None:
            context["groups"] = found.groups(self.per_kind)
            return context
        paginator = Paginator(found.listed(kind), self.paginate_by)
        page = page_of(paginator, self.request.GET.get("page") or 1)
        context.update(
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            hits=search.hits(kind, page.object_list, found.query),
            found=int(found.counts[kind.key]),
            found_capped=found.counts[kind.key].capped,
            windowed=search.windowed(found.counts[kind.key]),
        )
        return context


SUGGESTIONS = 8


def suggest(request):
    """Up to eight entries whose names match what is typed so far, as JSON for the header
    search box."""
    query = search.parse_query(request.GET.get("q", ""))
    suggestions = [
        {
            "name": translated_value(obj, kind.title_field)[0],
            "kind": kind.key,
            "label": str(kind.singular),
            "url": obj.get_absolute_url(),
        }
        for kind, obj in search.suggestions(query, SUGGESTIONS)
    ]
    response = JsonResponse({"query": query.text, "suggestions": suggestions})
    patch_cache_control(response, max_age=60, public=True)
    return response


suggest.query_parameters = lambda: ("q",)
