"""Search in Chinese, English and pinyin; the same expectations on SQLite and PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise, Product, Recognition, Status, Tier
from enterprises.search import backends, engine
from enterprises.search.text import parse_query
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    ExhibitionFactory,
    IndustryFactory,
    ProductFactory,
    RecognitionFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def curated(curated):
    """The curated directory, with Chinese names for the two firms the article names in
    English only (as an editor would add them once a source states them): the search
    cases below type them in Chinese and pinyin."""
    for slug, name in (("zte", "中兴通讯股份有限公司"), ("weichai-power", "潍柴动力股份有限公司")):
        firm = Enterprise.objects.get(slug=slug)
        firm.name_zh_hans = name
        firm.save()
    return curated


def found(query, kind):
    return [obj.slug for obj in engine.results(engine.KINDS_BY_KEY[kind], parse_query(query))]


@pytest.fixture
def gears(db):
    """Factory data in both languages, beside the curated directory."""
    region = RegionFactory(code="32", slug="jiangsu", name_zh_hans="江苏", name_en="Jiangsu")
    maker = EnterpriseFactory(
        slug="suzhou-precision-gears",
        name_zh_hans="苏州精密齿轮有限公司",
        name_en="Suzhou Precision Gears Co., Ltd.",
        summary_zh_hans="为工业机器人生产精密减速齿轮。",
        summary_en="Makes precision reduction gears for industrial robots.",
        description_en="Founded by engineers from a valve works; exports to Germany.",
        region=region,
        city_zh_hans="苏州",
        city_en="Suzhou",
    )
    ProductFactory(
        enterprise=maker,
        slug="harmonic-reducer",
        name_zh_hans="谐波减速器",
        name_en="Harmonic reducer",
        summary_en="A compact gearbox for robot joints.",
        category_en="Gearboxes",
    )
    return maker


# What each way of typing finds -----------------------------------------------------------

CASES = [
    # Chinese: words found whatever the segmentation, two-character words included
    ("机器人", "product", ["wall-climbing-inspection-cleaning-robot", "zte-robotic-dog"]),
    ("机器人", "enterprise", ["beijing-tri-tech", "suzhou-precision-gears"]),
    ("外骨骼", "product", ["passive-wearable-exoskeleton"]),
    ("外骨骼", "enterprise", ["sysmed-china"]),
    ("中兴", "enterprise", ["zte"]),
    ("中兴", "product", ["zte-robotic-dog"]),
    ("潍坊", "enterprise", ["weichai-power"]),
    (
        "沈阳",
        "exhibition",
        ["sme-development-conference-shenyang-2023", "global-industrial-internet-conference-2021"],
    ),
    ("安徽", "policy", ["anhui-specialized-enterprise-targets-2025"]),
    (
        "小巨人",
        "policy",
        ["anhui-specialized-enterprise-targets-2025", "beijing-stock-exchange-listing-channel"],
    ),
    ("齿轮", "enterprise", ["suzhou-precision-gears"]),
    ("减速器", "product", ["harmonic-reducer"]),
    # English: case-insensitive, word forms
    ("exoskeleton", "product", ["passive-wearable-exoskeleton"]),
    ("EXOSKELETONS", "product", ["passive-wearable-exoskeleton"]),
    ("cleaning", "product", ["wall-climbing-inspection-cleaning-robot"]),
    ("cleaned", "product", ["wall-climbing-inspection-cleaning-robot"]),
    ("gear", "enterprise", ["suzhou-precision-gears"]),
    ("gearboxes", "product", ["harmonic-reducer"]),
    ("weifang", "enterprise", ["weichai-power"]),
    ("Anhui targets", "policy", ["anhui-specialized-enterprise-targets-2025"]),
    ("harmonic reducer", "product", ["harmonic-reducer"]),
    # pinyin: full, spaced, initials, prefixes
    ("zhongxing", "enterprise", ["zte"]),
    ("zhong xing", "enterprise", ["zte"]),
    ("ZhongXingTongXun", "enterprise", ["zte"]),
    ("zxtx", "enterprise", ["zte"]),
    ("zhongxingt", "enterprise", ["zte"]),
    ("weichai dongli", "enterprise", ["weichai-power"]),
    ("wcdl", "enterprise", ["weichai-power"]),
    ("jingmi chilun", "enterprise", ["suzhou-precision-gears"]),
    ("szjmcl", "enterprise", ["suzhou-precision-gears"]),
    ("xiebo", "product", ["harmonic-reducer"]),
    # mixed languages in one query
    ("中兴 robotic", "product", ["zte-robotic-dog"]),
    ("suzhou 齿轮", "enterprise", ["suzhou-precision-gears"]),
    # things that must not match
    ("齿轮", "exhibition", []),
    ("阀门", "enterprise", []),
    ("exoskeleton", "enterprise", ["sysmed-china"]),
    ("zhongxiong", "enterprise", []),
]


@pytest.mark.parametrize(("query", "kind", "expected"), CASES)
def test_search_finds(curated, gears, query, kind, expected):
    assert sorted(found(query, kind)) == sorted(expected)


def test_two_character_words_match_inside_longer_ones(curated):
    # 中兴 sits inside 中兴通讯股份有限公司; 通讯 in the middle of it is found too.
    assert found("通讯", "enterprise") == ["zte"]


def test_search_page_groups_results_by_kind_with_counts(client, curated):
    response = client.get("/en/search/?q=robot")
    counts = {kind.key: n for kind, n, _capped in response.context["counts"]}
    assert counts == {"enterprise": 3, "product": 3, "policy": 0, "exhibition": 0}
    assert response.context["total"] == 6
    html = response.content.decode()
    assert "Enterprises (3)" in html and "Products (3)" in html


def test_matched_words_are_highlighted_in_title_and_snippet(client, curated):
    html = client.get("/en/search/?q=robot&kind=product").content.decode()
    assert "<mark>Robotic</mark> dog" in html
    assert "cleaning <mark>robot</mark>" in html
    html = client.get("/search/?q=外骨骼&kind=product").content.decode()
    assert "无动力可穿戴<mark>外骨骼</mark>" in html


def test_kind_view_is_paginated(client, db):
    for i in range(25):
        EnterpriseFactory(name_en=f"Valve Maker {i}", name_zh_hans=f"阀门厂{i}", slug=f"valve-{i}")
    first = client.get("/en/search/?q=valve&kind=enterprise")
    assert first.context["paginator"].count == 25
    assert len(first.context["hits"]) == 20
    assert "page=2" in first.content.decode()
    second = client.get("/en/search/?q=valve&kind=enterprise&page=2")
    assert len(second.context["hits"]) == 5


# Ranking -----------------------------------------------------------


def test_name_match_ranks_above_summary_above_body(db):
    maker = EnterpriseFactory(name_en="Widget Works", name_zh_hans="部件厂")
    in_body = ProductFactory(
        enterprise=maker,
        name_en="Pump A",
        summary_en="",
        description_en="A hydraulic part, not a flange; a flange fitter "
        "uses flange flange flange.",
        slug="in-body",
    )
    in_summary = ProductFactory(
        enterprise=maker, name_en="Pump B", summary_en="Has a flange.", slug="in-summary"
    )
    in_name = ProductFactory(enterprise=maker, name_en="Flange C", slug="in-name")
    for query in ("flange", "flanges"):
        assert found(query, "product") == [in_name.slug, in_summary.slug, in_body.slug]


def test_list_search_is_ranked_unless_another_order_is_chosen(client, db):
    EnterpriseFactory(slug="a-summary", name_en="Alpha", summary_en="Sells turbines.")
    EnterpriseFactory(slug="b-name", name_en="Turbine Beta")
    ranked = client.get("/en/enterprises/?q=turbine")
    assert [e.slug for e in ranked.context["object_list"]] == ["b-name", "a-summary"]
    by_name = client.get("/en/enterprises/?q=turbine&sort=name")
    assert [e.slug for e in by_name.context["object_list"]] == ["a-summary", "b-name"]


# The index stays in sync -----------------------------------------------------------


def test_a_new_entry_is_found_at_once(db):
    EnterpriseFactory(name_en="Quasar Optics", name_zh_hans="类星光学", slug="quasar")
    assert found("quasar", "enterprise") == ["quasar"]
    assert found("类星", "enterprise") == ["quasar"]


def test_a_renamed_entry_is_found_by_its_new_name_only(db):
    enterprise = EnterpriseFactory(name_en="Old Lantern", name_zh_hans="旧灯笼", slug="lantern")
    enterprise.name_en, enterprise.name_zh_hans = "Bright Beacon", "明亮灯塔"
    enterprise.save()
    assert found("lantern", "enterprise") == []
    assert found("灯笼", "enterprise") == []
    assert found("beacon", "enterprise") == [enterprise.slug]
    assert found("灯塔", "enterprise") == [enterprise.slug]


def test_a_deleted_entry_is_gone(db):
    enterprise = EnterpriseFactory(name_en="Ephemeral Labs", slug="ephemeral")
    enterprise.delete()
    assert found("ephemeral", "enterprise") == []


def test_an_unpublished_entry_is_not_found(client, db):
    enterprise = EnterpriseFactory(name_en="Hidden Hydraulics", slug="hidden")
    enterprise.status = Status.DRAFT
    enterprise.save()
    assert found("hydraulics", "enterprise") == []
    assert client.get("/en/search/?q=hydraulics").context["total"] == 0


def test_products_of_an_unpublished_maker_are_not_found(db):
    product = ProductFactory(name_en="Orphan Sprocket")
    Enterprise.objects.filter(pk=product.enterprise_id).update(status=Status.DRAFT)
    assert found("sprocket", "product") == []


def test_a_product_is_found_by_its_makers_new_name(db):
    product = ProductFactory(name_en="Servo", enterprise=EnterpriseFactory(name_en="Acme"))
    maker = product.enterprise
    maker.name_en = "Zenith Motion"
    maker.save()
    assert found("zenith", "product") == [product.slug]


def test_a_renamed_region_is_found_in_its_enterprises(db):
    region = RegionFactory(code="46", slug="hainan", name_en="Hainan", name_zh_hans="海南")
    enterprise = EnterpriseFactory(region=region)
    region.name_en = "Hainan Island"
    region.save()
    assert enterprise.slug in found("island", "enterprise")


def test_a_new_little_giant_is_found_by_its_tier(db):
    enterprise = EnterpriseFactory(slug="giant")
    assert "giant" not in found("小巨人", "enterprise")
    RecognitionFactory(
        enterprise=enterprise, tier=Tier.LITTLE_GIANT, level=Recognition.Level.NATIONAL
    )
    assert found("小巨人", "enterprise") == ["giant"]


def test_fixture_loads_index_what_they_load(curated):
    assert found("wall climbing", "product") == ["wall-climbing-inspection-cleaning-robot"]


def test_rebuild_search_index_restores_documents(curated):
    Enterprise.objects.update(search_name="", search_summary="", search_body="")
    assert found("zhongxing", "enterprise") == []
    call_command("rebuild_search_index", verbosity=0)
    assert found("zhongxing", "enterprise") == ["zte"]


def test_rebuild_missing_fills_only_empty_documents(curated):
    Product.objects.filter(slug="zte-robotic-dog").update(search_name="")
    call_command("rebuild_search_index", "--missing", verbosity=0)
    assert found("robotic dog", "product") == ["zte-robotic-dog"]


# Misspellings and substrings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("exoskelton", "passive-wearable-exoskeleton"),
        ("exoskeletn", "passive-wearable-exoskeleton"),
        ("skeleton", "passive-wearable-exoskeleton"),
        ("clening", "wall-climbing-inspection-cleaning-robot"),
    ],
)
def test_misspelt_searches_find_the_close_word(client, curated, typed, expected):
    response = client.get(f"/en/search/?q={typed}&kind=product")
    assert expected in [hit.obj.slug for hit in response.context["hits"]]
    assert "close spellings" in response.content.decode()


def test_exact_matches_are_not_corrected(client, curated):
    response = client.get("/en/search/?q=robot")
    assert "corrections" not in response.context


# Facet counts -----------------------------------------------------------


@pytest.fixture
def facet_data(db):
    liaoning = RegionFactory(code="21", slug="liaoning")
    anhui = RegionFactory(code="34", slug="anhui")
    industry_c = IndustryFactory(code="C")
    industry_i = IndustryFactory(code="I", name_en="IT", name_zh_hans="信息")
    fair = ExhibitionFactory(slug="fair")
    rows = [
        # region, industry, tier, exchange, size, exhibits at fair
        (liaoning, industry_c, Tier.LITTLE_GIANT, "bse", "small", True),
        (liaoning, industry_c, Tier.SPECIALIZED, "", "small", True),
        (liaoning, industry_i, Tier.SPECIALIZED, "", "medium", False),
        (anhui, industry_c, Tier.SPECIALIZED, "szse", "micro", False),
        (anhui, industry_i, "", "", "micro", True),
    ]
    tickers = iter(["920002", "300750"])
    for region, industry, tier, exchange, size, exhibits in rows:
        enterprise = EnterpriseFactory(
            region=region,
            industry=industry,
            size=size,
            exchange=exchange,
            listed=bool(exchange),
            ticker=next(tickers) if exchange else "",
            name_en="Facet Firm",
            name_zh_hans="分面企业",
        )
        if tier:
            RecognitionFactory(
                enterprise=enterprise,
                tier=tier,
                level="national" if tier == Tier.LITTLE_GIANT else "provincial",
            )
        if exhibits:
            ExhibitFactory(exhibition=fair, product=ProductFactory(enterprise=enterprise))
    EnterpriseFactory(region=liaoning, status=Status.DRAFT)  # never counted
    return {
        "liaoning": liaoning.pk,
        "anhui": anhui.pk,
        "C": industry_c.pk,
        "I": industry_i.pk,
        "fair": fair.pk,
    }


def named(counts, ids):
    return {name: counts.get(str(pk), 0) for name, pk in ids.items()}


def test_facet_counts_without_filters(client, facet_data):
    counts = client.get("/en/enterprises/").context["facet_counts"]
    assert named(
        counts["region"], {"liaoning": facet_data["liaoning"], "anhui": facet_data["anhui"]}
    ) == {"liaoning": 3, "anhui": 2}
    assert named(counts["industry"], {"C": facet_data["C"], "I": facet_data["I"]}) == {
        "C": 3,
        "I": 2,
    }
    assert counts["tier"] == {"little_giant": 1, "specialized": 3, "": 1}
    assert counts["listed"] == {"yes": 2, "no": 3}
    assert counts["exchange"] == {"bse": 1, "szse": 1, "": 3}
    assert counts["size"] == {"small": 2, "medium": 1, "micro": 2}
    assert counts["exhibition"] == {str(facet_data["fair"]): 3}


def test_facet_counts_follow_the_other_filters(client, facet_data):
    counts = client.get("/en/enterprises/?region=liaoning&tier=specialized").context[
        "facet_counts"
    ]
    # Each facet counts under the other filters, ignoring its own.
    assert named(
        counts["region"], {"liaoning": facet_data["liaoning"], "anhui": facet_data["anhui"]}
    ) == {"liaoning": 2, "anhui": 1}
    assert counts["tier"] == {"little_giant": 1, "specialized": 2}
    assert counts["size"] == {"small": 1, "medium": 1}
    assert counts["listed"] == {"no": 2}
    assert counts["exhibition"] == {str(facet_data["fair"]): 1}


def test_facet_counts_follow_a_search(client, facet_data):
    EnterpriseFactory(name_en="Unrelated", name_zh_hans="无关")
    counts = client.get("/en/enterprises/?q=facet").context["facet_counts"]
    assert sum(counts["size"].values()) == 5


def test_counts_appear_in_the_choices(client, facet_data):
    html = client.get("/en/enterprises/?region=liaoning").content.decode()
    assert '<option value="specialized">Specialized and sophisticated SME (2)</option>' in html
    assert '<option value="anhui">' in html and "(2)</option>" in html


def test_facets_are_two_queries_whatever_the_filters(facet_data, django_assert_num_queries):
    """Uncached: the facet cube (or the list's size) and one query for the other counts."""
    from django.http import QueryDict

    for query in ("", "region=liaoning&tier=specialized&q=facet&listed=no&size=small"):
        filterset = EnterpriseFilter(QueryDict(query), queryset=Enterprise.objects.published())
        filterset.is_valid()
        with django_assert_num_queries(2):
            filterset.facet_counts()


# Suggestions -----------------------------------------------------------


def test_suggestions_as_json(client, curated):
    data = client.get("/en/search/suggest", {"q": "zho"}).json()
    assert data["suggestions"][0] == {
        "name": "ZTE Corporation",
        "kind": "enterprise",
        "label": "Enterprise",
        "url": "/en/enterprises/zte/",
    }
    chinese = client.get("/search/suggest", {"q": "外骨"}).json()
    assert chinese["suggestions"][0]["url"] == "/products/passive-wearable-exoskeleton/"
    assert chinese["suggestions"][0]["label"] == "产品"


def test_suggestions_match_names_only(client, curated):
    # "pendulum" is only in the exoskeleton's description.
    assert client.get("/en/search/suggest", {"q": "pendulum"}).json()["suggestions"] == []


def test_suggestions_are_at_most_eight(client, db):
    for i in range(12):
        EnterpriseFactory(name_en=f"Nova {i}", slug=f"nova-{i}")
        ProductFactory(name_en=f"Nova part {i}", slug=f"nova-part-{i}")
    assert len(client.get("/en/search/suggest", {"q": "nova"}).json()["suggestions"]) == 8


# Bad input -----------------------------------------------------------

BAD_QUERIES = [
    "",
    "   ",
    "\t\n",
    "x" * 1200,
    "机器人" * 400,
    '"robot',
    'robot"',
    "robot*",
    "*",
    "**",
    "robot OR dog",
    "OR",
    "AND",
    "NOT robot",
    "NEAR(robot dog)",
    "robot NEAR/3 dog",
    "(robot",
    "robot)",
    "()",
    "name:robot",
    "search_name:robot",
    "{search_name}: robot",
    ":",
    "^robot",
    "-robot",
    "+robot",
    "robot & dog | !cat",
    "robot <-> dog",
    "'robot':*",
    "'; DROP TABLE enterprises_enterprise; --",
    "1' OR '1'='1",
    "robot\\",
    "%",
    "_",
    "🤖🚀",
    "robot 🤖",
    "\x01\x02\x1b",
    "robot\x7f",
    "\u202e\u200b",
    "\ufeff中兴",
    "ℤ𝕋𝔼",
    "Ｚｈｏｎｇｘｉｎｇ",
    "%ED%B3%BF%FF",
]


@pytest.mark.parametrize("url", ["/search/", "/en/search/", "/en/enterprises/", "/products/"])
def test_bad_input_gets_a_clear_page(client, curated, url):
    failures = []
    for query in BAD_QUERIES:
        response = client.get(url, {"q": query})
        if response.status_code != 200 or b"<h1" not in response.content:
            failures.append((query[:40], response.status_code))
    assert failures == []


def test_bad_input_to_suggestions_gets_json(client, curated):
    failures = []
    for query in BAD_QUERIES:
        response = client.get("/search/suggest", {"q": query})
        if response.status_code != 200 or not isinstance(response.json()["suggestions"], list):
            failures.append((query[:40], response.status_code))
    assert failures == []


@pytest.mark.parametrize("url", ["/search/", "/search/suggest", "/enterprises/"])
def test_invalid_utf8_in_the_address_is_tolerated(client, curated, url):
    response = client.get(f"{url}?q=%ED%B3%BF%FF%C0robot")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/search/?q=%00", "/search/suggest?q=%00robot", "/search/?q=a%00b"]
)
def test_nul_characters_are_refused_clearly(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode() or "空字符" in response.content.decode()


def test_empty_search_invites_a_query(client, db):
    html = client.get("/en/search/?q=").content.decode()
    assert "Type a name, a product, a place or a policy." in html


def test_unsearchable_input_is_explained(client, db):
    html = client.get("/en/search/", {"q": "🤖"}).content.decode()
    assert "There is nothing to search for in what you typed" in html


def test_long_query_is_cut_and_says_so(client, curated):
    response = client.get("/en/search/", {"q": "robot " + "x" * 1200})
    assert "only its beginning was used" in response.content.decode()


def test_operators_are_plain_words(curated):
    assert found("robot OR exoskeleton", "product") == []
    assert found('"wall climbing"', "product") == ["wall-climbing-inspection-cleaning-robot"]


# Query counts -----------------------------------------------------------


@pytest.mark.parametrize("window", [1_000, 2])
@pytest.mark.parametrize("size", [2, 9])
def test_search_query_counts_do_not_grow(
    client, db, django_assert_num_queries, monkeypatch, size, window
):
    monkeypatch.setattr(engine, "RANK_WINDOW", window)  # 2: every search is windowed
    for i in range(size * 3):
        maker = EnterpriseFactory(name_en=f"Gizmo Works {i}", slug=f"gizmo-{i}")
        ProductFactory(enterprise=maker, name_en=f"Gizmo {i}", slug=f"gizmo-part-{i}")
    with django_assert_num_queries(3):  # counts (one query), two groups of results
        client.get("/en/search/?q=gizmo")
    with django_assert_num_queries(2):  # counts, one page
        client.get("/en/search/?q=gizmo&kind=product")
    with django_assert_num_queries(4):  # one query per kind
        client.get("/en/search/suggest?q=giz")


def test_facets_in_use_are_counted_beside_a_search_when_results_are_few(
    client, facet_data, settings
):
    settings.DIRECTORY_CACHE = True  # the cube of the version tells the directory's size
    counts = client.get("/en/enterprises/?q=facet&region=liaoning").context["facet_counts"]
    # Region is in use and the text filter is beyond the cube: counted from a bounded sample.
    assert named(
        counts["region"], {"liaoning": facet_data["liaoning"], "anhui": facet_data["anhui"]}
    ) == {"liaoning": 3, "anhui": 2}
    assert sum(counts["size"].values()) == 3


def test_in_a_large_directory_facets_in_use_beyond_the_cube_are_not_sampled(
    client, facet_data, settings, monkeypatch
):
    """A sample reads the rows under the other filters until it has 2,001: over a million
    rows with sparse filters that is a large part of the table, so big directories skip it
    (the choices show no numbers) while the facets not in use are still counted."""
    settings.DIRECTORY_CACHE = True
    monkeypatch.setattr(EnterpriseFilter, "SAMPLE_UP_TO", 2)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/enterprises/?q=facet&region=liaoning")
    counts = response.context["facet_counts"]
    assert counts["region"] is None
    assert sum(counts["size"].values()) == 3
    assert response.context["paginator"].count == 3
    # No query reads the enterprises under the filters other than the region.
    assert not any("LIMIT 2001) GROUP BY" in q["sql"] for q in queries.captured_queries)


# Bounded work for searches that match very many rows --------------------------------------


@pytest.fixture
def many_gears(db):
    """Ten enterprises that mention gears in their description only (the lowest keys), and
    one, created last, that has gears in its name."""
    body_only = [
        EnterpriseFactory(
            slug=f"body-{i}", name_en=f"Works {i}", description_en="We also cut gears."
        )
        for i in range(10)
    ]
    named = EnterpriseFactory(slug="gear-named", name_en="Gear Masters")
    return body_only, named


def test_counts_stop_at_the_ranking_window_and_say_so(client, many_gears, monkeypatch):
    monkeypatch.setattr(engine, "RANK_WINDOW", 4)
    counted = engine.counts(parse_query("gear"))
    assert (counted["enterprise"].n, counted["enterprise"].capped) == (4, True)
    assert (counted["product"].n, counted["product"].capped) == (0, False)
    html = client.get("/en/search/", {"q": "gear"}).content.decode()
    assert "Enterprises (4+)" in html
    assert "More than 4 results in Enterprises" in html
    response = client.get("/en/search/", {"q": "gear", "kind": "enterprise"})
    html = response.content.decode()
    assert "More than 4 results in Enterprises" in html
    assert "only 4 of them are listed, best first" in html
    assert response.context["paginator"].count == 4
    # The best of the window: on SQLite the name match, found through its column filter
    # though it has the highest key; PostgreSQL ranks the first four matches (InWindow).
    best = "gear-named" if connection.vendor == "sqlite" else "body-0"
    assert response.context["hits"][0].obj.slug == best


def test_counts_up_to_the_ranking_window_are_exact(client, many_gears, monkeypatch):
    monkeypatch.setattr(engine, "RANK_WINDOW", 11)
    counted = engine.counts(parse_query("gear"))
    assert (counted["enterprise"].n, counted["enterprise"].capped) == (11, False)
    html = client.get("/en/search/", {"q": "gear", "kind": "enterprise"}).content.decode()
    assert "11 results in Enterprises" in html and "listed, best first" not in html


def test_a_windowed_search_ranks_only_its_window(many_gears, monkeypatch):
    body_only, named = many_gears
    monkeypatch.setattr(engine, "RANK_WINDOW", 3)
    kind = engine.KINDS_BY_KEY["enterprise"]
    query = parse_query("gear")
    ranked = [e.slug for e in engine.results(kind, query, matches=engine.Counted(11))]
    if connection.vendor == "sqlite":
        # FTS5 finds name matches by column: the name match has the highest key, beyond
        # the first three matches, yet comes first; then the first three body matches.
        assert ranked == ["gear-named", "body-0", "body-1", "body-2"]
    else:
        # PostgreSQL ranks the first three matches only (see backends.InWindow).
        assert ranked == ["body-0", "body-1", "body-2"]


def test_the_bound_found_by_counting_leaves_the_window_unchanged(many_gears, monkeypatch):
    """counts() notes the largest key among the matches it counted; the window is taken
    below it (cheaply, on PostgreSQL) and holds the same rows as without it."""
    body_only, named = many_gears
    monkeypatch.setattr(engine, "RANK_WINDOW", 3)
    kind = engine.KINDS_BY_KEY["enterprise"]
    query = parse_query("gear")
    counted = engine.counts(query)["enterprise"]
    matching_keys = sorted(e.pk for e in [*body_only, named])
    assert counted.capped and counted.bound in matching_keys
    assert counted.bound >= matching_keys[engine.RANK_WINDOW - 1]
    with_bound = [e.slug for e in engine.results(kind, query, matches=counted)]
    without = [e.slug for e in engine.results(kind, query, matches=engine.Counted(3, True))]
    assert with_bound == without and len(without) == (4 if connection.vendor == "sqlite" else 3)
    # A bound below the window's last key would cut it short: the bound is honoured.
    cut = engine.Counted(3, True, bound=matching_keys[0])
    if connection.vendor == "postgresql":
        assert [e.slug for e in engine.results(kind, query, matches=cut)] == ["body-0"]


def test_a_name_match_inside_the_window_comes_first(db, monkeypatch):
    for i in range(6):
        EnterpriseFactory(slug=f"body-{i}", name_en=f"Works {i}", description_en="Gears too.")
        if i == 1:
            EnterpriseFactory(slug="gear-named", name_en="Gear Masters")
    monkeypatch.setattr(engine, "RANK_WINDOW", 3)
    kind = engine.KINDS_BY_KEY["enterprise"]
    ranked = [e.slug for e in engine.results(kind, parse_query("gear"), matches=engine.Counted(7))]
    assert ranked == ["gear-named", "body-0", "body-1"]


def test_a_window_as_large_as_the_matches_ranks_exactly(many_gears, monkeypatch):
    kind = engine.KINDS_BY_KEY["enterprise"]
    query = parse_query("gear")
    exact = [e.slug for e in engine.results(kind, query)]
    monkeypatch.setattr(engine, "RANK_WINDOW", 11)
    windowed = [e.slug for e in engine.results(kind, query, matches=engine.Counted(12))]
    assert windowed == exact and len(exact) == 11 and exact[0] == "gear-named"


def test_a_windowed_kind_pages_only_through_the_window_and_says_why(
    client, many_gears, monkeypatch
):
    monkeypatch.setattr(engine, "RANK_WINDOW", 3)
    response = client.get("/en/search/", {"q": "gear", "kind": "enterprise"})
    html = response.content.decode()
    assert "More than 3 results in Enterprises" in html
    assert "only 3 of them are listed, best first" in html
    assert len(response.context["hits"]) == 3
    assert response.context["paginator"].count == 3
    # Beyond the window there is no page: a clear 404, not a 500.
    assert (
        client.get("/en/search/", {"q": "gear", "kind": "enterprise", "page": 2}).status_code
        == 404
    )


def test_suggestions_are_taken_from_a_window_of_name_matches(client, many_gears, monkeypatch):
    def suggested():
        response = client.get("/en/search/suggest", {"q": "gear"})
        return [s["name"] for s in response.json()["suggestions"]]

    monkeypatch.setattr(engine, "RANK_WINDOW", 20)
    assert suggested() == ["Gear Masters"]  # names only, however many bodies match
    monkeypatch.setattr(engine, "RANK_WINDOW", 1)
    if connection.vendor == "sqlite":  # the first name match, found through the column filter
        assert suggested() == ["Gear Masters"]
    else:  # among the first match the index yields only (in no set order: heap order)
        first = backends.matching(Enterprise.objects.all(), parse_query("gear")).order_by()
        named = first.values_list("name_en", flat=True)[:1].get() == "Gear Masters"
        assert suggested() == (["Gear Masters"] if named else [])


# The tiers of the ranking ------------------------------------------------------------------


@pytest.fixture
def split_words(db):
    """Queries of two words, one in the name and the other only further down."""
    EnterpriseFactory(
        slug="split-1", name_en="Precision Works", summary_en="Makes reducers for robots."
    )
    EnterpriseFactory(
        slug="split-2", name_en="Reducer Works", description_en="Precision machining."
    )
    EnterpriseFactory(slug="split-3", name_zh_hans="精密机器人公司", summary_zh_hans="减速器")


@pytest.mark.parametrize(
    "raw",
    [
        "精密 减速器",
        "precision reducer",
        "reducer precision",
        "robot precision",
        "机器人",
        "精密",
        "减速器",
        "新材料",
        "沈阳",
        "robot",
        "robo",
        "gears",
        "precision reducer",
        "zhongxing",
        "zx",
        "jiqiren",
        "Liaoning",
        "specialized",
    ],
)
@pytest.mark.parametrize("model", [Enterprise, Product])
def test_ranking_tiers_are_the_index_matches_within_the_name_and_summary(
    curated, many_gears, split_words, raw, model
):
    """A row's tier (0: the whole query matches in its name; 1: in name and summary) is
    the same as what the search index finds within those columns."""
    query = parse_query(raw)
    queryset = model.objects.published()
    ranked = dict(
        backends.with_rank(backends.matching(queryset, query), query).values_list(
            "pk", "search_tier"
        )
    )
    in_name = set(
        backends.matching(queryset, query, backends.TIERS[0]).values_list("pk", flat=True)
    )
    in_summary = set(
        backends.matching(queryset, query, backends.TIERS[1]).values_list("pk", flat=True)
    )
    expected = {pk: 0 if pk in in_name else 1 if pk in in_summary else 2 for pk in ranked}
    assert ranked == expected


@pytest.mark.parametrize("kind", engine.KINDS, ids=lambda kind: kind.key)
def test_every_kind_has_its_own_search_hit_template(kind):
    from django.template.loader import get_template

    assert get_template(kind.hit_template).origin.name.endswith(f"{kind.key}.html")


def test_every_searchable_model_is_a_kind_of_result():
    """A new searchable model is searched, indexed and rebuilt only once it is a kind."""
    from enterprises.models.searchable import searchable_models

    assert {kind.model for kind in engine.KINDS} == set(searchable_models())
