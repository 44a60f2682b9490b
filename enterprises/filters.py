"""FilterSets behind the public list pages; their state lives in the query string.

Each list can be searched (the same engine as /search/), and shows next to every choice how
many rows it would give under the other filters in use: its `facets` declare how, and
enterprises.listing counts them.
"""

import django_filters
from django import forms
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.lookups import Exact
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .listing import (
    Column,
    CubeCounting,
    FacetCounting,
    Grouped,
    Likelihood,
    PlannerShare,
    exhibitors,
    listing_status,
)
from .models import (
    Enterprise,
    Exchange,
    Exhibition,
    Industry,
    PolicyInitiative,
    Product,
    Recognition,
    Region,
    Size,
    Tier,
)
from .models.recognition import Stage, add_months, valid_on
from .search.backends import RANKING, matching, with_rank
from .search.text import MAX_QUERY_LENGTH, parse_query

YEAR_MIN, YEAR_MAX = 1800, 2100
ANY = _("Any")
# "Expiring soon": a recognition in force whose validity ends within this many months.
LAPSING_MONTHS = 6


def lifecycle_rules(day):
    """{choice: Q over recognitions} of the lifecycle filter on a day."""
    return {
        "lapsing": valid_on(day) & Q(valid_until__lte=add_months(day, LAPSING_MONTHS)),
        "failed_review": Q(stage=Stage.FAILED_REVIEW),
    }


def lifecycle(queryset, name):
    """Enterprises with a recognition expiring soon, and with one that failed review."""
    rules = lifecycle_rules(timezone.localdate())
    return (
        Recognition.objects.gradient()
        .filter(
            Q(enterprise__in=queryset.values("pk")) & (rules["lapsing"] | rules["failed_review"])
        )
        .order_by()
        .annotate(
            facet=Value(name),
            value=Case(
                When(rules["failed_review"], then=Value("failed_review")),
                default=Value("lapsing"),
                output_field=CharField(),
            ),
        )
        .values("facet", "value")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("facet", "value", "n")
    )


class SearchFilter(django_filters.CharFilter):
    """Full-text search in Chinese, English and pinyin (see enterprises.search)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("widget", forms.SearchInput)
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        if not value or not value.strip():
            return queryset
        return matching(queryset, parse_query(value))


class YearFilter(PlannerShare, django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


class FastSelect(forms.Select):
    """A select whose options are written directly rather than through one template each:
    the exhibition filter alone can have hundreds of options on every list page."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        for option_value, label in self.flat_choices():
            option_value = "" if option_value is None else str(option_value)
            chosen = " selected" if option_value in selected else ""
            parts.append(
                f'<option value="{conditional_escape(option_value)}"{chosen}>'
                f"{conditional_escape(label)}</option>"
            )
            if chosen and not self.allow_multiple_selected:
                selected = set()
        parts.append("</select>")
        return mark_safe("".join(parts))

    def flat_choices(self):
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                yield from label  # an option group: its options, flattened
            else:
                yield option_value, label


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """Choose a related row by its slug, so shared URLs read ?region=liaoning."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", ANY)
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)


class ChoiceFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", ANY)
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)


class SharedChoiceFilter(PlannerShare, ChoiceFilter):
    pass


class SharedSlugChoiceFilter(PlannerShare, SlugChoiceFilter):
    pass


class SharedModelChoiceFilter(PlannerShare, django_filters.ModelChoiceFilter):
    pass


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting with the primary key as the last tie-breaker: a total order, so that pages
    never overlap and a page near the end can be read backwards (see pagination)."""

    descending_fmt = _("%s (descending)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class DirectoryFilterSet(FacetCounting, django_filters.FilterSet):
    """Search, ranking by relevance when searching without a chosen order, and the facets
    each list declares (counted by enterprises.listing)."""

    q = SearchFilter()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        query = parse_query(data.get("q") or "")
        if query and not data.get("sort"):
            queryset = with_rank(queryset, query).order_by(*RANKING)
        return queryset


class EnterpriseFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("founded_from"), data.get("founded_to")
        if low is not None and high is not None and low > high:
            self.add_error("founded_to", _("The end of the range is before its start."))
        return data


class EnterpriseFilter(CubeCounting, DirectoryFilterSet):
    region = SharedSlugChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    industry = SharedModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.sections(),
        to_field_name="code",
        empty_label=ANY,
        widget=FastSelect,
    )
    tier = SharedChoiceFilter(label=_("Tier"), choices=Tier.choices)
    listed = ChoiceFilter(
        label=_("Listed"),
        choices=[
            ("yes", pgettext_lazy("listing status", "Listed")),
            ("no", _("Not listed")),
            ("unknown", _("Not known")),
        ],
        method="filter_listed",
    )
    exchange = SharedChoiceFilter(label=_("Exchange"), choices=Exchange.choices)
    recognition = ChoiceFilter(
        label=_("Recognition"),
        choices=[
            ("lapsing", _("Expiring within 6 months")),
            ("failed_review", _("Failed review")),
        ],
        method="filter_recognition",
    )
    exhibition = SlugChoiceFilter(
        label=_("Exhibited at"),
        queryset=Exhibition.objects.published(),
        method="filter_exhibition",
    )
    founded_from = YearFilter(
        field_name="founded_year", lookup_expr="gte", label=_("Founded from")
    )
    founded_to = YearFilter(field_name="founded_year", lookup_expr="lte", label=_("Founded to"))
    size = SharedChoiceFilter(label=_("Size"), choices=Size.choices)
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("slug", "name"), ("founded_year", "founded"), ("updated_at", "updated")),
        field_labels={
            "slug": _("name"),
            "founded_year": _("founding year"),
            "updated_at": _("last updated"),
        },
        empty_label=_("relevance or name"),
    )

    facets = {
        "region": Column("region_id"),
        "industry": Column("industry_id"),
        "tier": Column("tier"),
        "listed": Grouped(listing_status),
        "exchange": Column("exchange"),
        "exhibition": Grouped(exhibitors),
        "recognition": Grouped(lifecycle),
        "size": Column("size"),
    }

    class Meta:
        model = Enterprise
        fields = []
        form = EnterpriseFilterForm

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.none() if self.cube_rules_out() else queryset

    def filter_listed(self, queryset, name, value):
        if value == "unknown":
            return queryset.listing_unknown()
        share = self.sqlite_share(queryset, "listed", "exact", value)
        if share is not None:
            return queryset.filter(Likelihood(Exact(F("listed"), value == "yes"), share))
        return queryset.listed() if value == "yes" else queryset.unlisted()

    def filter_exhibition(self, queryset, name, value):
        return queryset.exhibited_at(value)

    def filter_recognition(self, queryset, name, value):
        rule = lifecycle_rules(timezone.localdate())[value]
        return queryset.filter(
            pk__in=Recognition.objects.gradient().filter(rule).values("enterprise_id")
        )


class ProductFilter(DirectoryFilterSet):
    region = SlugChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), field_name="enterprise__region"
    )
    tier = ChoiceFilter(
        label=_("Tier of the maker"), choices=Tier.choices, field_name="enterprise__tier"
    )
    exhibition = SlugChoiceFilter(
        label=_("Exhibited at"),
        queryset=Exhibition.objects.published(),
        field_name="exhibits__exhibition",
        distinct=True,
    )
    facets = {
        "region": Column("enterprise__region_id"),
        "tier": Column("enterprise__tier"),
        "exhibition": Column("exhibits__exhibition_id", multi_valued=True),
    }

    class Meta:
        model = Product
        fields = []


class ExhibitionFilter(DirectoryFilterSet):
    region = SlugChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    year = YearFilter(label=_("Year"), min_value=1950)
    facets = {"region": Column("region_id")}

    class Meta:
        model = Exhibition
        fields = []


class PolicyFilter(DirectoryFilterSet):
    scope = ChoiceFilter(label=_("Scope"), choices=PolicyInitiative.Scope.choices)
    region = SlugChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    stage = ChoiceFilter(label=_("Stage"), choices=PolicyInitiative.Stage.choices)
    facets = {"scope": Column("scope"), "region": Column("region_id"), "stage": Column("stage")}

    class Meta:
        model = PolicyInitiative
        fields = []
