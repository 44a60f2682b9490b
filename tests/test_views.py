import re

import pytest
from django.urls import reverse

from enterprises import views
from enterprises.models import Person, Statement, Status, Tier
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    ExhibitionFactory,
    IndicatorFactory,
    PolicyFactory,
    PolicyTargetFactory,
    ProductFactory,
    RecognitionFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


class TestPages:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("/", ["70000", "机器狗", "辽宁：完善专精特新中小企业梯度培育体系的工作方案"]),
            ("/en/", ["70,000", "Robotic dog", "Anhui targets"]),
            ("/enterprises/", ["ZTE Corporation", "Beijing Tri-tech"]),
            (
                "/enterprises/zte/",
                ["ZTE Corporation", "机器狗", "2021 Global Industrial Internet"],
            ),
            ("/enterprises/beijing-tri-tech/", ["Beijing Tri-tech", "爬壁检测清洗机器人"]),
            ("/products/", ["无动力可穿戴外骨骼", "发动机"]),
            ("/products/passive-wearable-exoskeleton/", ["无动力可穿戴外骨骼", "Sysmed (China)"]),
            ("/exhibitions/", ["2021 Global Industrial Internet Conference", "中小企业发展大会"]),
            (
                "/exhibitions/sme-development-conference-shenyang-2023/",
                ["150", "无动力可穿戴外骨骼"],
            ),
            ("/policies/", ["辽宁", "安徽"]),
            ("/policies/anhui-specialized-enterprise-targets-2025/", ["5000", "2025"]),
            ("/en/policies/anhui-specialized-enterprise-targets-2025/", ["5,000", "2025"]),
            ("/regions/", ["辽宁省", "澳门特别行政区"]),
            ("/regions/liaoning/", ["辽宁省", "2021 Global Industrial Internet Conference"]),
            ("/regions/shandong/", ["Weichai Power Co., Ltd."]),
        ],
    )
    def test_page_shows_the_curated_directory(self, client, curated, url, expected):
        response = client.get(url)
        assert response.status_code == 200
        for snippet in expected:
            assert snippet in text(response), snippet

    @pytest.mark.parametrize(
        "url",
        [
            "/en/",
            "/en/enterprises/",
            "/en/enterprises/zte/",
            "/en/policies/",
            "/en/regions/anhui/",
        ],
    )
    def test_english_pages_answer(self, client, curated, url):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="en">' in text(response)

    def test_chinese_is_the_default_language(self, client, curated):
        assert '<html lang="zh-Hans">' in text(client.get("/"))

    def test_every_page_has_title_description_and_landmarks(self, client, curated):
        for url in ["/", "/enterprises/", "/enterprises/zte/", "/regions/", "/policies/"]:
            html = text(client.get(url))
            assert "<title>" in html and '<meta name="description" content="' in html
            for landmark in ("<header", "<main", "<footer", "<nav"):
                assert landmark in html, (url, landmark)

    def test_detail_page_has_breadcrumbs(self, client, curated):
        html = text(client.get("/enterprises/zte/"))
        assert 'class="breadcrumbs"' in html
        assert f'href="{reverse("enterprises:enterprise-list")}"' in html

    def test_home_counts_enterprises_by_tier(self, client, curated):
        response = client.get("/")
        counts = {tier.value: n for tier, n in response.context["tier_counts"]}
        assert counts == {
            Tier.CHAMPION: 0,
            Tier.LITTLE_GIANT: 0,
            Tier.SPECIALIZED: 1,
            Tier.INNOVATIVE: 0,
        }
        assert response.context["enterprise_count"] == 4

    def test_policy_page_shows_target_progress(self, client, db):
        source = SourceFactory()
        target = PolicyTargetFactory(
            target_value=5000,
            latest_value=2000,
            latest_value_on="2024-06-30",
            latest_value_source=source,
        )
        html = text(client.get(target.initiative.get_absolute_url()))
        assert 'value="40"' in html and "<progress" in html

    def test_enterprise_page_lists_its_regions_policies(self, client, db):
        region = RegionFactory(code="34", slug="anhui")
        enterprise = EnterpriseFactory(region=region)
        PolicyFactory(
            scope="regional", region=region, title_en="Anhui plan", title_zh_hans="安徽方案"
        )
        PolicyFactory(scope="national", title_en="Elsewhere", title_zh_hans="全国方案")
        html = text(client.get(enterprise.get_absolute_url()))
        assert "安徽方案" in html and "全国方案" not in html


class TestPublication:
    @pytest.mark.parametrize(
        "make", [EnterpriseFactory, ProductFactory, ExhibitionFactory, PolicyFactory]
    )
    def test_draft_is_hidden_from_visitors(self, client, make):
        draft = make(status=Status.DRAFT)
        assert client.get(draft.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize(
        "make", [EnterpriseFactory, ProductFactory, ExhibitionFactory, PolicyFactory]
    )
    def test_staff_preview_a_draft_with_a_banner(self, staff_client, make):
        draft = make(status=Status.DRAFT)
        response = staff_client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert 'class="draft-banner"' in text(response)

    def test_lists_show_published_rows_only(self, client, db):
        EnterpriseFactory(name_en="Visible Firm", name_zh_hans="可见企业")
        EnterpriseFactory(name_en="Hidden Firm", name_zh_hans="隐藏企业", status=Status.DRAFT)
        html = text(client.get("/enterprises/"))
        assert "可见企业" in html and "隐藏企业" not in html

    def test_products_of_a_draft_enterprise_are_hidden(self, client, db):
        product = ProductFactory(enterprise=EnterpriseFactory(status=Status.DRAFT))
        assert client.get(product.get_absolute_url()).status_code == 404
        assert product.name_zh_hans not in text(client.get("/products/"))

    def test_draft_exhibits_stay_off_the_exhibition_page(self, client, db):
        exhibit = ExhibitFactory(product=ProductFactory(status=Status.DRAFT))
        html = text(client.get(exhibit.exhibition.get_absolute_url()))
        assert exhibit.product.name_zh_hans not in html

    def test_counts_ignore_drafts(self, client, db):
        RecognitionFactory(enterprise=EnterpriseFactory(status=Status.DRAFT))
        response = client.get("/")
        assert response.context["enterprise_count"] == 0
        assert all(n == 0 for _, n in response.context["tier_counts"])


class TestNotFound:
    @pytest.mark.parametrize(
        "url",
        [
            "/enterprises/no-such-firm/",
            "/products/no-such-product/",
            "/exhibitions/no-such-fair/",
            "/policies/no-such-policy/",
            "/regions/atlantis/",
            "/enterprises/%E4%B8%AD%E5%85%B4/",
            "/enterprises/" + "a" * 3000 + "/",
            "/no-such-page/",
        ],
    )
    def test_unknown_address_is_a_friendly_404(self, client, curated, url):
        response = client.get(url)
        assert response.status_code == 404
        html = text(response)
        assert "<h1>" in html and 'href="/enterprises/"' in html
        english = client.get("/en" + url)
        assert english.status_code == 404
        assert "Page not found" in text(english)


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_fails_when_the_database_does_not_answer(client, db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/enterprises/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


# Query counts ----------------------------------------------------------------------------


def build_directory(size):
    """`size` of everything: enterprises with `size` children each, so that a hidden N+1
    shows as a different query count at two sizes."""
    region = RegionFactory(code="21", slug="liaoning")
    sources = [SourceFactory() for _ in range(size)]
    exhibition = ExhibitionFactory(region=region, slug="fair")
    policy = PolicyFactory(scope="regional", region=region, slug="plan")
    for i in range(size):
        PolicyTargetFactory(
            initiative=policy,
            latest_value=i,
            latest_value_on="2024-01-01",
            latest_value_source=sources[i],
        )
        IndicatorFactory(source=sources[i])
        IndicatorFactory(source=sources[i], region=region)
        PolicyFactory().sources.set(sources)
    enterprise = EnterpriseFactory(slug="big", region=region, listed=False)
    enterprise.sources.set(sources)
    exhibition.sources.set(sources)
    policy.sources.set(sources)
    for i in range(size * 2 + 1):
        other = EnterpriseFactory(region=region, listed=False)
        RecognitionFactory(enterprise=other, source=sources[i % size])
        product = ProductFactory(enterprise=other)
        ExhibitFactory(product=product, exhibition=ExhibitionFactory(region=region))
    for i in range(size):
        RecognitionFactory(enterprise=enterprise, year=2000 + i, source=sources[i])
        product = ProductFactory(enterprise=enterprise, slug=f"product-{i}" if i else "product")
        product.sources.set(sources)
        ExhibitFactory(product=product, exhibition=exhibition)
    first = ProductFactory._meta.model.objects.get(slug="product")
    for i in range(size):
        person = Person.objects.create(
            slug=f"person-{i}", name_en=f"Person {i}", status="published"
        )
        statement = Statement.objects.create(
            person=person,
            slug="said",
            paraphrase_en="Said something.",
            source=sources[i],
            enterprise=enterprise,
            status="published",
        )
        statement.enterprises.add(enterprise)
        statement.products.add(first)
        statement.exhibitions.add(exhibition)
        statement.policies.add(policy)
        ExhibitFactory(product=product, exhibition=ExhibitionFactory(region=region))


# Lists: count, page, facet counts (one query for all), and each choice list in the form.
QUERY_COUNTS = {
    "/": 5,  # the national figures of the tier pyramid
    "/enterprises/": 6,
    # Two more: the form looks up the chosen region and exhibition once each; one fewer:
    # with the cache off there is no cube to size the directory, so no sample of the
    # facets in use (see test_search).
    # Few results: the exhibition and lifecycle facets are counted beside them.
    "/enterprises/?region=liaoning&tier=specialized&listed=no&exhibition=fair&q=Test": 8,
    # Deep pages cost what the first one does (read backwards from the end).
    "/enterprises/?page=last": 6,
    "/enterprises/?sort=-founded&page=last": 6,
    "/products/?page=last": 5,
    "/enterprises/big/": 8,  # with the recognitions' earlier stages, from their history
    "/products/": 5,
    "/products/product/": 4,
    "/exhibitions/": 3,
    "/exhibitions/fair/": 4,
    "/policies/": 3,
    "/policies/plan/": 4,
    "/regions/": 1,
    "/people/": 1,
    "/people/person-0/": 2,
    "/regions/liaoning/": 10,  # the charts: industry sections, recognitions, targets
    # The charts: the indicator series and the policy targets.
    "/statistics/": 7,
    "/healthz": 1,
}


@pytest.mark.parametrize("size", [2, 9])
@pytest.mark.parametrize("url", list(QUERY_COUNTS))
def test_query_count_does_not_grow_with_the_page(
    client, db, django_assert_num_queries, monkeypatch, size, url
):
    build_directory(size)
    monkeypatch.setattr(views.PublishedListView, "paginate_by", size)
    monkeypatch.setattr(views.RegionDetailView, "shown_enterprises", size)
    with django_assert_num_queries(QUERY_COUNTS[url]):
        response = client.get(url)
    assert response.status_code == 200
    if (response.context or {}).get("is_paginated") and "?" not in url:
        assert len(response.context["object_list"]) == size
    if "page=last" in url:
        page = response.context["page_obj"]
        assert page.number == page.paginator.num_pages > 1 and not page.has_next()


# Malformed query strings ------------------------------------------------------------------

LIST_URLS = ["/enterprises/", "/products/", "/exhibitions/", "/policies/", "/en/enterprises/"]

BAD_QUERIES = {
    # page numbers: a clear 404
    "page=abc": 404,
    "page=0": 404,
    "page=-1": 404,
    "page=1.5": 404,
    "page=1e3": 404,
    "page=99999": 404,
    "page=" + "9" * 40: 404,
    "page=" + "9" * 5000: 404,
    "page=%20": 404,
    # unknown choices, malformed ids, wrong types: the list with a message
    "region=atlantis": 200,
    "region=" + "9" * 30: 200,
    "region=%27%3B%20DROP%20TABLE%20x%3B--": 200,
    "region=%3Cscript%3Ealert(1)%3C%2Fscript%3E": 200,
    "region[]=liaoning": 200,
    "tier=bogus": 200,
    "industry=ZZ": 200,
    "industry=" + "1" * 30: 200,
    "listed=maybe": 200,
    "exchange=nyse": 200,
    "exhibition=" + "x" * 2000: 200,
    "founded_from=abc": 200,
    "founded_from=" + "9" * 30: 200,
    "founded_to=-5": 200,
    "founded_from=2020&founded_to=2010": 200,
    "size=huge": 200,
    "sort=bogus": 200,
    "year=abc": 200,
    "year=" + "9" * 30: 200,
    "scope=galactic": 200,
    "stage=%FF%FE": 200,
    "q=" + "x" * 5000: 200,
    "q=%F0%9F%A4%96%F0%9F%9A%80": 200,
    "q=%01%02%1B%7F": 200,
    "q=%E2%80%AE%E2%80%8B": 200,
    "q=%22unterminated%20*%20OR%20(": 200,
    "q=%25%25%5F%5C": 200,
    "q=a&q=b&q=c": 200,
    "tier=a&tier=b": 200,
    "unknown=1": 200,
    "%00=x": 400,
    "q=%00": 400,
    "region=%00": 400,
}


@pytest.mark.parametrize("url", LIST_URLS)
def test_malformed_query_string_never_fails(client, curated, url):
    failures = []
    for query, expected in BAD_QUERIES.items():
        response = client.get(f"{url}?{query}")
        if (
            response.status_code != expected
            or not response["Content-Type"].startswith("text/html")
            or b"<h1" not in response.content
        ):
            failures.append((query[:60], response.status_code, expected))
    assert failures == []


@pytest.mark.parametrize(
    "query", ["tier=bogus", "founded_from=abc", "founded_from=2020&founded_to=2010", "sort=bogus"]
)
def test_invalid_filter_is_explained(client, curated, query):
    response = client.get(f"/en/enterprises/?{query}")
    html = text(response)
    assert "Some filters could not be applied" in html
    assert 'role="alert"' in html


def test_huge_page_number_says_why(client, curated):
    response = client.get("/en/enterprises/?page=99999")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_ping_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ping")
    assert response.content == b"pong\n"


def test_statistics_counts_published_enterprises(client, db):
    liaoning = RegionFactory(code="21", slug="liaoning")
    for tier in (Tier.SPECIALIZED, Tier.SPECIALIZED, Tier.INNOVATIVE):
        RecognitionFactory(enterprise=EnterpriseFactory(region=liaoning, size="small"), tier=tier)
    RecognitionFactory(enterprise=EnterpriseFactory(region=liaoning, status=Status.DRAFT))
    response = client.get("/en/statistics/")
    rows = {region.code: (counts, total) for region, counts, total in response.context["regions"]}
    tiers = [t.value for t in response.context["tiers"]]
    assert rows["21"][1] == 3
    assert rows["21"][0][tiers.index(Tier.SPECIALIZED)] == 2
    assert rows["21"][0][tiers.index(Tier.INNOVATIVE)] == 1
    assert response.context["total"] == 3
    assert dict(response.context["sizes"])["Small"] == 3
    html = response.content.decode()
    assert "By region and tier" in html and "Recognitions by year" in html


def test_statistics_count_every_enterprise_and_unknown_facts_apart(client, curated):
    response = client.get("/en/statistics/")
    context = response.context
    # All four curated enterprises, though only one has a recorded region.
    assert context["total"] == 4
    assert context["unplaced"][1] == 3
    assert dict(context["listing"]) == {"Listed": 0, "Not listed": 0, "Not known": 4}
    html = response.content.decode()
    assert "Counts of the 4 published enterprises" in html
    assert "No published enterprise has a recorded industry yet." in html
    assert "4 enterprises have no recorded industry." in html
    assert "No enterprise recorded yet in:" in html


@pytest.mark.parametrize("number", ["abc", "99", "0", "1.5", "9" * 60])
def test_a_page_past_the_end_says_so_plainly_in_the_pages_language(client, curated, number):
    english = client.get(f"/en/enterprises/?page={number}")
    assert english.status_code == 404
    html = english.content.decode()
    assert "This list has no page" in html
    for internal in ("Resolver404", "Invalid page", "That page", "invalid literal", "int()"):
        assert internal not in html
    chinese = client.get(f"/enterprises/?page={number}").content.decode()
    assert "本页结果为空" not in chinese and "非法页面" not in chinese and "没有第" in chinese


def test_a_missing_page_shows_no_internal_message(client, db):
    html = client.get("/en/no-such-page/").content.decode()
    assert "Resolver404" not in html and "tried" not in html and "Page not found" in html


def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_regions_sort_by_count_and_empty_ones_step_back(client, curated):
    by_count = client.get("/en/regions/?sort=count")
    codes = [r.code for r in by_count.context["region_list"]]
    counts = [r.enterprise_count for r in by_count.context["region_list"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    html = by_count.content.decode()
    assert html.count('class="empty-row"') == counts.count(0)
    by_code = client.get("/en/regions/?sort=nonsense").context["region_list"]
    assert [r.code for r in by_code] == sorted(codes)


@pytest.mark.parametrize(
    "path,section",
    [
        ("/en/", None),
        ("/en/enterprises/", "/en/enterprises/"),
        ("/en/enterprises/zte/", "/en/enterprises/"),
        ("/en/products/", "/en/products/"),
        ("/en/exhibitions/", "/en/exhibitions/"),
        ("/en/policies/", "/en/policies/"),
        ("/en/regions/", "/en/regions/"),
        ("/en/regions/guangdong/", "/en/regions/"),
        ("/en/statistics/", "/en/statistics/"),
        ("/en/search/?q=robot", None),
        ("/en/people/", None),
    ],
)
def test_the_header_marks_the_section_the_view_belongs_to(client, curated, path, section):
    html = client.get(path).content.decode()
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>", html.index("site-nav"))]
    marked = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
    assert marked == ([section] if section else [])
