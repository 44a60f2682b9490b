import xml.etree.ElementTree as ET

import pytest
from django.test.utils import override_settings
from django.utils import timezone

from enterprises import sitemaps
from enterprises.models import Status
from tests.factories import (
    EnterpriseFactory,
    ExhibitionFactory,
    PolicyFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def parsed(response, root_tag):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}{root_tag}"
    return root


def index_locations(client):
    root = parsed(client.get("/sitemap.xml"), "sitemapindex")
    return [element.findtext(f"{SITEMAP}loc") for element in root.findall(f"{SITEMAP}sitemap")]


def urlset(client, path):
    """{location: {hreflang: alternate}} of one sitemap file."""
    root = parsed(client.get(path), "urlset")
    found = {}
    for url in root.findall(f"{SITEMAP}url"):
        links = url.findall(f"{XHTML}link")
        assert all(link.get("rel") == "alternate" for link in links)
        found[url.findtext(f"{SITEMAP}loc")] = {
            link.get("hreflang"): link.get("href") for link in links
        }
    return found


def test_index_names_one_sitemap_per_kind_and_language(client):
    EnterpriseFactory()
    locations = index_locations(client)
    kinds = ["pages", "enterprises", "products", "exhibitions", "policies", "regions", "people"]
    expected = [
        f"http://testserver/sitemap-{kind}-{language}.xml"
        for kind in kinds
        for language in ("zh-hans", "en")
    ]
    assert locations == expected
    for location in locations:
        urlset(client, location.removeprefix("http://testserver"))


def test_robots_txt_names_the_sitemap_and_keeps_the_admin_out(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /en/admin/" in lines


def test_entries_have_both_languages_and_x_default(client):
    enterprise = EnterpriseFactory()
    chinese = f"http://testserver/enterprises/{enterprise.slug}/"
    english = f"http://testserver/en/enterprises/{enterprise.slug}/"
    alternates = {"zh-Hans": chinese, "en": english, "x-default": chinese}
    assert urlset(client, "/sitemap-enterprises-zh-hans.xml") == {chinese: alternates}
    assert urlset(client, "/sitemap-enterprises-en.xml") == {english: alternates}


def test_entry_without_an_english_name_is_left_out_of_the_english_sitemap(client):
    enterprise = EnterpriseFactory(name_en="")
    chinese = f"http://testserver/enterprises/{enterprise.slug}/"
    assert urlset(client, "/sitemap-enterprises-en.xml") == {}
    assert urlset(client, "/sitemap-enterprises-zh-hans.xml") == {
        chinese: {"zh-Hans": chinese, "x-default": chinese}
    }


@pytest.mark.parametrize(
    ("factory", "label", "path"),
    [
        (EnterpriseFactory, "enterprises", "enterprises"),
        (ProductFactory, "products", "products"),
        (ExhibitionFactory, "exhibitions", "exhibitions"),
        (PolicyFactory, "policies", "policies"),
    ],
)
def test_drafts_are_absent(client, factory, label, path):
    shown = factory()
    factory(status=Status.DRAFT)
    factory(status=Status.REVIEW)
    factory(status=Status.ARCHIVED)
    for language, prefix in (("zh-hans", ""), ("en", "/en")):
        locations = urlset(client, f"/sitemap-{label}-{language}.xml")
        assert list(locations) == [f"http://testserver{prefix}/{path}/{shown.slug}/"]


def test_product_of_a_draft_enterprise_is_absent(client):
    ProductFactory(enterprise=EnterpriseFactory(status=Status.DRAFT))
    assert urlset(client, "/sitemap-products-en.xml") == {}


def test_entries_carry_their_last_change(client):
    enterprise = EnterpriseFactory()
    root = parsed(client.get("/sitemap-enterprises-en.xml"), "urlset")
    lastmod = root.find(f"{SITEMAP}url").findtext(f"{SITEMAP}lastmod")
    assert lastmod == f"{timezone.localtime(enterprise.updated_at):%Y-%m-%d}"


def test_static_pages_are_listed_in_both_languages(client):
    pages = urlset(client, "/sitemap-pages-en.xml")
    assert "http://testserver/en/enterprises/" in pages
    assert pages["http://testserver/en/"] == {
        "zh-Hans": "http://testserver/",
        "en": "http://testserver/en/",
        "x-default": "http://testserver/",
    }


def test_files_are_split_by_key_ranges(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    enterprises = EnterpriseFactory.create_batch(5)
    locations = index_locations(client)
    files = [loc for loc in locations if "sitemap-enterprises-en.xml" in loc]
    assert files == [
        "http://testserver/sitemap-enterprises-en.xml",
        "http://testserver/sitemap-enterprises-en.xml?p=2",
        "http://testserver/sitemap-enterprises-en.xml?p=3",
    ]
    seen = []
    for number in (1, 2, 3):
        rows = urlset(client, f"/sitemap-enterprises-en.xml?p={number}")
        assert len(rows) <= 2
        seen += list(rows)
    assert seen == [f"http://testserver/en/enterprises/{e.slug}/" for e in enterprises]


@pytest.mark.parametrize("page", ["0", "2", "-1", "abc", "9" * 40, "1.5"])
def test_a_page_past_the_end_or_not_a_number_is_404(client, page):
    EnterpriseFactory()
    assert client.get(f"/sitemap-enterprises-en.xml?p={page}").status_code == 404


def test_unknown_section_is_404(client):
    assert client.get("/sitemap-secrets-en.xml").status_code == 404


def test_a_file_costs_the_same_queries_however_many_rows(client, django_assert_max_num_queries):
    EnterpriseFactory.create_batch(3)
    with django_assert_max_num_queries(2) as few:
        assert len(urlset(client, "/sitemap-enterprises-en.xml")) == 3
    EnterpriseFactory.create_batch(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(urlset(client, "/sitemap-enterprises-en.xml")) == 9


def test_index_costs_one_query_per_kind_and_language(client, django_assert_max_num_queries):
    EnterpriseFactory.create_batch(3)
    with django_assert_max_num_queries(len(sitemaps.KINDS) * 2):
        index_locations(client)


@override_settings(DIRECTORY_CACHE=True)
def test_page_cache_keeps_the_files_apart(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    EnterpriseFactory.create_batch(3)
    first = client.get("/sitemap-enterprises-en.xml")
    second = client.get("/sitemap-enterprises-en.xml?p=2")
    assert first.content != second.content
    assert client.get("/sitemap-enterprises-en.xml?p=2")["X-Cache"] == "hit"
    assert client.get("/sitemap-enterprises-en.xml?p=7").status_code == 404
