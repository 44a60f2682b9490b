"""Public pages of the directory: home, lists with filters, detail pages, search, health."""

from itertools import zip_longest

from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from .caching import remember, request_version
from .facets import cube as facet_cube
from .filters import EnterpriseFilter, ExhibitionFilter, PolicyFilter, ProductFilter
from .i18n import translated_value
from .models import (
    Enterprise,
    Exchange,
    Exhibit,
    Exhibition,
    Indicator,
    Industry,
    Person,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    Size,
    SlugHistory,
    Statement,
    Tier,
)
from .pagination import DirectoryPaginator, PageTooDeep
from .search import engine as search

PAGE_SIZE = 20


class ReaderNotFound(Http404):
    """A 404 whose message is written for the reader (a page past the end of a list), shown
    on the 404 page; the messages of other 404s are internal and never shown."""


def page_not_found(request, exception):
    """The 404 page: a plain message in the page's language, and the reason where there is
    one meant for readers."""
    reason = str(exception) if isinstance(exception, ReaderNotFound) else ""
    return TemplateResponse(request, "404.html", {"reason": reason}, status=404).render()


def page_of(paginator, number):
    """A page of a list, or a ReaderNotFound saying why there is none."""
    try:
        return paginator.page(number)
    except PageTooDeep as exc:
        raise ReaderNotFound(str(exc)) from exc
    except InvalidPage as exc:
        raise ReaderNotFound(
            ngettext(
                "This list has no page “%(page)s”: it has %(count)s page.",
                "This list has no page “%(page)s”: it has %(count)s pages.",
                paginator.num_pages,
            )
            % {"page": str(number)[:20], "count": paginator.num_pages}
        ) from exc


class PublishedListView(FilterView):
    """A filtered, paginated list of published rows; filters and page live in the URL."""

    paginate_by = PAGE_SIZE
    paginator_class = DirectoryPaginator

    @classmethod
    def query_parameters(cls):
        return (*cls.filterset_class.base_filters, "page")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            # The page explains what is wrong with the filters: no list for any cache to keep
            # (there are endless ways to be wrong).
            add_never_cache_headers(response)
        return response

    def get_queryset(self):
        return self.model.objects.published().for_listing()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        number = self.request.GET.get("page") or 1
        if number == "last":
            number = paginator.num_pages
        page = page_of(paginator, number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = self.paginator_class(queryset, per_page, **kwargs)
        total = self.filterset.result_total() if hasattr(self, "filterset") else None
        if total is not None:
            paginator.known_count, paginator.capped = total
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facet_counts"] = self.filterset.label_choices_with_counts()
        return context


def statements():
    """What the people quoted said about an entry: published statements, loaded together."""
    return Prefetch("statements", Statement.objects.published().for_listing())


class VisibleDetailView(DetailView):
    """A detail page: published rows for everyone, drafts too for staff (as a preview).
    An entry's former slug redirects permanently to its current page."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.moved_to(kwargs.get("slug"))
            if moved is None:
                raise
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(
                moved.get_absolute_url() + (f"?{query}" if query else "")
            )

    def moved_to(self, slug):
        kind = getattr(self.model, "slug_history_kind", None)
        if kind is None:
            return None
        former = SlugHistory.objects.filter(kind=kind, slug=slug).values_list(
            f"{kind}_id", flat=True
        )
        return self.get_queryset().filter(pk__in=former).first()


class ContentVersionMixin:
    """A view reading figures of the content version its request sees: enterprise counts
    from the facet cube (no counting of the table per request), and what is remembered per
    version."""

    @cached_property
    def version(self):
        return request_version(self.request)

    @cached_property
    def cube(self):
        return facet_cube(self.version)


class HomeView(ContentVersionMixin, TemplateView):
    template_name = "enterprises/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tier_counts=self.cube.tier_counts(),
            enterprise_count=self.cube.total,
            national_figures=Indicator.objects.published().national().for_listing()[:6],
            latest_policies=PolicyInitiative.objects.published().for_listing()[:5],
            recent_exhibits=Exhibit.objects.published()
            .for_listing()
            .order_by("-exhibition__year", "-exhibition__start_date", "pk")[:6],
        )
        return context


class EnterpriseListView(PublishedListView):
    model = Enterprise
    filterset_class = EnterpriseFilter


class EnterpriseDetailView(VisibleDetailView):
    model = Enterprise

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("region", "industry", "industry__parent")
            .prefetch_related(
                Prefetch("recognitions", Recognition.objects.select_related("source")),
                Prefetch("products", Product.objects.published(page_of="enterprise")),
                "sources",
                statements(),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object
        context["exhibits"] = (
            Exhibit.objects.filter(product__enterprise=enterprise)
            .published(page_of="enterprise")
            .select_related("exhibition", "product")
            .order_by("-exhibition__year", "exhibition__slug")
        )
        context["region_policies"] = (
            PolicyInitiative.objects.published().for_region(enterprise.region)
            if enterprise.region_id
            else PolicyInitiative.objects.none()
        )
        return context


class ProductListView(PublishedListView):
    model = Product
    filterset_class = ProductFilter


class ProductDetailView(VisibleDetailView):
    model = Product

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("enterprise", "enterprise__region")
            .prefetch_related(
                Prefetch(
                    "exhibits",
                    Exhibit.objects.published(page_of="product").select_related(
                        "exhibition", "exhibition__region"
                    ),
                ),
                "sources",
                statements(),
            )
        )


class ExhibitionListView(PublishedListView):
    model = Exhibition
    filterset_class = ExhibitionFilter


class ExhibitionDetailView(VisibleDetailView):
    model = Exhibition

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("region")
            .prefetch_related(
                Prefetch(
                    "exhibits",
                    Exhibit.objects.published(page_of="exhibition").select_related(
                        "product", "product__enterprise"
                    ),
                ),
                "sources",
                statements(),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exhibits = self.object.exhibits.all()
        # A column that would be empty in every row is left out.
        context["has_places"] = any(exhibit.hall or exhibit.booth for exhibit in exhibits)
        return context


class PolicyListView(PublishedListView):
    model = PolicyInitiative
    filterset_class = PolicyFilter
    template_name = "enterprises/policy_filter.html"


class PolicyDetailView(VisibleDetailView):
    model = PolicyInitiative
    template_name = "enterprises/policy_detail.html"
    context_object_name = "policy"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("region")
            .prefetch_related(
                Prefetch("targets", PolicyTarget.objects.select_related("latest_value_source")),
                "sources",
                statements(),
            )
        )


class RegionListView(ListView):
    """The provincial-level divisions, by code or by how many enterprises each has."""

    model = Region
    orderings = {"code": ("code",), "count": ("-enterprise_count", "code")}

    @classmethod
    def query_parameters(cls):
        return ("sort",)

    def sort(self):
        chosen = self.request.GET.get("sort", "code")
        return chosen if chosen in self.orderings else "code"

    def get_queryset(self):
        return Region.objects.with_enterprise_counts().order_by(*self.orderings[self.sort()])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, sort=self.sort())


class RegionDetailView(ContentVersionMixin, DetailView):
    model = Region
    shown_enterprises = PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.object
        enterprises = Enterprise.objects.published().in_region(region)
        chosen = {"region": str(region.pk)}
        context.update(
            tier_counts=self.cube.tier_counts(chosen),
            enterprise_count=self.cube.count(chosen),
            enterprises=enterprises.for_listing()[: self.shown_enterprises],
            policies=PolicyInitiative.objects.published().for_region(region),
            indicators=Indicator.objects.published()
            .filter(region=region)
            .select_related("source"),
            exhibitions=Exhibition.objects.published().filter(region=region),
        )
        return context


def robots_txt(request):
    """What crawlers may read: every public page, not the admin or the language switcher."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /en/admin/", "Disallow: /i18n/"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, max_age=24 * 3600, public=True)
    return response


def ping(request):
    """A trivial view: no database, no template. Liveness checks and benchmarks use it."""
    return HttpResponse("pong\n", content_type="text/plain")


@never_cache
def healthz(request):
    """200 when the application and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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


def recognition_counts():
    """[(year, tier, n)] over the recognitions of published enterprises."""
    return list(
        Recognition.objects.published()
        .order_by()
        .values_list("year", "tier")
        .annotate(n=Count("pk"))
    )


class StatisticsView(ContentVersionMixin, TemplateView):
    """Counts across the published directory: by region and tier, industry, size, listing,
    and recognitions per year. Facts a source does not state are counted apart ("not
    recorded"), never as zero or "no"."""

    template_name = "enterprises/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Enterprise counts come from the facet cube (one row per combination of region,
        # industry, tier, exchange, size and listing), not from counting the table.
        cube = self.cube
        by_region_tier = cube.pivot("region", "tier")
        industries, sizes = cube.totals("industry"), cube.totals("size")
        listing, exchanges = cube.totals("listed"), cube.totals("exchange")
        tiers = [Tier(value) for value in reversed(Tier.values)]
        columns = [t.value for t in tiers] + [""]  # the last: no recognition recorded

        def row(counts):
            return [counts.get(value, 0) for value in columns], sum(counts.values())

        regions, empty_regions = [], []
        for region in Region.objects.all():
            counts = by_region_tier.get(region.pk)
            if counts:
                regions.append((region, *row(counts)))
            else:
                empty_regions.append(region)
        unplaced = by_region_tier.get(None, {})
        context.update(
            tiers=tiers,
            regions=regions,
            empty_regions=empty_regions,
            unplaced=row(unplaced) if unplaced else None,
            tier_totals=row(
                {t: sum(c.get(t, 0) for c in by_region_tier.values()) for t in columns}
            )[0],
            total=cube.total,
            industries=[
                (industry, industries[industry.pk])
                for industry in Industry.objects.sections()
                if industries.get(industry.pk)
            ],
            industry_unknown=industries.get(None, 0),
            sizes=[(choice.label, sizes.get(choice.value, 0)) for choice in Size],
            size_unknown=sizes.get("", 0),
            listing=[
                (_("Listed"), listing.get(True, 0)),
                (_("Not listed"), listing.get(False, 0)),
                (_("Not known"), listing.get(None, 0)),
            ],
            exchanges=[(choice.label, exchanges.get(choice.value, 0)) for choice in Exchange],
            # Counted over every recognition: once per content version, like the cube.
            recognitions=remember(
                "recognitions-by-year",
                recognition_counts,
                version=self.version,
                timeout=7 * 24 * 3600,
                per_language=False,
            ),
        )
        by_year = {}
        for year, tier, n in context["recognitions"]:
            by_year.setdefault(year, {})[tier] = n
        context["recognition_years"] = [
            (year, [by_year[year].get(t.value, 0) for t in tiers])
            for year in sorted((y for y in by_year if y), reverse=True)
        ]
        context["recognitions_undated"] = sum(by_year.get(None, {}).values())
        return context


class PersonListView(ListView):
    """The people the sources quote, with how many of their statements are recorded."""

    model = Person
    template_name = "enterprises/person_list.html"

    def get_queryset(self):
        return Person.objects.published().with_statement_counts()


class PersonDetailView(VisibleDetailView):
    model = Person
    template_name = "enterprises/person_detail.html"

    def get_queryset(self):
        published = Statement.objects.published(page_of="person").select_related(
            "source", "enterprise"
        )
        return super().get_queryset().prefetch_related(Prefetch("statements", published))
