"""Counts across the published directory."""

from django.db.models import BooleanField, Case, Count, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..caching import remember
from ..models import (
    Exchange,
    Industry,
    Recognition,
    Region,
    Size,
    Tier,
)
from ..models.recognition import valid_on
from .base import ContentVersionMixin


def recognition_counts():
    """[(year, tier, in force, n)] over the gradient recognitions of published enterprises,
    in force today or not (the version the result is kept under holds the date)."""
    in_force = Case(
        When(valid_on(timezone.localdate()), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return list(
        Recognition.objects.published()
        .gradient()
        .order_by()
        .annotate(in_force=in_force)
        .values_list("year", "tier", "in_force")
        .annotate(n=Count("pk"))
    )


class StatisticsView(ContentVersionMixin, TemplateView):
    """Counts across the published directory: by region and tier, industry, size, listing,
    and recognitions per year. Facts a source does not state are counted apart ("not
    recorded"), never as zero or "no"."""

    template_name = "enterprises/statistics.html"
    section = "statistics"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tiers = [Tier(value) for value in reversed(Tier.values)]
        context.update(tiers=tiers, **self.by_region(tiers), **self.by_fact())
        context.update(self.recognitions_by_year(tiers))
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
        for region in Region.objects.all():
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
            "industries": [
                (industry, industries[industry.pk])
                for industry in Industry.objects.sections()
                if industries.get(industry.pk)
            ],
            "industry_unknown": industries.get(None, 0),
            "sizes": [(choice.label, sizes.get(choice.value, 0)) for choice in Size],
            "size_unknown": sizes.get("", 0),
            "listing": [
                (_("Listed"), listing.get(True, 0)),
                (_("Not listed"), listing.get(False, 0)),
                (_("Not known"), listing.get(None, 0)),
            ],
            "exchanges": [(choice.label, exchanges.get(choice.value, 0)) for choice in Exchange],
        }

    def recognitions_by_year(self, tiers):
        """Recognitions per year and tier, counted over every recognition once per content
        version, like the cube."""
        counts = remember(
            "recognitions-by-year",
            recognition_counts,
            version=self.version,
            timeout=7 * 24 * 3600,
            per_language=False,
        )
        by_year, not_in_force = {}, 0
        for year, tier, in_force, n in counts:
            if in_force:
                by_year.setdefault(year, {})[tier] = n
            else:
                not_in_force += n
        return {
            "recognitions": [(year, tier, n) for year, tier, in_force, n in counts if in_force],
            "recognition_years": [
                (year, [by_year[year].get(t.value, 0) for t in tiers])
                for year in sorted((y for y in by_year if y), reverse=True)
            ],
            "recognitions_undated": sum(by_year.get(None, {}).values()),
            "recognitions_not_in_force": not_in_force,
        }
