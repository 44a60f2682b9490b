"""The listing engine behind the public lists: what each filter choice would give (facet
counts), the number of results, and the SQLite planner hints.

A FilterSet declares its filters (enterprises.filters) and, in `facets`, how each filter's
choices are counted: a Column of the rows (one value per row, or several), or Grouped by a
function of the results. FacetCounting does the counting with bounded work: from the facet
cube where the list has one (CubeCounting: the enterprise list), else from at most
FACET_LIVE_LIMIT result rows, and one query for the other facets. The list views call
result_total() (the paginator) and label_choices_with_counts() (the form).
"""

from django import forms
from django.db import connections
from django.db.models import BooleanField, Case, CharField, Count, F, Func, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext
from django_filters.constants import EMPTY_VALUES

from .caching import figures_version, kept_in_process, request_version
from .facets import chosen_values, share_of_years
from .facets import cube as facet_cube
from .models import Exhibit
from .pagination import COUNT_CAP

# Facet counts are taken from the database over at most this many rows per facet.
FACET_LIVE_LIMIT = 2_000


# How a facet is counted -----------------------------------------------------------------


class Column:
    """A facet counted by a column of the rows (`multi_valued`: a relation that may give a
    row several values, such as the exhibitions a product was shown at)."""

    sampled_in_use = True

    def __init__(self, column, multi_valued=False):
        self.column, self.multi_valued = column, multi_valued

    @property
    def one_per_row(self):
        return not self.multi_valued

    def grouped(self, queryset, name):
        """values_list(facet, value, n) over `queryset`."""
        return (
            queryset.annotate(facet=Value(name), value=Cast(self.column, CharField()))
            .values("facet", "value")
            .annotate(n=Count("pk"))
            .values_list("facet", "value", "n")
        )


class Grouped:
    """A facet counted by `function(queryset, name)`, which returns values_list(facet,
    value, n): for values that are no column (listing status) or that lie in another
    table (exhibitions). Counted only beside filters, never sampled while in use."""

    one_per_row = False
    sampled_in_use = False

    def __init__(self, function):
        self.function = function

    def grouped(self, queryset, name):
        return self.function(queryset, name)


def listing_status(queryset, name):
    """Enterprises by listing: yes, no, or unknown (not stated by any source)."""
    return (
        queryset.annotate(
            facet=Value(name),
            value=Case(
                When(listed=True, then=Value("yes")),
                When(listed=False, then=Value("no")),
                default=Value("unknown"),
            ),
        )
        .values("facet", "value")
        .annotate(n=Count("pk"))
        .values_list("facet", "value", "n")
    )


def exhibitors(queryset, name):
    """Enterprises by the published exhibitions where they showed a published product."""
    return (
        Exhibit.objects.filter(product__enterprise__in=queryset.values("pk"))
        .published(page_of="enterprise")
        .order_by()
        .annotate(facet=Value(name), value=Cast("exhibition_id", CharField()))
        .values("facet", "value")
        .annotate(n=Count("product__enterprise", distinct=True))
        .values_list("facet", "value", "n")
    )


def choice_rows(field):
    """A model choice field's choices as [(pk, value, label)], read once."""
    to_field = field.to_field_name or "pk"
    return [
        (str(obj.pk), getattr(obj, to_field), field.label_from_instance(obj))
        for obj in field.queryset
    ]


def set_choices(field, choices):
    """Give a model choice field a fixed list of (value, label): Django's own setter, past
    django-filter's, which would wrap the list in a queryset iterator."""
    forms.ChoiceField.choices.fset(field, choices)


# SQLite planner hints -------------------------------------------------------------------


class Likelihood(Func):
    """SQLite's likelihood(condition, p): the condition, with the planner told the share of
    rows for which it holds (p must be written as a constant)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, condition, share):
        super().__init__(condition)
        self.share = min(max(float(share), 0.0), 1.0)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"likelihood({sql}, {self.share:.6f})", params


class PlannerShare:
    """On SQLite, the filter's condition carries the share of the directory it keeps (from
    the filter set's sqlite_share(): the facet cube, the year counts), written as
    likelihood(condition, share). SQLite keeps one average per column and no statistics
    per value, so it takes an exchange with a thousand enterprises for as common as the
    million unlisted ones, and any range of years for a narrow one: with four filters it
    would read a whole size, or a range of years spanning half the directory, rather than
    the index of the rarest value (up to a second at a million enterprises)."""

    LOOKUPS = {"exact": Exact, "gte": GreaterThanOrEqual, "lte": LessThanOrEqual}

    def filter(self, qs, value):
        share = None
        if value not in EMPTY_VALUES and hasattr(self.parent, "sqlite_share"):
            share = self.parent.sqlite_share(qs, self.field_name, self.lookup_expr, value)
        if share is None:
            return super().filter(qs, value)
        field = qs.model._meta.get_field(self.field_name)
        raw = value.pk if field.is_relation else value
        condition = self.LOOKUPS[self.lookup_expr](F(field.attname), raw)
        return self.get_method(qs)(Likelihood(condition, share))


# Counting -------------------------------------------------------------------------------


class FacetCounting:
    """Facet counts and the result total for a FilterSet with `facets` ({filter name:
    Column or Grouped})."""

    facets = {}

    def filtered_except(self, excluded):
        """The queryset under every filter in use but `excluded`, unordered."""
        queryset = self.queryset.all()
        for name, value in getattr(self.form, "cleaned_data", {}).items():
            if name in (excluded, "sort"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    @property
    def version(self):
        return request_version(self.request) if self.request is not None else None

    @property
    def facts_version(self):
        """The version of the figures of the enterprises' facts (the cube, the years)."""
        return figures_version(self.request, "enterprises") if self.request is not None else None

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_choices_set", False):
            self._choices_set = True
            self.remember_choices(form)
        return form

    def remember_choices(self, form):
        """Give each related-row select the choice list of this content version, built once
        per process and language rather than read and turned into model instances on every
        page (hundreds of exhibitions). Choosing a value still checks it in the database."""
        version = self.version
        if version is None:
            return
        self._choice_rows = {}
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            key = ("choices", type(self).__name__, name, get_language())
            rows = kept_in_process(key, lambda field=field: choice_rows(field), version=version)
            self._choice_rows[name] = rows
            set_choices(field, self.choice_list(field, rows))

    @staticmethod
    def choice_list(field, rows, label=None):
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        return empty + [
            (value, text if label is None else label(text, pk)) for pk, value, text in rows
        ]

    def cube_counts(self):
        """Counts from the facet cube, where the list has one: ({facet: counts}, total)."""
        return None

    # Count the facets in use too (a bounded sample each), however many the results.
    sample_facets_in_use = True

    def count_facets_in_use(self, few):
        """Whether to count the choices of the facets in use (a bounded sample each)."""
        return self.sample_facets_in_use or few

    def row_facets(self):
        """Facets counted from the result rows themselves: one value per row."""
        return [name for name, facet in self.facets.items() if facet.one_per_row]

    def live_rows(self):
        """Up to FACET_LIVE_LIMIT + 1 result rows, as their row-facet values."""
        if not hasattr(self, "_live_rows"):
            columns = [self.facets[name].column for name in self.row_facets()]
            self._live_rows = list(
                self.qs.order_by().values_list("pk", *columns)[: FACET_LIVE_LIMIT + 1]
            )
        return self._live_rows

    def result_rows(self):
        """The results, when they are few, as a queryset of their primary keys: counting
        related rows (exhibits) for them starts from these rows rather than searching the
        table for the results again."""
        pks = [row[0] for row in self.live_rows()]
        return self.queryset.model._default_manager.filter(pk__in=pks).order_by()

    def result_total(self):
        """(number of results, whether it is capped at COUNT_CAP), computed once: from the
        cube where it can; else from the rows read for the facets when they are few, or by a
        count that stops after COUNT_CAP + 1 rows."""
        if not hasattr(self, "_total"):
            self._total = None
            if not (self.is_bound and not self.is_valid()):
                cube = self.cube_counts()
                if cube is not None:
                    self._total = (cube[1], False)
                elif len(self.live_rows()) <= FACET_LIVE_LIMIT:
                    self._total = (len(self.live_rows()), False)
                else:
                    found = self.qs.order_by()[: COUNT_CAP + 1].count()
                    self._total = (min(found, COUNT_CAP), found > COUNT_CAP)
        return self._total

    def grouped(self, queryset, name):
        return self.facets[name].grouped(queryset, name)

    def facet_counts(self):
        """{filter name: {choice value: count} or None}: how many results each choice would
        give under the other filters in use; None for a facet left uncounted (its choices
        show no numbers), {} for one whose every choice gives nothing. From the facet cube
        where the list has one; else from at most FACET_LIVE_LIMIT result rows (facets not
        in use), and one query that reads at most FACET_LIVE_LIMIT + 1 rows per other
        facet."""
        if not self.facets or (self.is_bound and not self.is_valid()):
            return {}
        counts = dict.fromkeys(self.facets)
        data = getattr(self.form, "cleaned_data", {})
        in_use = {name for name in self.facets if data.get(name) not in (None, "")}
        cube = self.cube_counts()
        if cube is not None:
            counts.update(cube[0])
        total, capped = self.result_total()
        few = not capped and total <= FACET_LIVE_LIMIT
        row_facets = self.row_facets()
        parts, bounded = [], set()
        for name, facet in self.facets.items():
            if cube is not None and name in cube[0]:
                continue
            if name not in in_use:
                # Under all the filters in use: the results themselves, if not too many.
                if few and name in row_facets and cube is None:
                    position = row_facets.index(name) + 1
                    tally = counts[name] = {}
                    for row in self.live_rows():
                        value = None if row[position] is None else str(row[position])
                        tally[value] = tally.get(value, 0) + 1
                elif few:
                    # The rows read for the total when there are (no cube); else the filters.
                    rows = self.result_rows() if cube is None else self.filtered_except(name)
                    counts[name] = {}
                    parts.append(self.grouped(rows, name))
            elif self.count_facets_in_use(few) and facet.sampled_in_use:
                # Under the other filters: a set of unknown size, so read a bounded sample
                # and drop the counts if it was cut short.
                others = self.filtered_except(name)
                sample = others.model._default_manager.filter(
                    pk__in=others.values("pk")[: FACET_LIVE_LIMIT + 1]
                ).order_by()
                counts[name] = {}
                parts.append(self.grouped(sample, name))
                bounded.add(name)
        if parts:
            for facet, value, n in parts[0].union(*parts[1:], all=True):
                counts[facet][value] = n
        for name in bounded:
            if sum(counts[name].values()) > FACET_LIVE_LIMIT:
                counts[name] = None
        return counts

    def label_choices_with_counts(self):
        """Write each choice's count into its label: Liaoning (12), or (0)."""
        counts = self.facet_counts()
        for name, by_value in counts.items():
            if by_value is None:
                continue  # not counted (too costly here): plain labels
            field = self.form.fields[name]

            def labelled(label, value, by_value=by_value):
                count = number_format(by_value.get(str(value), 0), force_grouping=True)
                return pgettext("a choice and its count", "%(label)s (%(count)s)") % {
                    "label": label,
                    "count": count,
                }

            rows = getattr(self, "_choice_rows", {}).get(name)
            if rows is not None:
                set_choices(field, self.choice_list(field, rows, labelled))
            elif isinstance(field, forms.ModelChoiceField):
                field.label_from_instance = lambda obj, labelled=labelled: labelled(obj, obj.pk)
            else:
                # django-filter's choice field puts its "any" choice first by itself.
                field.choices = [
                    (value, labelled(label, value))
                    for value, label in field.choices
                    if value != ""
                ]
        return counts


class CubeCounting(FacetCounting):
    """The enterprise list: counts of the cube's filters from the facet cube, an empty list
    at once for a combination the cube shows nobody has, and planner shares."""

    # Filters beyond the cube (founding years, exhibition, text): the facets in use are
    # counted (a bounded sample each) only when the results are few and the directory is
    # small. Each sample searches the rows under the other filters for up to 2,001 matches,
    # and when those are sparse (a rare exchange, a narrow range of years) that reads a
    # large part of a big table; there the facets in use show no numbers instead.
    sample_facets_in_use = False
    SAMPLE_UP_TO = 50_000

    def cube_rules_out(self):
        """Whether the facet cube shows that no enterprise has the chosen region, industry,
        tier, exchange, size and listing together: then the other filters (years,
        exhibition, text) need not search the table at all. (SQLite, which keeps no
        statistics per value, would otherwise start from a range of years rather than from
        an industry that no enterprise has, and read half a million rows to find none.)"""
        version = self.facts_version
        if version is None or not self.is_bound or not self.form.is_valid():
            return False
        chosen = chosen_values(self.form.cleaned_data, partial=True)
        return bool(chosen) and facet_cube(version).count(chosen) == 0

    def count_facets_in_use(self, few):
        # The size from the cube of this version (in memory); with the cache off there is
        # no cube at hand, and counting the table would cost what the samples save.
        version = self.facts_version
        return few and version is not None and facet_cube(version).total <= self.SAMPLE_UP_TO

    def cube_counts(self):
        if not hasattr(self, "_cube_counts"):
            self._cube_counts = None
            chosen = chosen_values(getattr(self.form, "cleaned_data", {}))
            if chosen is not None:
                cube = facet_cube(self.facts_version)
                self._cube_counts = (cube.facet_counts(chosen, self.facets), cube.count(chosen))
        return self._cube_counts

    def sqlite_share(self, queryset, name, lookup, value):
        """On SQLite, the share of the published directory a filter keeps (see
        PlannerShare): founding years from the year counts of the content version, the
        other filters from the facet cube. None elsewhere, or with no version at hand."""
        version = self.facts_version
        if version is None or connections[queryset.db].vendor != "sqlite":
            return None
        if name == "founded_year":
            return share_of_years(version, lookup, value)
        cube = facet_cube(version)
        counts = cube.marginals.get(name)
        if counts is None or not cube.total:
            return None
        return counts.get(str(getattr(value, "pk", value)), 0) / cube.total
