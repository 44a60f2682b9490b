"""The policy matcher: its rules on a table of cases, and its page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enterprises.loading import default_fixture_paths, load_directory
from enterprises.matching import (
    NO_TIER,
    Facts,
    Verdict,
    match_all,
    match_policy,
    match_target,
    matchable_policies,
)
from enterprises.models import Industry, PolicyInitiative, Status
from tests.factories import (
    EnterpriseFactory,
    IndustryFactory,
    PolicyFactory,
    PolicyTargetFactory,
    RecognitionFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2026
NATIONAL = {"scope": "national"}
IN_FORCE = {"stage": "in_force"}
LIAONING = {"scope": "regional", "region": "21"}


def policy_with(industries=(), region=None, **fields):
    if region:
        fields["region"] = RegionFactory(code=region)
    if any(
        fields.get(name) for name in ("eligible_tiers", "eligible_sizes", "listing_requirement")
    ):
        fields["criteria_source"] = SourceFactory()
    policy = PolicyFactory(**fields)
    policy.eligible_industries.set([IndustryFactory(code=code) for code in industries])
    policy.full_clean()
    return matchable_policies().get(pk=policy.pk)


def facts_with(region=None, industry=None, **fields):
    return Facts(
        region=RegionFactory(code=region) if region else None,
        industry=IndustryFactory(code=industry, name_en=f"Section {industry}")
        if industry
        else None,
        **fields,
    )


# (policy, facts, verdict, reason keys)
CASES = {
    "nothing-recorded-nothing-given": (
        NATIONAL,
        {},
        Verdict.MAY_APPLY,
        ["scope-national", "period-unknown", "criteria-not-recorded"],
    ),
    "tier-met": (
        {**NATIONAL, **IN_FORCE, "eligible_tiers": ["little_giant"]},
        {"tier": "little_giant"},
        Verdict.APPLIES,
        ["scope-national", "period-in-force", "tier"],
    ),
    "tier-one-of-several": (
        {**IN_FORCE, "eligible_tiers": ["specialized", "little_giant"]},
        {"tier": "specialized"},
        Verdict.APPLIES,
        ["scope-national", "period-in-force", "tier"],
    ),
    "tier-not-given": (
        {**IN_FORCE, "eligible_tiers": ["little_giant"]},
        {},
        Verdict.MAY_APPLY,
        ["scope-national", "period-in-force", "tier-unknown"],
    ),
    "tier-other": (
        {**IN_FORCE, "eligible_tiers": ["little_giant"]},
        {"tier": "specialized"},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "period-in-force", "tier-other"],
    ),
    "no-tier-yet": (
        {**IN_FORCE, "eligible_tiers": ["little_giant"]},
        {"tier": NO_TIER},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "period-in-force", "tier-other"],
    ),
    "same-region-period-running-size-met": (
        {
            **LIAONING,
            "period_end": 2027,
            "eligible_tiers": ["innovative"],
            "eligible_sizes": ["small", "micro"],
        },
        {"region": "21", "size": "small", "tier": "innovative"},
        Verdict.APPLIES,
        ["scope-region", "period-running", "tier", "size"],
    ),
    "other-region": (
        {**LIAONING, **IN_FORCE},
        {"region": "34"},
        Verdict.DOES_NOT_APPLY,
        ["scope-other-region", "period-in-force", "criteria-not-recorded"],
    ),
    "region-not-given": (
        {**LIAONING, **IN_FORCE, "eligible_tiers": ["innovative"]},
        {"tier": "innovative"},
        Verdict.MAY_APPLY,
        ["scope-region-unknown", "period-in-force", "tier"],
    ),
    "national-covers-any-region": (
        {**IN_FORCE, "eligible_tiers": ["innovative"]},
        {"region": "34", "tier": "innovative"},
        Verdict.APPLIES,
        ["scope-national", "period-in-force", "tier"],
    ),
    "period-ended": (
        {"period_end": 2025, "eligible_tiers": ["innovative"]},
        {"tier": "innovative"},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "period-ended", "tier"],
    ),
    "period-ends-this-year": (
        {"period_end": YEAR, "eligible_tiers": ["innovative"]},
        {"tier": "innovative"},
        Verdict.APPLIES,
        ["scope-national", "period-running", "tier"],
    ),
    "expired": (
        {"stage": "expired", "eligible_tiers": ["innovative"]},
        {"tier": "innovative"},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "period-expired", "tier"],
    ),
    "not-started": (
        {"period_start": YEAR + 1, "eligible_tiers": ["innovative"]},
        {"tier": "innovative"},
        Verdict.MAY_APPLY,
        ["scope-national", "period-not-started", "tier"],
    ),
    "proposed": (
        {"stage": "proposed"},
        {},
        Verdict.MAY_APPLY,
        ["scope-national", "period-proposed", "criteria-not-recorded"],
    ),
    "size-not-given": (
        {**IN_FORCE, "eligible_sizes": ["small"]},
        {"tier": "innovative"},
        Verdict.MAY_APPLY,
        ["scope-national", "period-in-force", "size-unknown", "tiers-not-recorded"],
    ),
    "size-other": (
        {**IN_FORCE, "eligible_sizes": ["small"]},
        {"size": "large"},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "period-in-force", "size-other", "tiers-not-recorded"],
    ),
    "listing-listed-met": (
        {**IN_FORCE, "listing_requirement": "listed"},
        {"listed": True},
        Verdict.MAY_APPLY,
        ["scope-national", "period-in-force", "listing", "tiers-not-recorded"],
    ),
    "listing-listed-not-met": (
        {**IN_FORCE, "listing_requirement": "listed"},
        {"listed": False},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "period-in-force", "listing-other", "tiers-not-recorded"],
    ),
    "listing-unlisted-met": (
        {**IN_FORCE, "listing_requirement": "unlisted"},
        {"listed": False},
        Verdict.MAY_APPLY,
        ["scope-national", "period-in-force", "listing", "tiers-not-recorded"],
    ),
    "listing-unknown": (
        {**IN_FORCE, "listing_requirement": "unlisted"},
        {},
        Verdict.MAY_APPLY,
        ["scope-national", "period-in-force", "listing-unknown", "tiers-not-recorded"],
    ),
    "listing-any": (
        {**IN_FORCE, "listing_requirement": "any"},
        {},
        Verdict.MAY_APPLY,
        ["scope-national", "period-in-force", "listing-any", "tiers-not-recorded"],
    ),
    "not-met-outweighs-unknown": (
        {**LIAONING, **IN_FORCE, "eligible_tiers": ["innovative"], "eligible_sizes": ["small"]},
        {"region": "34", "tier": "innovative"},
        Verdict.DOES_NOT_APPLY,
        ["scope-other-region", "period-in-force", "tier", "size-unknown"],
    ),
    "every-criterion": (
        {
            **IN_FORCE,
            "eligible_tiers": ["specialized"],
            "eligible_sizes": ["medium"],
            "listing_requirement": "unlisted",
        },
        {"tier": "specialized", "size": "medium", "listed": False},
        Verdict.APPLIES,
        ["scope-national", "period-in-force", "tier", "size", "listing"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rules_on_a_table_of_cases(case):
    policy_fields, fact_fields, verdict, keys = CASES[case]
    match = match_policy(facts_with(**fact_fields), policy_with(**policy_fields), YEAR)
    assert (match.verdict, match.keys) == (verdict, keys)
    assert all(reason.text for reason in match.reasons)


INDUSTRY_CASES = {
    # Met, but which tiers it is for is not recorded: it may apply, no more.
    "industry-met": ({"industry": "C"}, Verdict.MAY_APPLY, "industry"),
    "industry-other": ({"industry": "I"}, Verdict.DOES_NOT_APPLY, "industry-other"),
    "industry-not-given": ({}, Verdict.MAY_APPLY, "industry-unknown"),
}


@pytest.mark.parametrize("case", sorted(INDUSTRY_CASES))
def test_industry_rule(case):
    fact_fields, verdict, key = INDUSTRY_CASES[case]
    policy = policy_with(industries=["C"], criteria_source=SourceFactory(), **IN_FORCE)
    match = match_policy(facts_with(**fact_fields), policy, YEAR)
    keys = ["scope-national", "period-in-force", key, "tiers-not-recorded"]
    assert (match.verdict, match.keys) == (verdict, keys)


TARGET_CASES = {
    "counts-the-tier": (
        {"deadline_year": 2027},
        {"tier": "little_giant"},
        Verdict.APPLIES,
        ["scope-national", "deadline-running", "target-tier"],
    ),
    "deadline-passed": (
        {"deadline_year": 2025},
        {"tier": "little_giant"},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "deadline-passed", "target-tier"],
    ),
    "tier-not-given": (
        {"deadline_year": 2027},
        {},
        Verdict.MAY_APPLY,
        ["scope-national", "deadline-running", "target-tier-unknown"],
    ),
    "other-tier": (
        {"deadline_year": 2027},
        {"tier": "innovative"},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "deadline-running", "target-tier-other"],
    ),
    "no-tier-yet": (
        {"deadline_year": 2027},
        {"tier": NO_TIER},
        Verdict.DOES_NOT_APPLY,
        ["scope-national", "deadline-running", "target-tier-other"],
    ),
    "no-deadline-reads-the-period": (
        {"deadline_year": None},
        {"tier": "little_giant"},
        Verdict.MAY_APPLY,
        ["scope-national", "period-unknown", "target-tier"],
    ),
}


@pytest.mark.parametrize("case", sorted(TARGET_CASES))
def test_target_rules(case):
    target_fields, fact_fields, verdict, keys = TARGET_CASES[case]
    target = PolicyTargetFactory(tier="little_giant", **target_fields)
    match = match_target(facts_with(**fact_fields), target, YEAR)
    assert (match.verdict, match.keys) == (verdict, keys)


def test_only_targets_that_count_a_tier_are_matched():
    policy = PolicyFactory()
    PolicyTargetFactory(initiative=policy, tier="innovative", slug="counted")
    PolicyTargetFactory(initiative=policy, tier="", slug="not-a-tier")
    matches = match_all(Facts(tier="innovative"), matchable_policies(), YEAR)
    assert [(m.policy, m.target and m.target.slug) for m in matches] == [
        (policy, None),
        (policy, "counted"),
    ]


def test_an_enterprise_gives_what_the_directory_knows():
    section = IndustryFactory(code="C")
    division = Industry.objects.create(
        code="39", level=Industry.Level.DIVISION, parent=section, name_en="Computers"
    )
    enterprise = EnterpriseFactory(industry=division, size="", listed=None)
    facts = Facts.of_enterprise(
        type(enterprise)
        .objects.select_related("industry__parent__parent__parent")
        .get(pk=enterprise.pk)
    )
    assert facts == Facts(region=enterprise.region, industry=section)


def test_a_recognised_listed_enterprise_gives_its_tier_size_and_listing():
    enterprise = EnterpriseFactory(size="small", listed=True)
    RecognitionFactory(enterprise=enterprise, tier="specialized", year=YEAR - 1)
    enterprise.refresh_tier()
    facts = Facts.of_enterprise(enterprise)
    assert (facts.tier, facts.size, facts.listed) == ("specialized", "small", True)


def test_reasons_are_in_the_readers_language():
    policy = policy_with(**IN_FORCE, eligible_tiers=["little_giant"])
    with translation.override("en"):
        english = match_policy(Facts(), policy, YEAR).reasons[-1].text
    with translation.override("zh-hans"):
        chinese = match_policy(Facts(), policy, YEAR).reasons[-1].text
    assert "tier not given" in english
    assert "小巨人" in chinese and chinese != english


class TestCriteriaRules:
    def test_criteria_need_a_source(self):
        policy = PolicyFactory.build(eligible_tiers=["little_giant"])
        with pytest.raises(ValidationError) as raised:
            policy.full_clean()
        assert "criteria_source" in raised.value.message_dict

    def test_a_note_needs_a_source_too(self):
        policy = PolicyFactory.build(criteria_note_en="For little giants.")
        with pytest.raises(ValidationError) as raised:
            policy.full_clean()
        assert "criteria_source" in raised.value.message_dict

    @pytest.mark.parametrize("value", [["giant"], ["innovative", "innovative"], "innovative"])
    def test_tiers_are_known_tiers_once_each(self, value):
        policy = PolicyFactory.build(eligible_tiers=value, criteria_source=SourceFactory())
        with pytest.raises(ValidationError) as raised:
            policy.full_clean()
        assert "eligible_tiers" in raised.value.message_dict

    def test_no_policy_takes_the_matchers_address(self):
        policy = PolicyFactory.build(slug="match")
        with pytest.raises(ValidationError) as raised:
            policy.full_clean()
        assert "slug" in raised.value.message_dict


URL = "/en/policies/match/"


def page(client, url=URL, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return response, response.content.decode()


def group_of(response, policy, target=None):
    """The verdict under which the page lists a policy (or one of its targets)."""
    found = [
        verdict
        for verdict, matches in response.context["groups"]
        for match in matches
        if match.policy == policy and match.target == target
    ]
    assert len(found) == 1
    return found[0]


class TestPage:
    def test_reverses_to_its_address(self):
        assert reverse("enterprises:policy-match") == "/policies/match/"

    def test_without_facts_it_shows_the_form_only(self, client):
        PolicyFactory()
        response, body = page(client)
        assert "groups" not in response.context
        assert 'name="tier"' in body and "Choose at least one fact" in body

    def test_groups_answers_with_their_reasons_and_links(self, client):
        applies = policy_with(**IN_FORCE, eligible_tiers=["little_giant"])
        may = policy_with(**IN_FORCE)
        does_not = policy_with(**IN_FORCE, eligible_tiers=["innovative"])
        response, body = page(client, tier="little_giant")
        assert group_of(response, applies) == Verdict.APPLIES
        assert group_of(response, may) == Verdict.MAY_APPLY
        assert group_of(response, does_not) == Verdict.DOES_NOT_APPLY
        assert body.index(applies.title) < body.index(may.title) < body.index(does_not.title)
        assert f'href="{applies.get_absolute_url()}"' in body
        assert "Who it is for is not recorded" in body
        assert "an indication, not a decision" in body
        # "does not apply" is collapsed
        assert body.index("<details>") < body.index(does_not.title)
        assert body.index(may.title) < body.index("<details>")

    def test_cites_the_sources_of_the_criteria(self, client):
        policy = policy_with(**IN_FORCE, eligible_tiers=["little_giant"])
        source = policy.criteria_source
        source.url = "https://example.org/criteria"
        source.save()
        _response, body = page(client, tier="innovative")
        assert body.count('href="https://example.org/criteria"') == 2  # the policy, the list

    def test_drafts_are_never_matched(self, client):
        draft = PolicyFactory(status=Status.DRAFT, title_en="Draft policy")
        PolicyTargetFactory(initiative=draft, tier="innovative")
        PolicyFactory(status=Status.REVIEW, title_en="Policy in review")
        response, body = page(client, tier="innovative")
        assert "Draft policy" not in body and "Policy in review" not in body
        assert all(
            m.policy.status == Status.PUBLISHED
            for _v, ms in response.context["groups"]
            for m in ms
        )

    def test_a_target_is_answered_apart_from_its_initiative(self, client):
        policy = policy_with(**LIAONING, **IN_FORCE)
        target = PolicyTargetFactory(initiative=policy, tier="little_giant", deadline_year=2099)
        response, body = page(client, region="21", tier="little_giant")
        assert group_of(response, policy) == Verdict.MAY_APPLY
        assert group_of(response, policy, target) == Verdict.APPLIES
        assert "This target counts" in body

    def test_given_facts_are_shown_and_unknown_ones_named(self, client):
        RegionFactory(code="21", name_en="Liaoning")
        _response, body = page(client, region="21")
        assert "Liaoning" in body and "not given or not known" in body

    def test_in_chinese_at_the_unprefixed_address(self, client):
        policy_with(**IN_FORCE, eligible_tiers=["little_giant"])
        response, body = page(client, "/policies/match/", tier="innovative")
        assert '<html lang="zh-Hans">' in body
        (reason,) = [
            r for _v, ms in response.context["groups"] for m in ms for r in m.reasons
            if r.key == "tier-other"
        ]  # fmt: skip
        # The tiers are named in Chinese (the sentences follow once their messages are merged).
        assert "“小巨人”企业" in reason.text and "创新型中小企业" in reason.text
        assert reason.text in body

    def test_repeated_parameters_read_the_last(self, client):
        response = client.get(URL + "?tier=bogus&tier=innovative")
        assert response.status_code == 200
        assert response.context["facts"].tier == "innovative"


class TestFromAnEnterprise:
    def test_the_enterprise_page_links_to_its_matches(self, client):
        enterprise = EnterpriseFactory()
        body = client.get(enterprise.get_absolute_url()).content.decode()
        assert f'href="/policies/match/?enterprise={enterprise.slug}"' in body

    def test_starts_from_what_the_directory_records(self, client):
        region = RegionFactory(code="21")
        enterprise = EnterpriseFactory(region=region, size="small", listed=False)
        RecognitionFactory(
            enterprise=enterprise, tier="little_giant", level="national", year=YEAR - 1
        )
        enterprise.refresh_tier()
        policy = policy_with(**LIAONING, **IN_FORCE, eligible_tiers=["little_giant"])
        response, body = page(client, enterprise=enterprise.slug)
        assert response.context["facts"] == Facts(
            region=region,
            industry=enterprise.industry,
            tier="little_giant",
            size="small",
            listed=False,
        )
        assert group_of(response, policy) == Verdict.APPLIES
        assert enterprise.name_en in body

    def test_a_fact_given_replaces_the_recorded_one(self, client):
        enterprise = EnterpriseFactory(size="")
        response, _body = page(client, enterprise=enterprise.slug, size="medium")
        assert response.context["facts"].size == "medium"

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.ARCHIVED])
    def test_an_unpublished_enterprise_is_refused(self, client, status):
        enterprise = EnterpriseFactory(status=status)
        response, body = page(client, enterprise=enterprise.slug)
        assert "groups" not in response.context
        assert "No published enterprise" in body

    def test_a_draft_enterprise_page_has_no_link(self, staff_client):
        enterprise = EnterpriseFactory(status=Status.DRAFT)
        body = staff_client.get(enterprise.get_absolute_url()).content.decode()
        assert "/policies/match/" not in body


class TestBadInput:
    @pytest.mark.parametrize(
        "query",
        [
            {"region": "99"},
            {"region": "9" * 400},
            {"region": "liaoning"},
            {"industry": "ZZ"},
            {"industry": "39"},  # a division, not a section
            {"tier": "bogus"},
            {"tier": "1e999"},
            {"size": "huge"},
            {"listing": "maybe"},
            {"enterprise": "x" * 5000},
            {"enterprise": "no-such-firm"},
            {"enterprise": "非法"},
        ],
    )
    def test_is_a_form_error_on_the_page(self, client, query):
        IndustryFactory(code="C")
        response = client.get(URL, query)
        assert response.status_code == 200
        assert "groups" not in response.context
        assert response.context["form"].errors
        assert 'role="alert"' in response.content.decode()
        assert "no-store" in response.get("Cache-Control", "") or "max-age=0" in response.get(
            "Cache-Control", ""
        )

    def test_a_nul_character_is_a_clear_400(self, client):
        response = client.get(URL, {"tier": "innovative\x00"})
        assert response.status_code == 400
        assert "NUL" in response.content.decode()


class TestQueries:
    def policies(self, n):
        sections = [IndustryFactory(code=code) for code in "CI"]
        source = SourceFactory()
        for i in range(n):
            policy = PolicyFactory(
                scope="regional" if i % 2 else "national",
                region=RegionFactory(code="21") if i % 2 else None,
                eligible_tiers=["little_giant"],
                criteria_source=source,
            )
            policy.eligible_industries.set(sections)
            PolicyTargetFactory(initiative=policy, tier="little_giant")
            PolicyTargetFactory(initiative=policy, tier="")

    def count(self, client, **query):
        with CaptureQueriesContext(connection) as queries:
            page(client, **query)
        return len(queries)

    # The policies, their industries and tiered targets (3); the form's regions and sections
    # (2); each region or section given, read by its code (1 each); the enterprise (1).
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"tier": "little_giant", "region": "21", "industry": "C"}, 7),
            ({"size": "small"}, 5),
        ],
    )
    def test_fixed_whatever_the_number_of_policies(
        self, client, query, expected, django_assert_num_queries
    ):
        self.policies(2)
        few = self.count(client, **query)
        self.policies(10)
        assert self.count(client, **query) == few
        with django_assert_num_queries(expected):
            page(client, **query)

    def test_from_an_enterprise(self, client, django_assert_num_queries):
        self.policies(5)
        enterprise = EnterpriseFactory()
        with django_assert_num_queries(6):
            page(client, enterprise=enterprise.slug)


@pytest.fixture
def directory(db):
    """The whole curated directory, documents included (their policies hold the criteria)."""
    return load_directory(default_fixture_paths())


class TestCurated:
    def test_little_giant_support_applies_to_a_little_giant(self, client, directory):
        support = PolicyInitiative.objects.get(
            slug="little-giant-high-quality-development-support"
        )
        response, body = page(client, tier="little_giant")
        assert group_of(response, support) == Verdict.APPLIES
        assert "China.org.cn" in body or support.criteria_source.publisher in body

    def test_the_champion_programme_asks_for_an_industry(self, client, directory):
        programme = PolicyInitiative.objects.get(slug="manufacturing-single-champion-programme")
        response, _body = page(client, tier="champion")
        assert group_of(response, programme) == Verdict.MAY_APPLY
        # Manufacturing is all its criteria say; which tiers it is for, they do not.
        response, _body = page(client, tier="none", industry="C", size="small")
        assert group_of(response, programme) == Verdict.MAY_APPLY
        response, _body = page(client, industry="I")
        assert group_of(response, programme) == Verdict.DOES_NOT_APPLY

    def test_an_ended_plan_and_its_targets_do_not_apply(self, client, directory):
        plan = PolicyInitiative.objects.get(slug="miit-little-giant-cultivation-goal-2022")
        target = plan.targets.get(slug="little-giants")
        response, _body = page(client, tier="little_giant")
        assert group_of(response, plan) == Verdict.DOES_NOT_APPLY
        assert group_of(response, plan, target) == Verdict.DOES_NOT_APPLY

    def test_regional_policies_follow_the_region(self, client, directory):
        chongqing = PolicyInitiative.objects.get(
            slug="liangjiang-little-giant-cultivation-services"
        )
        response, _body = page(client, region="50")
        assert group_of(response, chongqing) == Verdict.MAY_APPLY
        response, _body = page(client, region="11")
        assert group_of(response, chongqing) == Verdict.DOES_NOT_APPLY

    def test_policies_without_criteria_at_most_may_apply(self, client, directory):
        response, _body = page(client, region="44", tier="little_giant", size="small",
                               listing="unlisted", industry="C")  # fmt: skip
        applies = dict(response.context["groups"])[Verdict.APPLIES]
        assert applies
        assert all(m.target or m.policy.states_criteria() for m in applies)

    def test_from_a_curated_enterprise(self, client, directory):
        enterprise = EnterpriseFactory._meta.model.objects.published().first()
        response, _body = page(client, enterprise=enterprise.slug)
        assert response.context["enterprise"] == enterprise
        assert response.context["facts"].region == enterprise.region


@pytest.mark.parametrize(
    "city, region, verdict, key",
    [
        (("深圳",), "44", Verdict.APPLIES, "scope-city"),
        (("Shenzhen City",), "44", Verdict.APPLIES, "scope-city"),
        (("广州", "Guangzhou"), "44", Verdict.DOES_NOT_APPLY, "scope-other-city"),
        ((), "44", Verdict.MAY_APPLY, "scope-city-unknown"),
        (("深圳",), "21", Verdict.DOES_NOT_APPLY, "scope-other-region"),
    ],
)
def test_a_city_policy_covers_its_city_only(city, region, verdict, key):
    policy = policy_with(
        region="44",
        scope="regional",
        city_zh_hans="深圳市",
        city_en="Shenzhen",
        eligible_tiers=["little_giant"],
        **IN_FORCE,
    )
    facts = Facts(region=RegionFactory(code=region), city=city, tier="little_giant")
    match = match_policy(facts, policy, YEAR)
    assert (match.verdict, match.keys[0]) == (verdict, key)
    assert "深圳" in match.reasons[0].text or "Shenzhen" in match.reasons[0].text


def test_an_enterprise_brings_its_city_unless_another_region_is_given(client, db):
    region = RegionFactory(code="44")
    firm = EnterpriseFactory(region=region, city_zh_hans="广州", city_en="Guangzhou")
    shenzhen = PolicyFactory(
        scope="regional", region=region, city_zh_hans="深圳", city_en="Shenzhen", stage="in_force"
    )

    def scope(params):
        response = client.get("/en/policies/match/", params)
        (found,) = [
            match.reasons[0].key
            for _verdict, matches in response.context["groups"]
            for match in matches
            if match.policy == shenzhen and match.target is None
        ]
        return found

    assert scope({"enterprise": firm.slug}) == "scope-other-city"
    assert scope({"enterprise": firm.slug, "region": "44"}) == "scope-other-city"
    RegionFactory(code="21")
    assert scope({"enterprise": firm.slug, "region": "21"}) == "scope-other-region"
