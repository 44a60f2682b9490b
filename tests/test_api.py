import base64
import datetime
import json
import time

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from enterprises.models import ContentVersion, Person, Statement, Status, Tier
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    ExhibitionFactory,
    IndicatorFactory,
    IndustryFactory,
    PolicyFactory,
    PolicyTargetFactory,
    ProductFactory,
    RecognitionFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

LISTS = [
    "enterprises",
    "products",
    "exhibitions",
    "policies",
    "indicators",
    "regions",
    "industries",
    "sources",
    "people",
    "statements",
]


def results(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def slugs(response):
    return [row["slug"] for row in results(response)]


def read_all(client, url):
    """Every row of a list, following the next links."""
    rows = []
    while url:
        response = client.get(url)
        rows += results(response)
        url = response.json()["next"]
    return rows


def cursor(backwards, values):
    raw = json.dumps({"r": backwards, "v": values}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
def directory(db):
    """A small directory: published entries of every kind, and drafts beside them."""
    liaoning = RegionFactory(code="21", slug="liaoning")
    anhui = RegionFactory(code="34", slug="anhui")
    manufacturing = IndustryFactory(code="C")
    software = IndustryFactory(code="I", name_en="Software", name_zh_hans="软件")
    source = SourceFactory(slug="notice")
    hidden_source = SourceFactory(slug="cited-by-drafts-only")
    firms = {}
    for n, (region, industry, year, size) in enumerate(
        [
            (liaoning, manufacturing, 1995, "small"),
            (anhui, software, 2010, "medium"),
            (liaoning, manufacturing, 2018, "micro"),
            (anhui, manufacturing, None, "small"),
            (liaoning, software, 2001, ""),
        ]
    ):
        slug = "abcde"[n]
        firms[slug] = EnterpriseFactory(
            slug=slug,
            name_en=f"Firm {slug.upper()} Robotics",
            name_zh_hans=f"企业{slug}机器人",
            region=region,
            industry=industry,
            founded_year=year,
            size=size,
            sources=[source],
        )
    RecognitionFactory(
        enterprise=firms["a"],
        tier=Tier.LITTLE_GIANT,
        level="national",
        source=source,
        notice_number="工信部企业函〔2025〕1号",
        notice_date=datetime.date(2025, 7, 1),
        year=2025,
    )
    RecognitionFactory(enterprise=firms["b"], source=source)
    for firm in firms.values():
        firm.refresh_tier()
    draft = EnterpriseFactory(slug="draft-firm", status=Status.DRAFT, sources=[hidden_source])
    fair = ExhibitionFactory(slug="fair", region=liaoning)
    draft_fair = ExhibitionFactory(slug="draft-fair", status=Status.DRAFT)
    robot = ProductFactory(slug="robot", enterprise=firms["a"])
    robot.sources.set([source])
    ProductFactory(slug="draft-product", enterprise=firms["a"], status=Status.DRAFT)
    hidden_maker = ProductFactory(slug="of-a-draft-firm", enterprise=draft)
    ExhibitFactory(exhibition=fair, product=robot, booth="A1", source=source)
    ExhibitFactory(exhibition=draft_fair, product=robot)
    ExhibitFactory(exhibition=fair, product=hidden_maker)
    policy = PolicyFactory(slug="plan", scope="regional", region=anhui, stage="proposed")
    PolicyFactory(slug="draft-plan", status=Status.DRAFT)
    PolicyTargetFactory(
        initiative=policy,
        latest_value=10,
        latest_value_on="2023-01-01",
        latest_value_source=source,
    )
    IndicatorFactory(slug="giants-2022", series="giants", as_of="2022-01-01", source=source)
    IndicatorFactory(slug="giants-2023", series="giants", as_of="2023-01-01", source=source)
    IndicatorFactory(slug="giants-draft", series="giants", status=Status.DRAFT, source=source)
    li = Person.objects.create(slug="li", name_zh_hans="李", name_en="Li", status=Status.PUBLISHED)
    hidden = Person.objects.create(slug="hidden", name_en="Hidden", status=Status.DRAFT)
    said = Statement.objects.create(
        person=li,
        slug="said",
        paraphrase_en="Said a thing.",
        paraphrase_zh_hans="说了一件事。",
        source=source,
        enterprise=draft,
        status=Status.PUBLISHED,
    )
    said.enterprises.set([firms["a"], draft])
    Statement.objects.create(
        person=hidden,
        slug="unseen",
        paraphrase_en="Not public.",
        source=source,
        status=Status.PUBLISHED,
    )
    return firms


class TestEndpoints:
    @pytest.mark.parametrize("kind", LISTS)
    def test_every_list_and_the_detail_of_its_first_row_answer(self, client, directory, kind):
        rows = results(client.get(f"/api/v1/{kind}/"))
        assert rows
        first = rows[0]
        url = first.get("url") or f"/api/v1/{kind}/{first.get('slug') or first['code']}/"
        detail = client.get(url)
        assert detail.status_code == 200
        assert detail["Content-Type"] == "application/json"

    def test_an_enterprise_in_both_languages_with_its_recognitions_and_sources(
        self, client, directory
    ):
        data = client.get("/api/v1/enterprises/a/").json()
        assert data["name"] == {"zh-hans": "企业a机器人", "en": "Firm A Robotics"}
        assert data["region"] == "liaoning" and data["industry"] == "C"
        assert data["tier"] == "little_giant"
        assert data["sources"] == ["notice"]
        assert data["products"] == ["robot"]
        (recognition,) = data["recognitions"]
        assert recognition["stage"] == "awarded"
        assert recognition["notice_number"] == "工信部企业函〔2025〕1号"
        assert recognition["valid_from"] == "2025-07-01"
        assert recognition["valid_until"] == "2028-06-30"
        assert recognition["source"] == "notice"
        assert recognition["earlier_stages"] == []

    def test_the_other_details_carry_their_children(self, client, directory):
        exhibition = client.get("/api/v1/exhibitions/fair/").json()
        assert exhibition["exhibits"] == [
            {
                "product": "robot",
                "enterprise": "a",
                "hall": "",
                "booth": "A1",
                "note": {"zh-hans": "", "en": ""},
                "source": "notice",
            }
        ]
        policy = client.get("/api/v1/policies/plan/").json()
        assert policy["targets"][0]["latest_value_source"] == "notice"
        assert policy["region"] == "anhui"
        indicator = client.get("/api/v1/indicators/giants-2022/").json()
        assert [p["slug"] for p in indicator["series_points"]] == ["giants-2022", "giants-2023"]
        industry = client.get("/api/v1/industries/I/").json()
        assert industry["name"]["en"] == "Software"
        statement = client.get("/api/v1/statements/li/said/").json()
        assert statement["paraphrase"]["zh-hans"] == "说了一件事。"

    def test_only_get_is_allowed(self, client, directory):
        for method in (client.post, client.put, client.patch, client.delete, client.options):
            assert method("/api/v1/enterprises/").status_code == 405
        assert client.head("/api/v1/enterprises/").status_code == 200

    def test_an_unknown_address_under_the_api_is_a_json_404(self, client, db):
        response = client.get("/api/v1/nothing-here/")
        assert response.status_code == 404
        assert "detail" in response.json()

    def test_the_language_cookie_does_not_redirect_the_api(self, client, directory):
        client.cookies["django_language"] = "en"
        response = client.get("/api/v1/enterprises/")
        assert response.status_code == 200


class TestPublishedOnly:
    def test_drafts_are_absent_from_lists(self, client, directory):
        assert "draft-firm" not in slugs(client.get("/api/v1/enterprises/"))
        assert slugs(client.get("/api/v1/products/")) == ["robot"]
        assert slugs(client.get("/api/v1/exhibitions/")) == ["fair"]
        assert slugs(client.get("/api/v1/policies/")) == ["plan"]
        assert "giants-draft" not in slugs(client.get("/api/v1/indicators/"))
        assert slugs(client.get("/api/v1/people/")) == ["li"]
        assert [s["id"] for s in results(client.get("/api/v1/statements/"))] == ["li/said"]
        assert "cited-by-drafts-only" not in slugs(client.get("/api/v1/sources/"))
        assert "notice" in slugs(client.get("/api/v1/sources/"))

    @pytest.mark.parametrize(
        "url",
        [
            "/api/v1/enterprises/draft-firm/",
            "/api/v1/products/draft-product/",
            "/api/v1/products/of-a-draft-firm/",
            "/api/v1/exhibitions/draft-fair/",
            "/api/v1/policies/draft-plan/",
            "/api/v1/indicators/giants-draft/",
            "/api/v1/people/hidden/",
            "/api/v1/statements/hidden/unseen/",
            "/api/v1/sources/cited-by-drafts-only/",
        ],
    )
    def test_drafts_have_no_detail(self, client, directory, url):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"

    def test_drafts_are_absent_from_relations(self, client, directory):
        assert client.get("/api/v1/enterprises/a/").json()["products"] == ["robot"]
        assert [
            e["exhibition"] for e in client.get("/api/v1/products/robot/").json()["exhibits"]
        ] == ["fair"]
        assert [
            e["product"] for e in client.get("/api/v1/exhibitions/fair/").json()["exhibits"]
        ] == ["robot"]
        statement = client.get("/api/v1/statements/li/said/").json()
        assert statement["enterprises"] == ["a"]
        assert statement["enterprise"] is None
        person = client.get("/api/v1/people/li/").json()
        assert person["statement_count"] == 1
        series = client.get("/api/v1/indicators/giants-2023/").json()["series_points"]
        assert "giants-draft" not in [p["slug"] for p in series]

    def test_staff_see_no_drafts_either(self, staff_client, directory):
        assert "draft-firm" not in slugs(staff_client.get("/api/v1/enterprises/"))
        assert staff_client.get("/api/v1/enterprises/draft-firm/").status_code == 404


def test_an_old_slug_redirects_to_the_current_detail(client, directory):
    firm = directory["c"]
    firm.slug = "c-renamed"
    firm.save()
    response = client.get("/api/v1/enterprises/c/?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/enterprises/c-renamed/?x=1"
    assert client.get(response["Location"]).json()["slug"] == "c-renamed"


class TestSameRowsAsTheHtmlList:
    @pytest.mark.parametrize(
        "query",
        [
            "",
            "region=liaoning",
            "industry=C&region=anhui",
            "tier=little_giant",
            "size=small",
            "founded_from=2000&founded_to=2020",
            "exhibition=fair",
            "sort=-founded",
            "sort=founded",
            "sort=-updated",
            "sort=-name",
            "q=robotics",
            "q=企业",
        ],
    )
    def test_the_enterprise_list(self, client, directory, query):
        html = client.get(f"/en/enterprises/?{query}")
        expected = [obj.slug for obj in html.context["object_list"]]
        api = read_all(client, f"/api/v1/enterprises/?{query}&page_size=2")
        assert [row["slug"] for row in api] == expected

    @pytest.mark.parametrize(
        "kind,query",
        [
            ("products", "exhibition=fair"),
            ("exhibitions", "region=liaoning"),
            ("policies", "stage=proposed"),
        ],
    )
    def test_the_other_filtered_lists(self, client, directory, kind, query):
        html = client.get(f"/{kind}/?{query}")
        expected = [obj.slug for obj in html.context["object_list"]]
        assert [row["slug"] for row in read_all(client, f"/api/v1/{kind}/?{query}")] == expected


class TestPagination:
    def test_next_and_previous_walk_the_list_both_ways(self, client, directory):
        first = client.get("/api/v1/enterprises/?page_size=2").json()
        assert [r["slug"] for r in first["results"]] == ["a", "b"]
        assert first["previous"] is None
        second = client.get(first["next"]).json()
        assert [r["slug"] for r in second["results"]] == ["c", "d"]
        back = client.get(second["previous"]).json()
        assert [r["slug"] for r in back["results"]] == ["a", "b"]
        assert back["previous"] is None
        last = client.get(second["next"]).json()
        assert [r["slug"] for r in last["results"]] == ["e"]
        assert last["next"] is None
        assert [r["slug"] for r in client.get(last["previous"]).json()["results"]] == ["c", "d"]

    def test_pages_follow_nullable_keys(self, client, directory):
        rows = read_all(client, "/api/v1/enterprises/?sort=founded&page_size=1")
        assert sorted(r["slug"] for r in rows) == ["a", "b", "c", "d", "e"]

    def test_the_default_page_size_is_20(self, client, directory):
        assert len(results(client.get("/api/v1/industries/"))) <= 20
        assert len(results(client.get("/api/v1/regions/?page_size=1"))) == 1


class TestRefusedInput:
    @pytest.mark.parametrize(
        "query,param",
        [
            ("tier=emperor", "tier"),
            ("region=atlantis", "region"),
            ("founded_from=2020&founded_to=2000", "founded_to"),
            ("founded_from=99999999999999999999999", "founded_from"),
            ("q=" + "x" * 5000, "q"),
            ("page_size=0", "page_size"),
            ("page_size=101", "page_size"),
            ("page_size=" + "9" * 400, "page_size"),
            ("cursor=garbage", "cursor"),
            ("cursor=" + cursor(False, ["a", 10**30]), "cursor"),
            ("cursor=" + cursor(False, ["a"]), "cursor"),
            ("cursor=" + cursor(False, [None, 1]), "cursor"),
            ("cursor=" + cursor(False, [{"x": 1}, 1]), "cursor"),
            ("cursor=" + cursor("yes", ["a", 1]), "cursor"),
            ("cursor=" + "A" * 5000, "cursor"),
            ("sort=-founded&cursor=" + cursor(False, ["soon", 1]), "cursor"),
        ],
    )
    def test_a_refused_parameter_is_a_json_400(self, client, directory, query, param):
        response = client.get(f"/api/v1/enterprises/?{query}")
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert list(errors) == [param]
        assert all(isinstance(message, str) and message for message in errors[param])
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    def test_a_nul_character_is_a_json_400(self, client, db):
        response = client.get("/api/v1/enterprises/?q=a%00b")
        assert response.status_code == 400
        assert "query" in response.json()["errors"]

    def test_messages_follow_accept_language(self, client, directory):
        response = client.get("/api/v1/enterprises/?tier=x", HTTP_ACCEPT_LANGUAGE="en")
        assert "valid choice" in response.json()["errors"]["tier"][0]
        response = client.get("/api/v1/enterprises/?tier=x", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert "选择" in response.json()["errors"]["tier"][0]

    @pytest.mark.parametrize(
        "url",
        [
            "/api/v1/enterprises/" + "x" * 3000 + "/",
            "/api/v1/industries/99999999999999999999/",
            "/api/v1/statements/" + "a" * 500 + "/b/",
        ],
    )
    def test_a_detail_that_cannot_exist_is_404(self, client, directory, url):
        assert client.get(url).status_code == 404


class TestConditionalRequests:
    @pytest.fixture(autouse=True)
    def cache_on(self, settings):
        settings.DIRECTORY_CACHE = True
        ContentVersion.objects.update_or_create(pk=1, defaults={"value": 7})

    def test_validators_and_304(self, directory, django_assert_num_queries):
        visitor = Client()
        response = visitor.get("/api/v1/enterprises/?region=liaoning")
        assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
        etag = response["ETag"]
        assert response["X-Cache"] == "miss"  # kept for the next client
        with django_assert_num_queries(1):  # the content version
            again = visitor.get("/api/v1/enterprises/?region=liaoning", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again["ETag"] == etag
        other = visitor.get("/api/v1/enterprises/?region=anhui")
        assert other["ETag"] != etag
        detail = visitor.get("/api/v1/enterprises/a/")
        assert detail["ETag"] not in (etag, other["ETag"])

    def test_a_new_content_version_changes_the_etag(self, directory):
        visitor = Client()
        etag = visitor.get("/api/v1/enterprises/")["ETag"]
        ContentVersion.objects.filter(pk=1).update(value=8)
        response = visitor.get("/api/v1/enterprises/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and response["ETag"] != etag

    def test_last_modified_is_the_last_change_and_answers_if_modified_since(
        self, directory, django_assert_num_queries
    ):
        changed = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
        ContentVersion.objects.filter(pk=1).update(changed_at=changed)
        visitor = Client()
        response = visitor.get("/api/v1/enterprises/")
        midnight = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time())
        )
        assert parse_http_date(response["Last-Modified"]) == int(
            max(changed, midnight).timestamp()
        )
        stamp = response["Last-Modified"]
        with django_assert_num_queries(1):  # the content version and its time, together
            again = visitor.get("/api/v1/enterprises/", HTTP_IF_MODIFIED_SINCE=stamp)
        assert again.status_code == 304 and again["Last-Modified"] == stamp
        earlier = http_date(parse_http_date(stamp) - 1)
        assert (
            visitor.get("/api/v1/enterprises/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
        )
        # If-None-Match is the exact validator: a stale ETag wins over a recent date.
        stale = visitor.get(
            "/api/v1/enterprises/", HTTP_IF_MODIFIED_SINCE=stamp, HTTP_IF_NONE_MATCH='"old"'
        )
        assert stale.status_code == 200
        # A date in the future is not one the server gave: ignored.
        future = http_date(time.time() + 10 * 365 * 24 * 3600)
        assert (
            visitor.get("/api/v1/enterprises/", HTTP_IF_MODIFIED_SINCE=future).status_code == 200
        )
        # Nonsense dates are ignored, never an error.
        for junk in ("yesterday", "\x00", "Mon, 99 Foo 99999 99:99:99 GMT", "9" * 500):
            assert (
                visitor.get("/api/v1/enterprises/", HTTP_IF_MODIFIED_SINCE=junk).status_code == 200
            )

    def test_a_change_moves_last_modified_on(self, directory):
        from enterprises.caching import bump_version

        ContentVersion.objects.filter(pk=1).update(
            changed_at=timezone.now() - datetime.timedelta(days=3)
        )
        stamp = Client().get("/api/v1/regions/")["Last-Modified"]
        bump_version()
        response = Client().get("/api/v1/regions/", HTTP_IF_MODIFIED_SINCE=stamp)
        assert response.status_code == 200
        assert parse_http_date(response["Last-Modified"]) >= parse_http_date(stamp)
        assert abs(parse_http_date(response["Last-Modified"]) - time.time()) < 60

    def test_a_refused_query_has_no_etag(self, directory):
        response = Client().get("/api/v1/enterprises/?tier=x")
        assert response.status_code == 400 and "ETag" not in response

    def test_an_answer_is_kept_under_its_validator(self, directory, django_assert_num_queries):
        url = "/api/v1/enterprises/?page_size=1"
        first = Client().get(url)
        assert first["X-Cache"] == "miss"
        with django_assert_num_queries(1):  # the content version only
            again = Client().get(url)
        assert again["X-Cache"] == "hit" and again.content == first.content
        assert again["ETag"] == first["ETag"]
        assert again["Content-Language"] == first["Content-Language"]
        assert again["Cache-Control"] == first["Cache-Control"]
        # Another language, host or content version is another answer.
        assert Client().get(url + "&lang=en")["X-Cache"] == "miss"
        elsewhere = Client().get(url, HTTP_HOST="127.0.0.1")
        assert elsewhere["X-Cache"] == "miss"
        assert "127.0.0.1" in elsewhere.json()["next"]
        ContentVersion.objects.filter(pk=1).update(value=8)
        newer = Client().get(url)
        assert newer["X-Cache"] == "miss" and newer["ETag"] != first["ETag"]

    @pytest.mark.parametrize(
        "url", ["/api/v1/enterprises/?tier=x", "/api/v1/enterprises/no-such-firm/"]
    )
    def test_refusals_and_missing_entries_are_not_kept(self, directory, url):
        first, again = Client().get(url), Client().get(url)
        assert first.status_code == again.status_code >= 400
        assert "X-Cache" not in first and "X-Cache" not in again


@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize("page_size", [2, 20])
def test_a_list_page_takes_at_most_8_queries(
    client, directory, kind, page_size, django_assert_max_num_queries
):
    for _ in range(25):
        EnterpriseFactory(sources=[SourceFactory()])
    query = {"enterprises": "region=liaoning&tier=little_giant", "products": "exhibition=fair"}
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/{kind}/?page_size={page_size}&{query.get(kind, '')}")
    assert response.status_code == 200


def test_the_curated_directory_is_served(client, curated):
    rows = read_all(client, "/api/v1/enterprises/?page_size=3")
    assert rows and all(row["sources"] for row in rows)


def test_the_schema_generates_without_warnings_or_errors(client, db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, (GENERATOR_STATS._warn_cache, GENERATOR_STATS._error_cache)
    assert "/api/v1/enterprises/{slug}/" in schema["paths"]
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
