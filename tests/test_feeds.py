import xml.etree.ElementTree as ET

import pytest
from django.test.utils import override_settings

from enterprises.feeds import FEED_SIZE
from enterprises.models import Size, Status
from tests.factories import (
    EnterpriseFactory,
    ExhibitionFactory,
    PolicyFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response):
    """The feed's root element, after checking it is a well-formed Atom document."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entry_links(root):
    return [
        entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        for entry in root.findall(f"{ATOM}entry")
    ]


def entry_titles(root):
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


@pytest.fixture
def varied():
    """Enterprises with different founding years, sizes and regions, one of them a draft."""
    regions = [RegionFactory(code="21"), RegionFactory(code="44")]
    sizes = list(Size.values)
    for n in range(27):
        EnterpriseFactory(
            founded_year=1990 + n % 9,
            size=sizes[n % len(sizes)],
            region=regions[n % 2],
        )
    return EnterpriseFactory(name_en="Hidden draft", status=Status.DRAFT, founded_year=1995)


@pytest.mark.parametrize(
    ("path", "factory", "field"),
    [
        ("/en/enterprises/latest.atom", EnterpriseFactory, "name_en"),
        ("/en/policies/latest.atom", PolicyFactory, "title_en"),
        ("/en/exhibitions/latest.atom", ExhibitionFactory, "name_en"),
    ],
)
def test_latest_feed_lists_published_entries_newest_first(client, path, factory, field):
    first, second = factory(), factory()
    factory(**{field: "A draft", "status": Status.DRAFT})
    first.save()  # updated after the second: newest first
    root = atom(client.get(path))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert entry_titles(root) == [getattr(first, field), getattr(second, field)]
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith(path)


def test_feed_is_in_the_language_of_its_address(client):
    enterprise = EnterpriseFactory()
    chinese = atom(client.get("/enterprises/latest.atom"))
    english = atom(client.get("/en/enterprises/latest.atom"))
    assert entry_titles(chinese) == [enterprise.name_zh_hans]
    assert entry_titles(english) == [enterprise.name_en]
    assert entry_links(chinese)[0].endswith(f"/enterprises/{enterprise.slug}/")
    assert entry_links(english)[0].endswith(f"/en/enterprises/{enterprise.slug}/")


def test_feed_size_is_bounded_and_queries_do_not_grow(
    client, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("enterprises.feeds.FEED_SIZE", 5)
    EnterpriseFactory.create_batch(6)
    with django_assert_max_num_queries(3) as few:
        assert len(entry_links(atom(client.get("/en/enterprises/latest.atom")))) == 5
    EnterpriseFactory.create_batch(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(entry_links(atom(client.get("/en/enterprises/latest.atom")))) == 5


def list_slugs(client, query):
    """The slugs of the list page's rows for a query string, page after page."""
    separator = "&" if query else ""
    slugs, page = [], 1
    while True:
        response = client.get(f"/en/enterprises/?{query}{separator}page={page}")
        assert response.status_code == 200
        slugs += [enterprise.slug for enterprise in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "founded_from=1994",
        "founded_from=1992&founded_to=1996&sort=-founded",
        "size=small",
        "region=region-44&sort=-updated",
        "sort=founded",
    ],
)
def test_filtered_feed_has_the_rows_of_the_list_in_its_order(client, varied, query):
    root = atom(client.get(f"/en/enterprises/feed.atom?{query}"))
    feed = [link.rstrip("/").rsplit("/", 1)[1] for link in entry_links(root)]
    listed = list_slugs(client, query)
    assert feed == listed[:FEED_SIZE]
    assert len(feed) > 1
    assert varied.slug not in feed
    alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate.endswith("/en/enterprises/" + (f"?{query}" if query else ""))


def test_filtered_feed_keeps_its_filters_in_its_own_address(client, varied):
    root = atom(client.get("/en/enterprises/feed.atom?size=small&page=3&unknown=1"))
    assert (
        root.find(f"{ATOM}link[@rel='self']")
        .get("href")
        .endswith("/en/enterprises/feed.atom?size=small")
    )
    assert root.findtext(f"{ATOM}title") == "Enterprises matching these filters"


@pytest.mark.parametrize(
    "query",
    [
        "founded_from=abc",
        "founded_from=2000&founded_to=1990",
        "size=enormous",
        "region=nowhere",
        "sort=password",
        "founded_from=" + "9" * 40,
        "q=" + "x" * 5000,
    ],
)
def test_invalid_filters_get_a_400_saying_why(client, varied, query):
    response = client.get(f"/en/enterprises/feed.atom?{query}")
    assert response.status_code == 400
    assert b"filters are not valid" in response.content
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_nul_in_a_feed_query_is_refused(client):
    assert client.get("/en/enterprises/feed.atom?q=a%00b").status_code == 400


def test_list_page_links_to_its_feed(client, varied):
    response = client.get("/en/enterprises/?founded_from=1990&page=2")
    html = response.content.decode()
    href = "/en/enterprises/feed.atom?founded_from=1990"
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{href}"' in html
    assert f'<a href="{href}" type="application/atom+xml">' in html


def test_list_page_with_invalid_filters_offers_no_feed(client, varied):
    html = client.get("/en/enterprises/?founded_from=abc").content.decode()
    assert "feed.atom" not in html


@override_settings(DIRECTORY_CACHE=True)
def test_page_cache_keeps_filtered_feeds_apart_and_never_keeps_a_refusal(client, varied):
    small = client.get("/en/enterprises/feed.atom?size=small")
    assert small["X-Cache"] == "miss"
    again = client.get("/en/enterprises/feed.atom?size=small")
    assert again["X-Cache"] == "hit"
    assert again.content == small.content
    medium = client.get("/en/enterprises/feed.atom?size=medium")
    assert medium["X-Cache"] == "miss"
    assert medium.content != small.content
    for _attempt in range(2):
        refused = client.get("/en/enterprises/feed.atom?size=enormous")
        assert refused.status_code == 400
        assert "X-Cache" not in refused
