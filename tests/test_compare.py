import datetime
import re

import pytest
from django.test import Client

from enterprises.comparison import MAX_READ, Selection
from enterprises.middleware import canonical_query
from enterprises.models import EnterpriseFormerSlug, PolicyInitiative, Size, Status, Tier
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    PolicyFactory,
    ProductFactory,
    RecognitionFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def firm(number, region=None, **fields):
    """A published enterprise with a recognition, a product shown at a fair, and a
    regional policy: everything the comparison loads."""
    region = region or RegionFactory(code=f"9{number}", slug=f"region-{number}")
    enterprise = EnterpriseFactory(slug=f"firm-{number}", region=region, **fields)
    RecognitionFactory(enterprise=enterprise, year=2020 + number)
    ExhibitFactory(product=ProductFactory(enterprise=enterprise, slug=f"product-{number}"))
    PolicyFactory(slug=f"policy-{number}", scope=PolicyInitiative.Scope.REGIONAL, region=region)
    return enterprise


@pytest.fixture
def firms():
    return [firm(number) for number in range(1, 6)]


def page(client, query, language="en"):
    prefix = "/en" if language == "en" else ""
    response = client.get(f"{prefix}/compare/?{query}")
    assert response.status_code == 200
    return response, response.content.decode()


def columns(response):
    return [column.entry.slug for column in response.context["comparisons"][0].columns]


def notices(response):
    return [str(n) for c in response.context["comparisons"] for n in c.notices]


def row(response, label):
    for group in response.context["comparisons"][0].groups:
        for found in group.rows:
            if str(found.label) == label:
                return found
    raise AssertionError(f"no row {label}")


class TestSelection:
    @pytest.mark.parametrize("count", [1, 2, 3, 4])
    def test_one_to_four_enterprises_are_columns_in_the_order_given(self, client, firms, count):
        slugs = [f"firm-{n}" for n in (4, 2, 1, 3)][:count]
        response, html = page(client, "e=" + ",".join(slugs))
        assert columns(response) == slugs
        assert notices(response) == []
        for enterprise in firms:
            if enterprise.slug in slugs:
                assert enterprise.name_en in html

    def test_repeated_parameters_are_read_like_a_list(self, client, firms):
        response, _html = page(client, "e=firm-2&e=firm-1&e=&e=firm-3")
        assert columns(response) == ["firm-2", "firm-1", "firm-3"]

    def test_duplicates_are_compared_once_and_said(self, client, firms):
        response, html = page(client, "e=firm-1,firm-2,firm-1")
        assert columns(response) == ["firm-1", "firm-2"]
        assert "Named more than once, compared once: “firm-1”." in html

    def test_more_than_four_keeps_the_first_four_and_says_which_were_left(self, client, firms):
        response, html = page(client, "e=" + ",".join(f"firm-{n}" for n in (5, 4, 3, 2, 1)))
        assert columns(response) == ["firm-5", "firm-4", "firm-3", "firm-2"]
        assert "the first 4 were kept, and this one left out" in html
        assert f"“{firms[0].name_en}”" in html

    def test_unknown_draft_and_archived_slugs_are_reported_by_name(self, client, firms):
        EnterpriseFactory(slug="a-draft", status=Status.DRAFT, name_en="Secret draft")
        EnterpriseFactory(slug="gone", status=Status.ARCHIVED, name_en="Archived firm")
        response, html = page(client, "e=firm-1,a-draft,nobody,gone")
        assert columns(response) == ["firm-1"]
        assert "Not found or not published: “a-draft”, “nobody”, “gone”." in html
        assert "Secret draft" not in html and "Archived firm" not in html

    def test_an_old_slug_leads_to_the_entry_now_at_another(self, client, firms):
        EnterpriseFormerSlug.objects.create(slug="old-name", entry=firms[1])
        response, html = page(client, "e=firm-1,old-name")
        assert columns(response) == ["firm-1", "firm-2"]
        assert notices(response) == []
        # Links use the current slug.
        assert 'href="/en/compare/?e=firm-2"' in html

    def test_an_old_slug_of_an_entry_already_chosen_is_a_duplicate(self, client, firms):
        EnterpriseFormerSlug.objects.create(slug="old-name", entry=firms[0])
        response, html = page(client, "e=firm-1,old-name")
        assert columns(response) == ["firm-1"]
        assert "compared once: “old-name”" in html

    def test_products_side_by_side(self, client, firms):
        response, html = page(client, "p=product-2,product-1")
        compared = response.context["comparisons"][0]
        assert [c.entry.slug for c in compared.columns] == ["product-2", "product-1"]
        assert "Products compared" in html and firms[1].name_en in html

    def test_enterprises_and_products_at_once(self, client, firms):
        response, html = page(client, "e=firm-1&p=product-2")
        assert [len(c.columns) for c in response.context["comparisons"]] == [1, 1]
        # Removing the enterprise keeps the product, and the other way round.
        assert 'href="/en/compare/?p=product-2"' in html
        assert 'href="/en/compare/?e=firm-1"' in html

    def test_a_product_of_an_unpublished_enterprise_is_not_shown(self, client, firms):
        hidden = ProductFactory(
            slug="hidden", enterprise=EnterpriseFactory(status=Status.DRAFT), name_en="Hush"
        )
        response, html = page(client, f"p={hidden.slug}")
        assert "Not found or not published: “hidden”." in html and "Hush" not in html

    def test_an_empty_page_explains_itself(self, client, db):
        response, html = page(client, "")
        assert "Compare selected" in html
        assert response.context["comparisons"] == []


class TestBadInput:
    @pytest.mark.parametrize(
        "query",
        [
            "e=" + "," * 1000,
            "e=" + "x" * 5000,
            "e=" + ",".join(["firm-1"] * 500),
            "e=%E4%B8%AD%E5%85%B4,<script>,'; drop table",
            "e=firm-1&e=" + "&e=".join(str(n) for n in range(200)),
            "p=9" * 300 + "&kind=enterprise",
            "e=firm-1&kind=nonsense&add=x",
            "add=" + "机" * 3000,
            "add=%20%20&kind=product",
        ],
    )
    def test_bad_input_is_explained_never_a_server_error(self, client, firms, query):
        response = client.get("/en/compare/?" + query)
        assert response.status_code in (200, 302)

    def test_nul_characters_are_refused_with_a_message(self, client, db):
        response = client.get("/en/compare/?e=firm%00-1")
        assert response.status_code == 400
        assert "NUL" in response.content.decode()  # the message (before the language is read)

    def test_at_most_a_fixed_number_of_items_is_read(self):
        selection = Selection.parse(",".join(f"s{n}" for n in range(10_000)))
        assert len(selection.slugs) == MAX_READ and selection.truncated
        assert Selection.parse("," * 10_000) == Selection()

    def test_items_that_cannot_be_slugs_are_named_shortened(self, client, firms):
        response, html = page(client, "e=firm-1," + "y" * 200 + "!")
        assert columns(response) == ["firm-1"]
        assert "Not the address of an entry: “" + "y" * 39 + "…”." in html

    def test_too_many_items_are_said(self, client, firms):
        query = "e=" + ",".join(f"nobody-{n}" for n in range(50))
        response, html = page(client, query)
        assert f"only the first {MAX_READ} were read" in html
        said = " ".join(notices(response))
        assert "nobody-11”" in said and "nobody-12" not in said

    def test_query_count_stays_fixed_for_a_long_list_of_unknowns(
        self, client, firms, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            client.get("/en/compare/?e=" + ",".join(f"nobody-{n}" for n in range(900)))

    def test_canonical_query_joins_repeated_list_parameters(self):
        from django.http import QueryDict

        query = QueryDict("e=a&e=&e=b&p=c&add=x&add=y&junk=1")
        canonical = canonical_query(query, ("e", "p", "add"), lists=("e", "p"))
        assert canonical.dict() == {"e": "a,b", "p": "c", "add": "y"}


class TestDifferences:
    def test_rows_that_differ_are_marked_in_words_and_class(self, client, firms):
        firms[0].founded_year, firms[1].founded_year = 1990, 1990
        firms[0].size, firms[1].size = Size.SMALL, Size.MEDIUM
        for enterprise in firms[:2]:
            enterprise.save()
        response, html = page(client, "e=firm-1,firm-2")
        assert not row(response, "Founded").differs
        assert row(response, "Size").differs
        assert row(response, "Region").differs
        size_row = re.search(r"<tr class=\"differs\">\s*<th scope=\"row\">Size[^<]*<span", html)
        assert size_row, "the Size row has the class"
        assert re.search(r"Founded\s*</th>", html), "the same founding year is not marked"
        assert '<span class="differs-marker">differs</span>' in html

    def test_one_entry_has_nothing_to_differ_from(self, client, firms):
        _response, html = page(client, "e=firm-1")
        assert 'class="differs"' not in html

    def test_unknown_is_not_recorded_never_no(self, client, firms):
        firms[0].listed = False
        firms[0].save()
        response, html = page(client, "e=firm-1,firm-2")
        listing = row(response, "Stock listing")
        assert [[i.text for i in cell] for cell in listing.cells] == [["Not listed"], []]
        assert listing.differs
        assert "not recorded" in html

    def test_recognition_timeline_products_exhibitions_and_policies(self, client, firms):
        RecognitionFactory(
            enterprise=firms[0],
            tier=Tier.LITTLE_GIANT,
            level="national",
            year=2023,
            notice_number="工信部企业函〔2023〕1号",
            notice_date=datetime.date(2023, 7, 1),
        )
        PolicyFactory(slug="national-one", scope=PolicyInitiative.Scope.NATIONAL)
        response, html = page(client, "e=firm-1,firm-2")
        timeline = row(response, "Recognitions").cells[0]
        assert len(timeline) == 2
        assert "2023" in timeline[1].text and "工信部企业函〔2023〕1号" in timeline[1].text
        assert "valid 2023-07-01 – 2026-06-30" in timeline[1].text
        assert 'href="/en/products/product-1/"' in html
        assert "/en/exhibitions/" in html
        assert 'href="/en/policies/policy-1/"' in html
        assert "1 national policy" in html and "?scope=national" in html


class TestLanguages:
    def test_chinese_page(self, client, firms):
        response, html = page(client, "e=firm-1,firm-2", language="zh")
        assert 'lang="zh-Hans"' in html
        assert firms[0].name_zh_hans in html
        assert "/compare/?e=firm-2" in html and "/en/" not in html.split("<main")[1]
        assert "地区" in html and "上市信息" in html and "认定记录" in html

    def test_english_page(self, client, firms):
        _response, html = page(client, "e=firm-1,firm-2")
        assert 'lang="en"' in html and "Enterprises compared" in html

    def test_names_in_both_languages_are_rows(self, client, firms):
        response, _html = page(client, "e=firm-1")
        assert row(response, "Name in Chinese").cells[0][0].text == firms[0].name_zh_hans
        assert row(response, "Name in English").cells[0][0].text == firms[0].name_en


class TestAdding:
    def test_a_slug_typed_is_added(self, client, firms):
        response = client.get("/en/compare/?e=firm-1&add=firm-3")
        assert response.status_code == 302
        assert response["Location"] == "/en/compare/?e=firm-1,firm-3"

    @pytest.mark.parametrize(
        "typed, location",
        [
            ("http://testserver/enterprises/firm-3/", "/en/compare/?e=firm-1,firm-3"),
            ("/en/enterprises/firm-3/", "/en/compare/?e=firm-1,firm-3"),
            (
                "https://elsewhere.example/en/products/product-2/",
                "/en/compare/?e=firm-1&p=product-2",
            ),
        ],
    )
    def test_the_address_of_an_entrys_page_is_added(self, client, firms, typed, location):
        response = client.get("/en/compare/", {"e": "firm-1", "add": typed})
        assert response.status_code == 302 and response["Location"] == location

    def test_an_address_of_another_page_is_searched_for_not_followed(self, client, firms):
        response = client.get("/en/compare/", {"e": "firm-1", "add": "/en/policies/policy-2/"})
        assert response.status_code == 200

    def test_a_name_found_by_search_is_added(self, client, firms):
        response = client.get("/en/compare/", {"e": "firm-1", "add": firms[2].name_en})
        assert response.status_code == 302
        assert response["Location"] == "/en/compare/?e=firm-1,firm-3"

    def test_several_matches_are_offered(self, client, firms):
        response, html = page(client, "e=firm-1&add=Technology")
        assert "Several entries match" in html
        assert html.count("Add Test Technology") == 4  # the four not compared yet

    def test_nothing_found_says_so_and_links_the_search(self, client, firms):
        response, html = page(client, "add=qqqzzz")
        assert "No enterprise found for “qqqzzz”." in html
        assert "/en/search/?q=qqqzzz&amp;kind=enterprise" in html

    def test_a_product_is_added_to_the_products(self, client, firms):
        response = client.get("/en/compare/?e=firm-1&add=product-2&kind=product")
        assert response["Location"] == "/en/compare/?e=firm-1&p=product-2"


class TestControls:
    def test_enterprise_list_rows_have_boxes_for_the_compare_form(self, client, firms):
        html = client.get("/en/enterprises/").content.decode()
        form = '<form id="compare-form" class="compare-form" method="get" action="/en/compare/">'
        assert form in html
        assert html.count('name="e" value="firm-') == 5
        assert 'form="compare-form"' in html and "Compare selected" in html

    def test_product_list_rows_have_boxes(self, client, firms):
        html = client.get("/en/products/").content.decode()
        assert html.count('name="p" value="product-') == 5 and 'id="compare-form"' in html

    def test_ticked_boxes_make_the_comparison(self, client, firms):
        response = client.get("/en/compare/", {"e": ["firm-2", "firm-5"]})
        assert columns(response) == ["firm-2", "firm-5"]

    @pytest.mark.parametrize(
        ("url", "link"),
        [
            ("/en/enterprises/firm-1/", "/en/compare/?e=firm-1"),
            ("/en/products/product-1/", "/en/compare/?p=product-1"),
        ],
    )
    def test_detail_pages_link_to_compare(self, client, firms, url, link):
        html = client.get(url).content.decode()
        assert f'href="{link}"' in html and "Add to comparison" in html
        assert "js/compare.js" in html

    def test_the_preview_of_a_draft_offers_no_comparison(self, staff_client, firms):
        firms[0].status = Status.DRAFT
        firms[0].save()
        html = staff_client.get("/en/enterprises/firm-1/").content.decode()
        assert firms[0].name_en in html and "Add to comparison" not in html

    def test_other_lists_of_enterprises_have_no_boxes(self, client, firms):
        html = client.get("/en/regions/region-1/").content.decode()
        assert 'form="compare-form"' not in html

    def test_no_inline_script_and_noindex(self, client, firms):
        _response, html = page(client, "e=firm-1,firm-2")
        assert '<meta name="robots" content="noindex">' in html
        for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S):
            assert script == "" or script.startswith("{")  # json_script data only
        assert 'id="compare-selection"' in html and "style=" not in html


class TestCost:
    @pytest.mark.parametrize("count", [1, 4])
    def test_query_count_does_not_grow_with_the_entries(
        self, client, firms, django_assert_num_queries, count
    ):
        slugs = ",".join(f"firm-{n}" for n in range(1, count + 1))
        # Old slugs, enterprises, recognitions, products, exhibits, regional and national
        # policies.
        with django_assert_num_queries(7):
            response = client.get(f"/en/compare/?e={slugs}")
        assert len(columns(response)) == count

    @pytest.mark.parametrize("count", [1, 4])
    def test_query_count_of_products(self, client, firms, django_assert_num_queries, count):
        slugs = ",".join(f"product-{n}" for n in range(1, count + 1))
        with django_assert_num_queries(3):  # old slugs, products, their exhibits
            client.get(f"/en/compare/?p={slugs}")

    def test_old_slugs_cost_nothing_more(self, client, firms, django_assert_num_queries):
        EnterpriseFormerSlug.objects.create(slug="old-name", entry=firms[1])
        with django_assert_num_queries(7):
            client.get("/en/compare/?e=firm-1,old-name,firm-3,firm-4")

    def test_a_comparison_is_cached_like_other_pages(self, settings, firms):
        settings.DIRECTORY_CACHE = True
        visitor = Client()
        first = visitor.get("/en/compare/?e=firm-1,firm-2")
        assert first["X-Cache"] == "miss"
        second = visitor.get("/en/compare/?e=firm-1&e=firm-2")
        assert second["X-Cache"] == "hit" and second.content == first.content

    def test_a_page_about_a_bad_address_is_not_kept(self, settings, firms):
        settings.DIRECTORY_CACHE = True
        response = Client().get("/en/compare/?e=firm-1,nobody")
        assert "X-Cache" not in response
        assert "no-cache" in response["Cache-Control"]


def test_a_citys_policies_are_listed_for_firms_of_that_city_only(client, db):
    region = RegionFactory(code="44", slug="guangdong")
    province = PolicyFactory(slug="province-wide", scope="regional", region=region)
    city = PolicyFactory(
        slug="shenzhen-only",
        scope="regional",
        region=region,
        city_zh_hans="深圳",
        city_en="Shenzhen",
    )
    EnterpriseFactory(slug="in-guangzhou", region=region, city_zh_hans="广州", city_en="Guangzhou")
    EnterpriseFactory(slug="in-shenzhen", region=region, city_zh_hans="深圳市", city_en="")
    EnterpriseFactory(slug="city-unknown", region=region, city_zh_hans="", city_en="")
    _response, html = page(client, "e=in-guangzhou")
    assert province.get_absolute_url() in html and city.get_absolute_url() not in html
    _response, html = page(client, "e=in-shenzhen")
    assert city.get_absolute_url() in html and "(Shenzhen only)" not in html
    _response, html = page(client, "e=city-unknown")
    assert city.get_absolute_url() in html and "(Shenzhen only)" in html
