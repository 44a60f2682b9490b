"""The read-only API: published entries, filtered by the HTML lists' FilterSets, in pages
read by cursor, in both languages, with validators for conditional requests."""

from django.db.models import F, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets

from enterprises.filters import EnterpriseFilter, ExhibitionFilter, PolicyFilter, ProductFilter
from enterprises.models import (
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
    Source,
    Statement,
)
from enterprises.models.recognition import with_stage_history

from . import serializers
from .answers import Answering
from .pagination import KeysetPagination


class PublishedViewSet(
    Answering, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A list and detail of published rows. Each row is looked up by `lookup_field`; a
    former slug of a renamed entry answers with a permanent redirect to its current URL."""

    pagination_class = KeysetPagination
    lookup_field = "slug"
    detail_serializer_class = None
    url_name = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def get_queryset(self):
        queryset = self.model.objects.published()
        return self.for_detail(queryset) if self.action == "retrieve" else self.for_list(queryset)

    def for_list(self, queryset):
        return queryset

    def for_detail(self, queryset):
        return self.for_list(queryset)

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            moved = self.moved_to(kwargs.get(self.lookup_field))
            if moved is None:
                raise
            query = request.query_params.urlencode()
            url = reverse(f"api:{self.url_name}-detail", args=[getattr(moved, self.lookup_field)])
            return HttpResponsePermanentRedirect(url + (f"?{query}" if query else ""))

    def moved_to(self, slug):
        history = getattr(self.model, "former_slugs", lambda: None)()
        if history is None or not slug:
            return None
        former = history.objects.filter(slug=slug).values_list("entry_id", flat=True)
        return self.model.objects.published().filter(pk__in=former).first()


class FilteredViewSet(PublishedViewSet):
    """A list filtered by the FilterSet of its HTML list: the same parameters, the same
    validation and the same rows in the same order."""

    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return self.for_list(self.model.objects.published().for_listing())
        return super().get_queryset()


class EnterpriseViewSet(FilteredViewSet):
    """Published enterprises; the detail has their recognitions (stage, notice, validity),
    their published products and the slugs of their sources."""

    model = Enterprise
    url_name = "enterprise"
    filterset_class = EnterpriseFilter
    serializer_class = serializers.EnterpriseSerializer
    detail_serializer_class = serializers.EnterpriseDetailSerializer

    def for_list(self, queryset):
        return queryset.select_related("region", "industry").prefetch_related("sources")

    def for_detail(self, queryset):
        return self.for_list(queryset).prefetch_related(
            Prefetch("recognitions", Recognition.objects.select_related("source")),
            Prefetch("products", Product.objects.published(page_of="enterprise").order_by("slug")),
        )

    def get_object(self):
        enterprise = super().get_object()
        # Each prefetched recognition gets its earlier stages (the serializer reads the same rows).
        with_stage_history(enterprise.recognitions.all())
        return enterprise


class ProductViewSet(FilteredViewSet):
    model = Product
    url_name = "product"
    filterset_class = ProductFilter
    serializer_class = serializers.ProductSerializer
    detail_serializer_class = serializers.ProductDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset().select_related("enterprise")
        return queryset.prefetch_related("sources")

    def for_detail(self, queryset):
        return queryset.prefetch_related(
            Prefetch(
                "exhibits",
                Exhibit.objects.published(page_of="product")
                .select_related("exhibition", "source")
                .order_by("-exhibition__year", "exhibition__slug"),
            )
        )


class ExhibitionViewSet(FilteredViewSet):
    model = Exhibition
    url_name = "exhibition"
    filterset_class = ExhibitionFilter
    serializer_class = serializers.ExhibitionSerializer
    detail_serializer_class = serializers.ExhibitionDetailSerializer

    def for_list(self, queryset):
        return queryset.select_related("region").prefetch_related("sources")

    def for_detail(self, queryset):
        return self.for_list(queryset).prefetch_related(
            Prefetch(
                "exhibits",
                Exhibit.objects.published(page_of="exhibition")
                .select_related("product", "product__enterprise", "source")
                .order_by("product__slug"),
            )
        )


class PolicyViewSet(FilteredViewSet):
    model = PolicyInitiative
    url_name = "policy"
    filterset_class = PolicyFilter
    serializer_class = serializers.PolicySerializer
    detail_serializer_class = serializers.PolicyDetailSerializer

    def for_list(self, queryset):
        return queryset.select_related("region", "criteria_source").prefetch_related(
            "sources", "eligible_industries"
        )

    def for_detail(self, queryset):
        return self.for_list(queryset).prefetch_related(
            Prefetch("targets", PolicyTarget.objects.select_related("latest_value_source"))
        )


class IndicatorViewSet(PublishedViewSet):
    model = Indicator
    url_name = "indicator"
    serializer_class = serializers.IndicatorSerializer
    detail_serializer_class = serializers.IndicatorDetailSerializer

    def for_list(self, queryset):
        return queryset.for_listing()


class ReferenceViewSet(PublishedViewSet):
    """Reference rows, public wherever public entries use them."""

    def get_queryset(self):
        return self.reference_rows()


class RegionViewSet(ReferenceViewSet):
    model = Region
    url_name = "region"
    serializer_class = serializers.RegionSerializer

    def reference_rows(self):
        return Region.objects.with_enterprise_counts().select_related("source").order_by("code")


class IndustryViewSet(ReferenceViewSet):
    model = Industry
    url_name = "industry"
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]{1,4}"
    serializer_class = serializers.IndustrySerializer

    def reference_rows(self):
        return Industry.objects.select_related("parent", "source").order_by("code")


class SourceViewSet(ReferenceViewSet):
    model = Source
    url_name = "source"
    serializer_class = serializers.SourceSerializer

    def reference_rows(self):
        return Source.objects.cited().order_by("slug")


class PersonViewSet(PublishedViewSet):
    model = Person
    url_name = "person"
    serializer_class = serializers.PersonSerializer
    detail_serializer_class = serializers.PersonDetailSerializer

    def for_list(self, queryset):
        return queryset.with_statement_counts()

    def for_detail(self, queryset):
        return self.for_list(queryset).prefetch_related(
            Prefetch("statements", statement_rows(Statement.objects.published(page_of="person")))
        )


def statement_rows(statements):
    """Statements with what they relate to, published rows only."""
    return statements.select_related("person", "source", "enterprise").prefetch_related(
        Prefetch("enterprises", Enterprise.objects.published()),
        Prefetch("products", Product.objects.published()),
        Prefetch("exhibitions", Exhibition.objects.published()),
        Prefetch("policies", PolicyInitiative.objects.published()),
    )


class StatementViewSet(PublishedViewSet):
    """Published statements of published people, newest report first; each is found by its
    person's slug and its own."""

    model = Statement
    url_name = "statement"
    serializer_class = serializers.StatementSerializer

    def get_queryset(self):
        # A total order of its own columns (the model's orders by person, through a join).
        return statement_rows(Statement.objects.published()).order_by(
            F("reported_on").desc(nulls_last=True), "pk"
        )

    def get_object(self):
        return get_object_or_404(
            self.get_queryset(), person__slug=self.kwargs["person"], slug=self.kwargs["slug"]
        )
