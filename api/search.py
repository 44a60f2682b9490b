"""Search in the API: the site's search engine (enterprises.search.engine), its matches of
every kind (or of one) in one list, in pages by number: the ranking reaches only so far
(RANK_WINDOW per kind), so every page is bounded work."""

from django.core.paginator import InvalidPage, Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.search import engine
from enterprises.search.text import MAX_QUERY_LENGTH

from .answers import Answering
from .fields import TranslatedField, asked_language, in_both_languages
from .pagination import MAX_PAGE_SIZE, KeysetPagination, bad_parameter

DETAIL_ROUTES = {
    "enterprise": "api:enterprise-detail",
    "product": "api:product-detail",
    "policy": "api:policy-detail",
    "exhibition": "api:exhibition-detail",
}
KIND_KEYS = [kind.key for kind in engine.KINDS]


class Chained:
    """The listed matches of several kinds as one sequence a paginator can page:
    [(kind, obj)], kinds in order, each ranked best first."""

    def __init__(self, found, kinds):
        self.parts = [(kind, found.listed(kind)) for kind in kinds]

    def count(self):
        return sum(len(rows) for _kind, rows in self.parts)

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        hits = []
        for kind, rows in self.parts:
            n = len(rows)
            if start < n and stop > 0:
                hits += [(kind, obj) for obj in rows[max(start, 0) : min(stop, n)]]
            start, stop = start - n, stop - n
        return hits


class HitSerializer(serializers.Serializer):
    """One match: its kind, slug, name (a policy's title), its address in the API and its
    page on the site."""

    kind = serializers.ChoiceField(choices=KIND_KEYS)
    slug = serializers.CharField()
    name = TranslatedField()
    url = serializers.URLField(help_text="The entry in the API.")
    page = serializers.CharField(help_text="The entry's page on the site (in Chinese).")

    def to_representation(self, instance):
        kind, obj = instance
        return {
            "kind": kind.key,
            "slug": obj.slug,
            "name": in_both_languages(obj, kind.title_field, asked_language(self.context)),
            "url": self.context["request"].build_absolute_uri(
                reverse(DETAIL_ROUTES[kind.key], args=[obj.slug])
            ),
            "page": obj.get_absolute_url(),
        }


class SearchPageSerializer(serializers.Serializer):
    """The schema of a page of search results (the view builds the data itself)."""

    query = serializers.CharField(help_text="The words searched for, as read.")
    corrections = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="When nothing matched what was typed: {word: [close words also searched]}.",
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Matches of each kind, counted up to 1000."
    )
    count = serializers.IntegerField(help_text="Results that can be paged through.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HitSerializer(many=True)


class SearchView(Answering, APIView):
    """Published enterprises, products, policies and exhibitions matching `q`, as the
    site's search page finds them: each kind's matches best first, kinds in that order."""

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter("q", str, required=True, description="What to search for."),
            OpenApiParameter("kind", str, enum=KIND_KEYS, description="Only this kind."),
            OpenApiParameter("page", int, description="The page, from 1."),
            OpenApiParameter(
                "page_size", int, description=f"Results per page, 1 to {MAX_PAGE_SIZE}."
            ),
        ],
        responses=SearchPageSerializer,
    )
    def get(self, request):
        query = self.query(request)
        kind_key = request.query_params.get("kind", "")
        if kind_key and kind_key not in engine.KINDS_BY_KEY:
            raise bad_parameter(
                "kind", _("Unknown kind; use one of: %(kinds)s.") % {"kinds": ", ".join(KIND_KEYS)}
            )
        found = engine.find(query)
        kinds = [engine.KINDS_BY_KEY[kind_key]] if kind_key else engine.KINDS
        paginator = Paginator(Chained(found, kinds), KeysetPagination().page_size(request))
        page = self.page(request, paginator)
        return Response(
            {
                "query": found.query.text,
                "corrections": found.corrections,
                "counts": {kind.key: int(n) for kind, n, _capped in found.by_kind()},
                "count": paginator.count,
                "next": self.link(request, page.next_page_number()) if page.has_next() else None,
                "previous": self.link(request, page.previous_page_number())
                if page.has_previous()
                else None,
                "results": HitSerializer(
                    page.object_list, many=True, context={"request": request}
                ).data,
            }
        )

    def query(self, request):
        raw = request.query_params.get("q", "")
        if len(raw) > MAX_QUERY_LENGTH:
            raise bad_parameter(
                "q", _("Search for at most %(max)s characters.") % {"max": MAX_QUERY_LENGTH}
            )
        query = engine.parse_query(raw)
        if not query:
            raise bad_parameter("q", _("Enter words to search for."))
        return query

    def page(self, request, paginator):
        raw = request.query_params.get("page") or "1"
        try:
            return paginator.page(raw if len(raw) <= 6 else "")
        except InvalidPage:
            raise bad_parameter(
                "page",
                _("Enter a page number from 1 to %(count)s.") % {"count": paginator.num_pages},
            ) from None

    def link(self, request, number):
        query = request.query_params.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
