"""The directory's pages: home, each kind's list and detail pages, regions and people."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from .. import charts
from ..filters import EnterpriseFilter, ExhibitionFilter, PolicyFilter, ProductFilter
from ..models import (
    Enterprise,
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
    Statement,
    Tier,
)
from ..models.recognition import with_stage_history
from .base import (
    PAGE_SIZE,
    ChartPageMixin,
    ContentVersionMixin,
    PublishedListView,
    VisibleDetailView,
    statements,
)
from .statistics import remembered_recognition_counts


class HomeView(ChartPageMixin, ContentVersionMixin, TemplateView):
    template_name = "enterprises/home.html"
    section = None

    def get_charts(self):
        return [
            charts.tier_pyramid(self.cube.tier_counts(), charts.latest_national_tier_figures())
        ]

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
    heading = _("Enterprises")
    section = "enterprises"
    url_name = "enterprises:enterprise-list"
    download_url_name = "enterprises:enterprise-download"
    compare_parameter = "e"
    model = Enterprise
    filterset_class = EnterpriseFilter

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.filterset.is_bound or self.filterset.is_valid():
            # The same list as a feed: the same filters, from its first page.
            query = self.request.GET.copy()
            query.pop("page", None)
            feed = reverse("enterprises:enterprise-feed")
            context["feed_url"] = feed + (f"?{query.urlencode()}" if query else "")
        return context


class EnterpriseDetailView(VisibleDetailView):
    list_view = EnterpriseListView
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
        context["recognitions"] = with_stage_history(enterprise.recognitions.all())
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
    heading = _("Products")
    section = "products"
    url_name = "enterprises:product-list"
    download_url_name = "enterprises:product-download"
    compare_parameter = "p"
    model = Product
    filterset_class = ProductFilter


class ProductDetailView(VisibleDetailView):
    list_view = ProductListView
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
    heading = _("Exhibitions")
    section = "exhibitions"
    url_name = "enterprises:exhibition-list"
    download_url_name = "enterprises:exhibition-download"
    model = Exhibition
    filterset_class = ExhibitionFilter


class ExhibitionDetailView(VisibleDetailView):
    list_view = ExhibitionListView
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
    heading = _("Policies")
    section = "policies"
    url_name = "enterprises:policy-list"
    download_url_name = "enterprises:policy-download"
    model = PolicyInitiative
    filterset_class = PolicyFilter
    template_name = "enterprises/policy_filter.html"


class PolicyDetailView(ChartPageMixin, VisibleDetailView):
    list_view = PolicyListView
    name_field = "title"
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

    def get_charts(self):
        return [charts.policy_targets(self.object.targets.all(), with_policy=False)]


class RegionListView(ListView):
    """The provincial-level divisions, by code or by how many enterprises each has."""

    section = "regions"
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


class RegionDetailView(ChartPageMixin, ContentVersionMixin, DetailView):
    section = "regions"
    model = Region
    shown_enterprises = PAGE_SIZE

    @cached_property
    def chosen(self):
        return {"region": str(self.object.pk)}

    @cached_property
    def industry_counts(self):
        """{industry section pk as a string, "" if not recorded: enterprises of the region}."""
        return self.cube.facet_counts(self.chosen, ["industry"])["industry"]

    @cached_property
    def indicators(self):
        return list(
            Indicator.objects.published().filter(region=self.object).select_related("source")
        )

    def get_charts(self):
        region = self.object
        counts = self.industry_counts
        sections = [
            (industry, counts[str(industry.pk)])
            for industry in Industry.objects.sections()
            if counts.get(str(industry.pk))
        ]
        tiers = [Tier(value) for value in reversed(Tier.values)]
        recognitions = remembered_recognition_counts(self.recognitions_version, region)
        targets = charts.published_targets().filter(initiative__region=region)
        return [
            charts.tier_pyramid(self.cube.tier_counts(self.chosen), region=region),
            charts.industry_sections(sections, region=region),
            charts.recognitions_by_year(recognitions, tiers),
            charts.policy_targets(targets),
            *charts.indicator_series(self.indicators),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.object
        enterprises = Enterprise.objects.published().in_region(region)
        context.update(
            tier_counts=self.cube.tier_counts(self.chosen),
            enterprise_count=self.cube.count(self.chosen),
            industry_unknown=self.industry_counts.get("", 0),
            enterprises=enterprises.for_listing()[: self.shown_enterprises],
            policies=PolicyInitiative.objects.published().for_region(region),
            indicators=self.indicators,
            exhibitions=Exhibition.objects.published().filter(region=region),
            series_charts=[c for c in context["charts"] if c.kind == charts.Kind.LINE],
        )
        return context


class PersonListView(ListView):
    """The people the sources quote, with how many of their statements are recorded."""

    heading = _("People quoted")
    section = None
    url_name = "enterprises:person-list"

    model = Person
    template_name = "enterprises/person_list.html"

    def get_queryset(self):
        return Person.objects.published().with_statement_counts()


class PersonDetailView(VisibleDetailView):
    list_view = PersonListView
    model = Person
    template_name = "enterprises/person_detail.html"

    def get_queryset(self):
        published = Statement.objects.published(page_of="person").select_related(
            "source", "enterprise"
        )
        return super().get_queryset().prefetch_related(Prefetch("statements", published))
