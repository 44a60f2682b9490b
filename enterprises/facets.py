"""Facet counts and totals of the enterprise list without counting a million rows.

The *cube* holds, for every combination of region, industry, tier, exchange and size, how
many published enterprises have it: a few tens of thousands of cells however many
enterprises there are. It is computed by one GROUP BY per content version (so it is exact
after every change), shared through the cache and kept in each process's memory. Any
combination of those filters is then answered from the cube: the number of results, and,
for each facet, the counts under the other filters in use.
"""

from collections import Counter, defaultdict, namedtuple

from django.db.models import Count

from .caching import enabled, kept_in_process, remember
from .models.enterprise import CUBE_DIMENSIONS, Tier

# A cell: one combination of the dimensions' values, and `n`, the enterprises having it.
Cell = namedtuple("Cell", [*CUBE_DIMENSIONS, "n"])
CUBE_FILTERS = frozenset(CUBE_DIMENSIONS)
# The listing status as the `listed` filter names it: known yes or no, or unknown.
LISTED_VALUES = {True: "yes", False: "no", None: "unknown"}


def cell_value(name, cell):
    """The facet value of a cell, as the facet counts key it (strings)."""
    value = getattr(cell, name)
    if name == "listed":
        return LISTED_VALUES[value]
    return "" if value is None else str(value)


class Cube:
    """The cells of one content version, indexed by each dimension's values. `chosen` is
    always {dimension: value string}, as the list's filters give them."""

    def __init__(self, cells):
        self.cells = [Cell(*cell) for cell in cells]
        self.index = defaultdict(list)
        for cell in self.cells:
            for name in CUBE_DIMENSIONS:
                self.index[(name, cell_value(name, cell))].append(cell)
        self.total = sum(cell.n for cell in self.cells)
        self.marginals = {name: self._count(self.cells, name) for name in CUBE_DIMENSIONS}

    @staticmethod
    def _count(cells, name):
        counts = Counter()
        for cell in cells:
            counts[cell_value(name, cell)] += cell.n
        return dict(counts)

    def matching(self, chosen):
        """Cells matching every chosen {filter: value}; starts from the smallest index list."""
        if not chosen:
            return self.cells
        first = min((self.index.get(item, []) for item in chosen.items()), key=len)
        return [
            cell
            for cell in first
            if all(cell_value(name, cell) == value for name, value in chosen.items())
        ]

    def count(self, chosen):
        if not chosen:
            return self.total
        return sum(cell.n for cell in self.matching(chosen))

    def facet_counts(self, chosen, facets):
        """{facet: {value: n}}: each facet the cube has among `facets`, counted under the
        other chosen filters. Facets it does not have are left to the caller."""
        out = {}
        for name in facets:
            if name not in CUBE_FILTERS:
                continue
            others = {k: v for k, v in chosen.items() if k != name}
            out[name] = (
                self._count(self.matching(others), name) if others else self.marginals[name]
            )
        return out

    def tier_counts(self, chosen=None):
        """[(tier, n)] from the highest tier down, under the chosen filters."""
        by_tier = self.facet_counts(chosen or {}, ["tier"])["tier"] if self.total else {}
        return [(Tier(value), by_tier.get(value, 0)) for value in reversed(Tier.values)]

    def pivot(self, rows, columns):
        """{row value: {column value: n}}, the raw values of two dimensions (None where a
        fact is not known)."""
        table = defaultdict(Counter)
        for cell in self.cells:
            table[getattr(cell, rows)][getattr(cell, columns)] += cell.n
        return {row: dict(counts) for row, counts in table.items()}

    def totals(self, name):
        """{raw value of one dimension: n}."""
        counts = Counter()
        for cell in self.cells:
            counts[getattr(cell, name)] += cell.n
        return dict(counts)


def compute_cells():
    from .models import Enterprise

    return [
        tuple(row)
        for row in Enterprise.objects.published()
        .order_by()
        .values_list(*CUBE_DIMENSIONS)
        .annotate(n=Count("pk"))
    ]


def cube(version):
    """The cube of the given content version, built at most once per process."""
    if version is None or not enabled():
        return Cube(compute_cells())

    def build():
        cells = remember(
            "facet-cube", compute_cells, version=version, timeout=7 * 24 * 3600, per_language=False
        )
        return Cube(cells)

    return kept_in_process("facet-cube", build, version=version)


def compute_years():
    from .models import Enterprise

    return dict(
        Enterprise.objects.published()
        .order_by()
        .values_list("founded_year")
        .annotate(n=Count("pk"))
        .values_list("founded_year", "n")
    )


def founding_years(version):
    """{founding year (or None): published enterprises} of the given content version."""
    if version is None or not enabled():
        return compute_years()
    return kept_in_process(
        "founding-years",
        lambda: remember("founding-years", compute_years, version=version, per_language=False),
        version=version,
    )


def share_of_years(version, lookup, year):
    """The share of published enterprises founded from (`gte`) or up to (`lte`) `year`."""
    counts = founding_years(version)
    total = sum(counts.values())
    if not total:
        return 1.0
    if lookup == "gte":
        found = sum(n for y, n in counts.items() if y is not None and y >= year)
    else:
        found = sum(n for y, n in counts.items() if y is not None and y <= year)
    return found / total


def chosen_values(cleaned_data, partial=False):
    """The cube filters in use, as {filter: value string}; None when a filter in use is not
    one the cube knows (then counts come from the database), unless `partial`: then only
    the filters it knows."""
    chosen = {}
    for name, value in cleaned_data.items():
        if value in (None, "") or name == "sort":
            continue
        if name not in CUBE_FILTERS:
            if partial:
                continue
            return None
        chosen[name] = str(getattr(value, "pk", value))
    return chosen
