"""The policy matcher: which published initiatives, and which of their targets, may concern
a firm, and why, one sentence per rule.

The rules are the criteria recorded on each initiative (PolicyInitiative.eligible_tiers,
eligible_sizes, eligible_industries, listing_requirement, its scope and period) and the tier
each target counts. A fact nobody gave, or the directory does not know, is named as unknown
and keeps the answer at "may apply"; nothing is assumed, and nothing beyond the recorded
criteria is claimed."""

import enum
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from .i18n import translated_value
from .models import PolicyInitiative, PolicyTarget, Size, Tier

# A firm that holds no tier of the gradient system yet (as the asker says).
NO_TIER = "none"


class Check(enum.Enum):
    MET = "met"
    UNKNOWN = "unknown"
    NOT_MET = "not_met"


class Verdict(enum.IntEnum):
    """The answer for one initiative or target, in the order the page groups them."""

    APPLIES = 0
    MAY_APPLY = 1
    DOES_NOT_APPLY = 2

    @property
    def slug(self):
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class Reason:
    """One rule's outcome: a stable key (for tests and styling), and its sentence."""

    key: str
    check: Check
    text: str


@dataclass(frozen=True)
class Facts:
    """What is known of the firm asked about; None wherever it is not given or not known.
    `industry` is a section; `tier` a Tier value or NO_TIER; `listed` True or False."""

    region: object = None
    city: tuple = ()  # its city's names, in either language (empty: not known)
    industry: object = None
    tier: str | None = None
    size: str | None = None
    listed: bool | None = None

    @classmethod
    def of_enterprise(cls, enterprise):
        """An enterprise's facts as the directory records them: what it does not record
        (no size, listing unknown, no tier in force) stays unknown."""
        return cls(
            region=enterprise.region,
            city=tuple(name for name in (enterprise.city_zh_hans, enterprise.city_en) if name),
            industry=section_of(enterprise.industry),
            tier=enterprise.tier or None,
            size=enterprise.size or None,
            listed=enterprise.listed,
        )

    @property
    def tier_label(self):
        return None if self.tier is None else tier_label(self.tier)

    @property
    def size_label(self):
        return None if self.size is None else Size(self.size).label


def section_of(industry):
    """The section an industry of any level belongs to (parents preloaded), or None."""
    while industry is not None and industry.parent_id:
        industry = industry.parent
    return industry


@dataclass(frozen=True)
class Match:
    """The answer for an initiative (target None) or one of its targets, and its reasons."""

    policy: PolicyInitiative
    target: PolicyTarget | None
    reasons: tuple

    @property
    def verdict(self):
        checks = {reason.check for reason in self.reasons}
        if Check.NOT_MET in checks:
            return Verdict.DOES_NOT_APPLY
        if Check.UNKNOWN in checks:
            return Verdict.MAY_APPLY
        return Verdict.APPLIES

    @property
    def keys(self):
        return [reason.key for reason in self.reasons]


def joined(labels):
    return pgettext("list separator", ", ").join(str(label) for label in labels)


def tier_label(value):
    return gettext("no tier yet") if value == NO_TIER else Tier(value).label


def scope_reason(facts, policy):
    if policy.scope == PolicyInitiative.Scope.NATIONAL:
        return Reason(
            "scope-national", Check.MET, gettext("A national initiative covers every region.")
        )
    covered = policy.region.name if policy.region else gettext("one region")
    if policy.city and (facts.region is None or facts.region.pk != policy.region_id):
        covered = gettext("%(city)s in %(region)s") % {"city": policy.city, "region": covered}
    if facts.region is None:
        text = gettext(
            "It covers %(covered)s only; region not given, so this rule cannot be checked."
        )
        return Reason("scope-region-unknown", Check.UNKNOWN, text % {"covered": covered})
    if facts.region.pk == policy.region_id:
        return city_reason(facts, policy, covered)
    text = gettext("It covers %(covered)s only, not %(region)s.")
    return Reason(
        "scope-other-region",
        Check.NOT_MET,
        text % {"covered": covered, "region": facts.region.name},
    )


def city_reason(facts, policy, covered):
    """The scope within the region: all of it, or one city (or district) of it."""
    city = translated_value(policy, "city")[0]
    values = {"covered": covered, "city": city}
    covers = policy.covers_city(facts.city)
    if covers is True and not city:
        text = gettext("It covers %(covered)s, the region given.")
        return Reason("scope-region", Check.MET, text % values)
    if covers is True:
        text = gettext("It covers %(city)s in %(covered)s, where the firm is.")
        return Reason("scope-city", Check.MET, text % values)
    if covers is None:
        text = gettext(
            "It covers %(city)s in %(covered)s only; the firm's city is not known, so this "
            "rule cannot be checked."
        )
        return Reason("scope-city-unknown", Check.UNKNOWN, text % values)
    text = gettext("It covers %(city)s in %(covered)s only, not %(firm_city)s.")
    values["firm_city"] = facts.city[0]
    return Reason("scope-other-city", Check.NOT_MET, text % values)


def period_reason(policy, year):
    Stage = PolicyInitiative.Stage
    if policy.stage == Stage.EXPIRED:
        return Reason(
            "period-expired", Check.NOT_MET, gettext("It is recorded as expired or completed.")
        )
    if policy.period_end and policy.period_end < year:
        text = gettext("Its period ended in %(year)s.")
        return Reason("period-ended", Check.NOT_MET, text % {"year": policy.period_end})
    if policy.period_start and policy.period_start > year:
        text = gettext("Its period begins in %(year)s, so it does not run yet.")
        return Reason("period-not-started", Check.UNKNOWN, text % {"year": policy.period_start})
    if policy.stage == Stage.PROPOSED:
        text = gettext("It is recorded as proposed, not yet issued.")
        return Reason("period-proposed", Check.UNKNOWN, text)
    if policy.period_end:
        text = gettext("Its period runs to %(year)s, which has not ended.")
        return Reason("period-running", Check.MET, text % {"year": policy.period_end})
    if policy.stage == Stage.IN_FORCE:
        text = gettext("It is recorded as in force, with no end year.")
        return Reason("period-in-force", Check.MET, text)
    text = gettext("No end of its period is recorded, so whether it still runs cannot be checked.")
    return Reason("period-unknown", Check.UNKNOWN, text)


def deadline_reason(target, year):
    if target.deadline_year < year:
        text = gettext("Its deadline, %(year)s, has passed.")
        return Reason("deadline-passed", Check.NOT_MET, text % {"year": target.deadline_year})
    text = gettext("Its deadline, %(year)s, has not passed.")
    return Reason("deadline-running", Check.MET, text % {"year": target.deadline_year})


def tiers_reason(facts, tiers):
    names = joined(Tier(value).label for value in tiers)
    if facts.tier is None:
        text = gettext("It is for %(tiers)s; tier not given, so this rule cannot be checked.")
        return Reason("tier-unknown", Check.UNKNOWN, text % {"tiers": names})
    values = {"tiers": names, "tier": tier_label(facts.tier)}
    if facts.tier in tiers:
        return Reason("tier", Check.MET, gettext("It is for %(tiers)s, as given.") % values)
    if facts.tier == NO_TIER:
        text = gettext("It is for %(tiers)s, not for a firm with no tier yet.")
        return Reason("tier-other", Check.NOT_MET, text % values)
    return Reason(
        "tier-other", Check.NOT_MET, gettext("It is for %(tiers)s, not %(tier)s.") % values
    )


def sizes_reason(facts, sizes):
    names = joined(Size(value).label for value in sizes)
    if facts.size is None:
        text = gettext(
            "It is for %(sizes)s firms; size not given, so this rule cannot be checked."
        )
        return Reason("size-unknown", Check.UNKNOWN, text % {"sizes": names})
    values = {"sizes": names, "size": Size(facts.size).label}
    if facts.size in sizes:
        return Reason("size", Check.MET, gettext("It is for %(sizes)s firms, as given.") % values)
    text = gettext("It is for %(sizes)s firms, not %(size)s ones.")
    return Reason("size-other", Check.NOT_MET, text % values)


def industries_reason(facts, industries):
    names = joined(industry.name for industry in industries)
    if facts.industry is None:
        text = gettext(
            "It is for %(industries)s; industry not given, so this rule cannot be checked."
        )
        return Reason("industry-unknown", Check.UNKNOWN, text % {"industries": names})
    values = {"industries": names, "industry": facts.industry.name}
    if facts.industry.pk in {industry.pk for industry in industries}:
        return Reason(
            "industry", Check.MET, gettext("It is for %(industries)s, as given.") % values
        )
    text = gettext("It is for %(industries)s, not %(industry)s.")
    return Reason("industry-other", Check.NOT_MET, text % values)


def listing_reason(facts, requirement):
    Listing = PolicyInitiative.Listing
    if requirement == Listing.ANY:
        return Reason(
            "listing-any", Check.MET, gettext("It is for listed and unlisted firms alike.")
        )
    wanted = requirement == Listing.LISTED
    rule = gettext("It is for listed firms.") if wanted else gettext("It is for firms not listed.")
    if facts.listed is None:
        text = gettext("%(rule)s Listing not given, so this rule cannot be checked.")
        return Reason("listing-unknown", Check.UNKNOWN, text % {"rule": rule})
    if facts.listed == wanted:
        return Reason("listing", Check.MET, rule)
    text = (
        gettext("%(rule)s The firm given is listed.")
        if facts.listed
        else gettext("%(rule)s The firm given is not listed.")
    )
    return Reason("listing-other", Check.NOT_MET, text % {"rule": rule})


def criteria_reasons(facts, policy):
    """The reasons of the recorded criteria; one "not recorded" reason when there are none.
    The industries are read from the prefetched rows."""
    industries = list(policy.eligible_industries.all())
    reasons = []
    if policy.eligible_tiers:
        reasons.append(tiers_reason(facts, policy.eligible_tiers))
    if policy.eligible_sizes:
        reasons.append(sizes_reason(facts, policy.eligible_sizes))
    if industries:
        reasons.append(industries_reason(facts, industries))
    if policy.listing_requirement:
        reasons.append(listing_reason(facts, policy.listing_requirement))
    if not reasons:
        text = gettext("Who it is for is not recorded, so this cannot be checked.")
        reasons.append(Reason("criteria-not-recorded", Check.UNKNOWN, text))
    elif not policy.eligible_tiers:
        # Other criteria met say nothing of which firms of the gradient system it is for
        # (a programme for manufacturers may still be for champions only).
        text = gettext("Which tiers it is for is not recorded, so this cannot be checked.")
        reasons.append(Reason("tiers-not-recorded", Check.UNKNOWN, text))
    return reasons


def match_policy(facts, policy, year=None):
    """The answer for one initiative: its scope, its period, then each recorded criterion."""
    year = year or timezone.localdate().year
    reasons = [scope_reason(facts, policy), period_reason(policy, year)]
    return Match(policy, None, tuple(reasons + criteria_reasons(facts, policy)))


def target_tier_reason(facts, target):
    counted = Tier(target.tier).label
    if facts.tier is None:
        text = gettext(
            "This target counts %(counted)s; tier not given, so this rule cannot be checked."
        )
        return Reason("target-tier-unknown", Check.UNKNOWN, text % {"counted": counted})
    if facts.tier == target.tier:
        text = gettext("This target counts %(counted)s, the tier given.")
        return Reason("target-tier", Check.MET, text % {"counted": counted})
    text = gettext("This target counts %(counted)s, not %(tier)s.")
    values = {"counted": counted, "tier": tier_label(facts.tier)}
    return Reason("target-tier-other", Check.NOT_MET, text % values)


def match_target(facts, target, year=None):
    """The answer for a target that counts firms of a tier: whether a firm with these facts
    counts towards it (its initiative's scope, its deadline or else the initiative's
    period, and the tier)."""
    year = year or timezone.localdate().year
    policy = target.initiative
    timing = deadline_reason(target, year) if target.deadline_year else period_reason(policy, year)
    reasons = (scope_reason(facts, policy), timing, target_tier_reason(facts, target))
    return Match(policy, target, reasons)


def matchable_policies():
    """The published initiatives with everything the matcher reads, in a fixed number of
    queries: their region and criteria source, industries and the targets that count a tier."""
    return (
        PolicyInitiative.objects.published()
        .select_related("region", "criteria_source")
        .prefetch_related(
            "eligible_industries",
            Prefetch("targets", PolicyTarget.objects.exclude(tier="").order_by("position", "pk")),
        )
    )


def match_all(facts, policies, year=None):
    """Every initiative's answer, and each of its tiered targets' (targets read from the
    prefetch), initiatives first in their order."""
    year = year or timezone.localdate().year
    matches = []
    for policy in policies:
        matches.append(match_policy(facts, policy, year))
        for target in policy.targets.all():
            target.initiative = policy
            matches.append(match_target(facts, target, year))
    return matches
