"""FilterSets behind the public list pages; their state lives in the query string."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    Enterprise,
    Exchange,
    Exhibition,
    Industry,
    PolicyInitiative,
    Product,
    Region,
    Size,
    Tier,
)

QUERY_MAX_LENGTH = 200
YEAR_MIN, YEAR_MAX = 1800, 2100


def text_query(fields):
    """A filter method matching every word of the query in any of `fields`, in any language."""

    def method(queryset, name, value):
        for word in value.split()[:10]:
            condition = Q()
            for field in fields:
                for lang in ("zh_hans", "en"):
                    condition |= Q(**{f"{field}_{lang}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    return method


class QueryFilter(django_filters.CharFilter):
    def __init__(self, fields, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", QUERY_MAX_LENGTH)
        kwargs.setdefault("widget", forms.SearchInput)
        super().__init__(method=text_query(fields), **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


ANY = _("any")


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """Choose a related row by its slug, so shared URLs read ?region=liaoning."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", ANY)
        super().__init__(*args, **kwargs)


class ChoiceFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", ANY)
        super().__init__(*args, **kwargs)


class EnterpriseFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("founded_from"), data.get("founded_to")
        if low is not None and high is not None and low > high:
            self.add_error("founded_to", _("The end of the range is before its start."))
        return data


class EnterpriseFilter(django_filters.FilterSet):
    q = QueryFilter(["name", "summary", "description", "city"])
    region = SlugChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.sections(),
        to_field_name="code",
        empty_label=ANY,
    )
    tier = ChoiceFilter(label=_("Tier"), choices=Tier.choices)
    listed = ChoiceFilter(
        label=_("Listed"),
        choices=[("yes", _("listed")), ("no", _("not listed"))],
        method="filter_listed",
    )
    exchange = ChoiceFilter(label=_("Exchange"), choices=Exchange.choices)
    exhibition = SlugChoiceFilter(
        label=_("Exhibited at"),
        queryset=Exhibition.objects.published(),
        method="filter_exhibition",
    )
    founded_from = YearFilter(
        field_name="founded_year", lookup_expr="gte", label=_("Founded from")
    )
    founded_to = YearFilter(field_name="founded_year", lookup_expr="lte", label=_("Founded to"))
    size = ChoiceFilter(label=_("Size"), choices=Size.choices)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("slug", "name"), ("founded_year", "founded"), ("updated_at", "updated")),
        field_labels={
            "slug": _("name"),
            "founded_year": _("founding year"),
            "updated_at": _("last updated"),
        },
        empty_label=None,
    )

    class Meta:
        model = Enterprise
        fields = []
        form = EnterpriseFilterForm

    def filter_listed(self, queryset, name, value):
        return queryset.listed() if value == "yes" else queryset.unlisted()

    def filter_exhibition(self, queryset, name, value):
        return queryset.exhibited_at(value)


class ProductFilter(django_filters.FilterSet):
    q = QueryFilter(["name", "category", "summary", "description"])
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

    class Meta:
        model = Product
        fields = []


class ExhibitionFilter(django_filters.FilterSet):
    q = QueryFilter(["name", "city", "organiser", "summary"])
    region = SlugChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    year = YearFilter(label=_("Year"), min_value=1950)

    class Meta:
        model = Exhibition
        fields = []


class PolicyFilter(django_filters.FilterSet):
    q = QueryFilter(["title", "authority", "summary", "text"])
    scope = ChoiceFilter(label=_("Scope"), choices=PolicyInitiative.Scope.choices)
    region = SlugChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    stage = ChoiceFilter(label=_("Stage"), choices=PolicyInitiative.Stage.choices)

    class Meta:
        model = PolicyInitiative
        fields = []
