"""Counts across the published directory."""

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from .. import charts
from ..caching import remember
from ..models import (
    Exchange,
    Industry,
    Region,
    Size,
    Tier,
)
from .base import ChartPageMixin, ContentVersionMixin

RECOGNITION_TIMEOUT = 7 * 24 * 3600


def remembered_recognition_counts(version, region=None):
    """charts.recognition_counts, once per content version (which holds the date) and
    region: it scans the recognitions."""
    name = "recognition-counts" if region is None else f"recognition-counts-{region.pk}"
    return remember(
        name,
        lambda: charts.recognition_counts(timezone.localdate(), region),
        version=version,
        timeout=RECOGNITION_TIMEOUT,
        per_language=False,
    )


class StatisticsView(ChartPageMixin, ContentVersionMixin, TemplateView):
    """Counts across the published directory: the tier pyramid beside the national figures,
    by region and tier, industry, size, listing, recognitions per year and batch, the
    national figures over time and the policy targets. Facts a source does not state are
    counted apart ("not recorded"), never as zero or "no"."""

    template_name = "enterprises/statistics.html"
    section = "statistics"

    @cached_property
    def tiers(self):
        return [Tier(value) for value in reversed(Tier.values)]

    @cached_property
    def regions(self):
        return list(Region.objects.all())

    @cached_property
    def industries(self):
        counts = self.cube.totals("industry")
        return [
            (industry, counts[industry.pk])
            for industry in Industry.objects.sections()
            if counts.get(industry.pk)
        ]

    @cached_property
    def recognition_counts(self):
        return remembered_recognition_counts(self.recognitions_version)

    def get_charts(self):
        indicators = list(charts.series_indicators())
        return [
            charts.tier_pyramid(
                self.cube.tier_counts(), charts.latest_national_tier_figures(indicators)
            ),
            charts.province_tiles(self.cube.totals("region"), self.regions),
            charts.industry_sections(self.industries),
            charts.recognitions_by_year(self.recognition_counts, self.tiers),
            charts.recognitions_by_batch(self.recognition_counts, self.tiers),
            charts.policy_targets(charts.published_targets()),
            *charts.indicator_series(indicators),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["series_charts"] = [c for c in context["charts"] if c.kind == charts.Kind.LINE]
        context.update(tiers=self.tiers, **self.by_region(self.tiers), **self.by_fact())
        context.update(self.recognitions_by_year(self.tiers))
        return context

    def by_region(self, tiers):
        """Enterprises per region and tier. Enterprise counts come from the facet cube (one
        row per combination of region, industry, tier, exchange, size and listing), not
        from counting the table."""
        by_region_tier = self.cube.pivot("region", "tier")
        columns = [t.value for t in tiers] + [""]  # the last: no recognition recorded

        def row(counts):
            return [counts.get(value, 0) for value in columns], sum(counts.values())

        regions, empty_regions = [], []
        for region in self.regions:
            counts = by_region_tier.get(region.pk)
            if counts:
                regions.append((region, *row(counts)))
            else:
                empty_regions.append(region)
        unplaced = by_region_tier.get(None, {})
        return {
            "regions": regions,
            "empty_regions": empty_regions,
            "unplaced": row(unplaced) if unplaced else None,
            "tier_totals": row(
                {t: sum(c.get(t, 0) for c in by_region_tier.values()) for t in columns}
            )[0],
            "total": self.cube.total,
        }

    def by_fact(self):
        """Enterprises per industry, size, listing and exchange, with those not known."""
        cube = self.cube
        industries, sizes = cube.totals("industry"), cube.totals("size")
        listing, exchanges = cube.totals("listed"), cube.totals("exchange")
        return {
            "industries": self.industries,
            "industry_unknown": industries.get(None, 0),
            "sizes": [(choice.label, sizes.get(choice.value, 0)) for choice in Size],
            "size_unknown": sizes.get("", 0),
            "listing": [
                (pgettext_lazy("listing status", "Listed"), listing.get(True, 0)),
                (_("Not listed"), listing.get(False, 0)),
                (_("Not known"), listing.get(None, 0)),
            ],
            "exchanges": [(choice.label, exchanges.get(choice.value, 0)) for choice in Exchange],
        }

    def recognitions_by_year(self, tiers):
        """Recognitions per year and tier, counted over every recognition once per content
        version, like the cube."""
        by_year, not_in_force = {}, 0
        for year, _batch, tier, in_force, n in self.recognition_counts:
            if in_force:
                by_year.setdefault(year, {}).setdefault(tier, 0)
                by_year[year][tier] += n
            else:
                not_in_force += n
        return {
            "recognitions": [
                (year, tier, n) for year, counts in by_year.items() for tier, n in counts.items()
            ],
            "recognition_years": [
                (year, [by_year[year].get(t.value, 0) for t in tiers])
                for year in sorted((y for y in by_year if y), reverse=True)
            ],
            "recognitions_undated": sum(by_year.get(None, {}).values()),
            "recognitions_not_in_force": not_in_force,
        }
