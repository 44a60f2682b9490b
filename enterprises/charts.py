"""Charts of the directory's counts and of the figures its sources state.

A chart is a table first: a caption, a source line, column headings and rows of cells.
The template (includes/chart.html) renders that table, which is what a page without
JavaScript, a screen reader or a printer shows; static/js/charts.js draws the same data
with ECharts from `Chart.data()`, handed over with json_script; `Chart.csv()` is the same
table as a download. Nothing here counts the enterprise table: counts come from the facet
cube or from values remembered per content version.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from .formats import neutralise
from .i18n import translated_value
from .models import Indicator, PolicyTarget, Recognition, Tier
from .models.base import plain_number, published_through
from .models.recognition import valid_on


class Kind:
    """How charts.js draws a chart (the table is the same whatever the kind)."""

    PYRAMID = "pyramid"  # tiers from the lowest up, the national figures beside the directory's
    TILES = "tiles"  # a fixed grid of China's provincial-level regions, positions only
    BARS = "bars"  # categories, one bar (or one stacked segment) per column
    LINE = "line"  # dated values of one series
    PROGRESS = "progress"  # the latest reported value as a share of each target


# The indicator series that count each tier nationally (their keys in fixtures/documents).
# No source in the directory counts innovative SMEs nationwide, so that tier has none.
NATIONAL_TIER_SERIES = {
    Tier.SPECIALIZED: "national-specialized-smes",
    Tier.LITTLE_GIANT: "national-little-giants",
    Tier.CHAMPION: "national-single-champions",
}

# (column, row) of each provincial-level region on the tile grid, by GB/T 2260 code: a rough
# arrangement of China's provinces, north at the top. Positions only: no boundaries, no map.
TILE_POSITIONS = {
    "23": (7, 0),  # Heilongjiang
    "65": (0, 1),  # Xinjiang
    "15": (4, 1),  # Inner Mongolia
    "11": (5, 1),  # Beijing
    "21": (6, 1),  # Liaoning
    "22": (7, 1),  # Jilin
    "63": (1, 2),  # Qinghai
    "62": (2, 2),  # Gansu
    "64": (3, 2),  # Ningxia
    "14": (4, 2),  # Shanxi
    "13": (5, 2),  # Hebei
    "12": (6, 2),  # Tianjin
    "54": (1, 3),  # Tibet
    "51": (2, 3),  # Sichuan
    "61": (3, 3),  # Shaanxi
    "41": (4, 3),  # Henan
    "37": (5, 3),  # Shandong
    "53": (2, 4),  # Yunnan
    "50": (3, 4),  # Chongqing
    "42": (4, 4),  # Hubei
    "34": (5, 4),  # Anhui
    "32": (6, 4),  # Jiangsu
    "52": (3, 5),  # Guizhou
    "43": (4, 5),  # Hunan
    "36": (5, 5),  # Jiangxi
    "33": (6, 5),  # Zhejiang
    "31": (7, 5),  # Shanghai
    "45": (3, 6),  # Guangxi
    "44": (4, 6),  # Guangdong
    "35": (5, 6),  # Fujian
    "71": (6, 6),  # Taiwan
    "46": (3, 7),  # Hainan
    "82": (4, 7),  # Macao
    "81": (5, 7),  # Hong Kong
}


@dataclass
class Cell:
    """A value of the table: a number (None when not known), the qualifier a source puts on
    it ("more than"), its unit and the date it describes; `note` stands in for a missing
    value ("not stated"); a `plain` number is written as it is (a year, not 2,025)."""

    value: object = None
    qualifier: str = ""
    unit: str = ""
    note: str = ""
    as_of: object = None
    plain: bool = False

    def number(self):
        """The value for the chart: a float, or None to draw nothing."""
        if self.value is None or not isinstance(self.value, int | float | Decimal):
            return None
        return float(self.value)

    def text(self):
        """The cell as the CSV writes it."""
        if self.value is None:
            return self.note
        value = plain_number(self.value) if isinstance(self.value, Decimal) else self.value
        text = " ".join(str(part) for part in (self.qualifier, value) if part)
        if self.unit:
            text += self.unit if self.unit == "%" else f" {self.unit}"
        if self.as_of:
            text += f" ({self.as_of.isoformat()})"
        return text


@dataclass
class Row:
    label: str
    cells: list
    url: str = ""
    source: object = None  # the Source a row's figures come from, when rows differ
    # Extra data for the drawing (the tile's position), not shown in the table.
    extra: dict = field(default_factory=dict)


@dataclass
class Chart:
    """One figure: `key` names it on its page (the element id and ?chart= of its CSV)."""

    key: str
    kind: str
    caption: str
    source: str
    columns: list  # the headings of the value columns; the first column holds row labels
    rows: list
    empty: str = ""  # what is missing, said instead of drawing zeros
    label_heading: str = ""
    notes: list = field(default_factory=list)  # lines shown under the table
    cited: bool = False  # rows cite their own source (a Source column)
    drawn_column: int = None  # the one column the drawing shows, if not all of them
    nothing_to_draw: str = ""  # said when the table has rows but no value to draw

    def __bool__(self):
        return bool(self.rows)

    @property
    def drawn(self):
        """Whether there is a value to draw (not only zeros and unknowns)."""
        for row in self.rows:
            cells = row.cells if self.drawn_column is None else [row.cells[self.drawn_column]]
            if any(cell.number() for cell in cells):
                return True
        return False

    @property
    def element_id(self):
        return f"chart-{self.key}"

    @property
    def data_id(self):
        return f"chart-data-{self.key}"

    def data(self):
        """What charts.js draws: labels and plain numbers only."""
        return {
            "kind": self.kind,
            "title": str(self.caption),
            "columns": [str(column) for column in self.columns],
            "rows": [
                {
                    "label": str(row.label),
                    "values": [cell.number() for cell in row.cells],
                    **row.extra,
                }
                for row in self.rows
            ],
        }

    def csv(self):
        """The table as CSV text (a byte-order mark for Excel; no cell runs as a formula)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        heading = [str(self.label_heading), *map(str, self.columns)]
        if self.cited:
            heading.append(_("Source"))
        writer.writerow([neutralise(text) for text in heading])
        for row in self.rows:
            values = [str(row.label), *(cell.text() for cell in row.cells)]
            if self.cited:
                values.append(source_text(row.source))
            writer.writerow([neutralise(value) for value in values])
        return "\ufeff" + buffer.getvalue()


def text_of(obj, name):
    return translated_value(obj, name)[0]


def source_text(source):
    if source is None:
        return ""
    parts = [text_of(source, "publisher"), text_of(source, "title"), source.url]
    return " · ".join(part for part in parts if part)


def directory_source():
    return _("Source: the published entries of this directory, which is not a complete register.")


def enterprise_list_url(**filters):
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return reverse("enterprises:enterprise-list") + (f"?{query}" if query else "")


# Tiers ------------------------------------------------------------------------------------


def latest_national_tier_figures(indicators=None):
    """{tier: the latest published national Indicator of the series that counts it}, from
    `indicators` (national ones with their sources) or read here."""
    series = {value: tier for tier, value in NATIONAL_TIER_SERIES.items()}
    if indicators is None:
        indicators = (
            Indicator.objects.published()
            .national()
            .filter(series__in=series)
            .select_related("source")
        )
    latest = {}
    for indicator in indicators:
        tier = series.get(indicator.series)
        if tier is None or indicator.region_id is not None:
            continue
        found = latest.get(tier)
        if found is None or (indicator.as_of, indicator.pk) > (found.as_of, found.pk):
            latest[tier] = indicator
    return latest


def national_cell(figure):
    if figure is None:
        return Cell(note=_("No national figure in the sources yet"))
    return Cell(
        figure.value, figure.get_qualifier_display(), text_of(figure, "unit"), as_of=figure.as_of
    )


def tier_pyramid(tier_counts, national=None, region=None):
    """The gradient system from the lowest tier up: the directory's enterprises at each tier
    (of one region, if given) and, given `national` ({tier: Indicator}), the latest
    national figure beside it."""
    rows = []
    for tier, n in reversed(tier_counts):
        filters = {"tier": tier.value}
        if region is not None:
            filters = {"region": region.slug, **filters}
        row = Row(str(tier.label), [Cell(n)], url=enterprise_list_url(**filters))
        if national is not None:
            figure = national.get(tier)
            row.cells.insert(0, national_cell(figure))
            row.source = figure.source if figure else None
        rows.append(row)
    if national is None:
        columns, source = [_("In this directory")], directory_source()
    else:
        columns = [_("Nationally (latest figure)"), _("In this directory")]
        source = _(
            "Sources: national figures as the documents cited in the table state them "
            "(the latest of each series); directory counts from the published entries of "
            "this directory, which is not a complete register."
        )
    return Chart(
        key="tiers",
        kind=Kind.PYRAMID,
        caption=_("The gradient system: enterprises at each tier"),
        source=source,
        label_heading=_("Tier"),
        columns=columns,
        rows=rows,
        notes=[_("Each enterprise is counted once, at its highest tier in force.")],
        cited=national is not None,
        empty=_("No enterprise is published yet."),
    )


# Regions ----------------------------------------------------------------------------------


def province_tiles(counts_by_region, regions):
    """Enterprises per provincial-level region on the tile grid; regions without any are
    tiles without a value, not zeros."""
    rows = []
    for region in regions:
        position = TILE_POSITIONS.get(region.code)
        n = counts_by_region.get(region.pk, 0)
        if position is None:
            continue
        rows.append(
            Row(
                text_of(region, "name"),
                [Cell(n) if n else Cell(note=_("none recorded yet"))],
                url=region.get_absolute_url(),
                extra={"x": position[0], "y": position[1]},
            )
        )
    if not any(row.cells[0].value for row in rows):
        rows = []
    return Chart(
        key="provinces",
        kind=Kind.TILES,
        caption=_("Enterprises by provincial-level region"),
        source=directory_source(),
        label_heading=_("Region"),
        columns=[_("Enterprises")],
        rows=rows,
        notes=[
            _(
                "Each tile stands for one provincial-level region, placed roughly where it "
                "lies; the grid is no map and shows no boundaries."
            )
        ],
        empty=_("No published enterprise has a recorded region yet."),
    )


# Industries -------------------------------------------------------------------------------


def industry_sections(counts, region=None):
    """Enterprises per industry section (GB/T 4754), from [(section, n)]."""
    rows = []
    for industry, n in counts:
        filters = {"industry": industry.code}
        if region is not None:
            filters = {"region": region.slug, **filters}
        rows.append(
            Row(
                f"{industry.code} {text_of(industry, 'name')}",
                [Cell(n)],
                url=enterprise_list_url(**filters),
            )
        )
    return Chart(
        key="industries",
        kind=Kind.BARS,
        caption=_("Enterprises by industry section"),
        source=directory_source(),
        label_heading=_("Industry"),
        columns=[_("Enterprises")],
        rows=rows,
        empty=_("No published enterprise has a recorded industry yet."),
    )


# Recognitions -----------------------------------------------------------------------------


def recognition_counts(day, region=None):
    """[(year, batch, tier, in force on `day`, n)] over the gradient recognitions of
    published enterprises (of one region, if given)."""
    in_force = Case(
        When(valid_on(day), then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    recognitions = Recognition.objects.published().gradient()
    if region is not None:
        recognitions = recognitions.filter(enterprise__region=region)
    return [
        tuple(row)
        for row in recognitions.order_by()
        .annotate(in_force=in_force)
        .values_list("year", "batch", "tier", "in_force")
        .annotate(n=Count("pk"))
    ]


def recognitions_by_year(counts, tiers):
    """Recognitions in force per year of recognition, a column per tier."""
    by_year = {}
    for year, _batch, tier, in_force, n in counts:
        if in_force and year:
            by_year.setdefault(year, {}).setdefault(tier, 0)
            by_year[year][tier] += n
    rows = [
        Row(str(year), [Cell(by_year[year].get(t.value, 0)) for t in tiers])
        for year in sorted(by_year)
    ]
    return Chart(
        key="recognition_years",
        kind=Kind.BARS,
        caption=_("Recognitions in force, by year of recognition and tier"),
        source=directory_source(),
        label_heading=_("Year"),
        columns=[t.label for t in tiers],
        rows=rows,
        empty=_("No recognition with a known year is recorded yet."),
    )


def recognitions_by_batch(counts, tiers):
    """Recognitions in force per numbered batch of the national lists, a column per tier."""
    by_batch = {}
    for _year, batch, tier, in_force, n in counts:
        if in_force and batch:
            by_batch.setdefault(batch, {}).setdefault(tier, 0)
            by_batch[batch][tier] += n
    rows = [
        Row(
            _("Batch %(n)s") % {"n": batch}, [Cell(by_batch[batch].get(t.value, 0)) for t in tiers]
        )
        for batch in sorted(by_batch)
    ]
    return Chart(
        key="recognition_batches",
        kind=Kind.BARS,
        caption=_("Recognitions in force, by batch of the list and tier"),
        source=directory_source(),
        label_heading=_("Batch"),
        columns=[t.label for t in tiers],
        rows=rows,
        empty=_("No recognition with a known batch is recorded yet."),
    )


# Indicator series -------------------------------------------------------------------------


def indicator_series(indicators):
    """One line chart per series with two or more dated values (small multiples: the series
    count different things in different units), from published indicators."""
    by_series = {}
    for indicator in indicators:
        if indicator.series:
            by_series.setdefault(indicator.series, []).append(indicator)
    charts = []
    for series, points in sorted(by_series.items()):
        if len({point.as_of for point in points}) < 2:
            continue
        points.sort(key=lambda point: (point.as_of, point.pk))
        latest = points[-1]
        rows = [
            Row(
                point.as_of.isoformat(),
                [Cell(point.value, point.get_qualifier_display(), text_of(point, "unit"))],
                source=point.source,
            )
            for point in points
        ]
        charts.append(
            Chart(
                key=f"series-{series}",
                kind=Kind.LINE,
                caption=text_of(latest, "measure"),
                source=_("Sources: the documents cited in the table, as each states the figure."),
                label_heading=_("As of"),
                columns=[text_of(latest, "unit") or _("Value")],
                rows=rows,
                cited=True,
            )
        )
    return charts


def series_indicators(region=None):
    """Published indicators that belong to a series, national or of one region."""
    indicators = Indicator.objects.published().exclude(series="").select_related("source")
    if region is None:
        return indicators.national()
    return indicators.filter(region=region)


# Policy targets ---------------------------------------------------------------------------


def published_targets():
    return (
        PolicyTarget.objects.filter(published_through("initiative"))
        .select_related("initiative", "initiative__region", "latest_value_source")
        .prefetch_related("initiative__sources")
        .order_by("deadline_year", "initiative__slug", "position", "pk")
    )


def first_source(initiative):
    """The first of an initiative's sources (prefetched), or None."""
    return next(iter(initiative.sources.all()), None)


def policy_targets(targets, with_policy=True):
    """Each target with its deadline against the latest value reported towards it; the
    drawing shows the share of the target reached, and only for targets with a reported
    value (the others say so in the table, never drawn as zeros)."""
    rows = []
    for target in targets:
        label = text_of(target, "measure")
        if with_policy:
            label = _("%(policy)s: %(target)s") % {
                "policy": text_of(target.initiative, "title"),
                "target": label,
            }
        unit = text_of(target, "unit")
        waiting = _("no reported progress yet")
        rows.append(
            Row(
                label,
                [
                    Cell(target.target_value, target.get_qualifier_display(), unit),
                    Cell(target.deadline_year, note=_("no deadline stated"), plain=True),
                    Cell(target.latest_value, "", unit, note=waiting),
                    Cell(target.latest_value_on, note="—", plain=True),
                    Cell(target.progress_percent, unit="%", note="—"),
                ],
                url=target.initiative.get_absolute_url() if with_policy else "",
                # The latest value's source, else the policy document that set the target.
                source=target.latest_value_source or first_source(target.initiative),
            )
        )
    return Chart(
        key="targets",
        kind=Kind.PROGRESS,
        caption=_("Policy targets against their latest reported values"),
        source=_(
            "Sources: the policy documents that set the targets, and the documents cited "
            "for each latest value."
        ),
        label_heading=_("Policy and what it counts") if with_policy else _("What it counts"),
        columns=[
            _("Target"),
            _("By (year)"),
            _("Latest reported value"),
            _("Reported on"),
            _("Share of the target reached (%)"),
        ],
        rows=rows,
        cited=True,
        drawn_column=4,
        nothing_to_draw=_("No reported progress yet: no target has a reported value to draw."),
        empty=_("No numeric targets recorded."),
    )


def by_key(charts, key):
    """The chart of a page named `key`, or None."""
    return next((chart for chart in charts if chart.key == key), None)
