"""Downloads of the lists and of search: the page's rows, all of them, in its language."""

import csv
import datetime
import io
import json

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from enterprises.downloads import writing
from enterprises.formats import neutralise
from enterprises.models import Enterprise, Exhibition, PolicyInitiative, Product, Status

from .factories import EnterpriseFactory, ProductFactory, RegionFactory, SourceFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "enterprises": [
        "",
        "tier=specialized",
        "sort=-founded",
        "sort=updated",
        "q=科技",
        "q=robot&sort=name",
        "founded_from=2000",
    ],
    "products": ["", "q=机器人", "tier=little_giant"],
    "exhibitions": ["", "year=2023", "q=博览会"],
    "policies": ["", "scope=national", "q=专精特新"],
}
CASES = [(kind, query) for kind, queries in LISTS.items() for query in queries]


def body(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    content = body(response).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def jsonl_rows(response):
    return [json.loads(line) for line in body(response).decode().splitlines()]


def page_slugs(client, url):
    """The slugs a list page shows for a query, page after page."""
    slugs, number = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        context = client.get(f"{url}{separator}page={number}").context
        slugs += [entry.slug for entry in context["object_list"]]
        if not context["page_obj"].has_next():
            return slugs
        number += 1


@pytest.fixture
def crowd(curated):
    """The curated directory and enough more enterprises for lists of several pages, with
    ties and unknown years in the orders."""
    tiers = ["specialized", "innovative", "little_giant"]
    for n in range(27):
        EnterpriseFactory(
            tier=tiers[n % 3],
            founded_year=None if n % 5 == 0 else 1995 + n % 7,
            name_zh_hans=f"机器人科技{n}有限公司",
            name_en=f"Robot Technology {n} Co., Ltd.",
        )


def abandon(response):
    """Close a response unread, as a server does when its client goes away (without closing
    the test's database connection, as the test client itself does)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("kind", "query"), CASES)
def test_a_download_has_the_rows_of_the_page_in_its_order(client, crowd, kind, query):
    url = f"/en/{kind}/" + (f"?{query}" if query else "")
    expected = page_slugs(client, url)
    response = client.get(f"/en/{kind}/download.jsonl" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert [row["slug"] for row in jsonl_rows(response)] == expected


def test_every_format_has_the_same_rows(client, crowd):
    slugs = [row["slug"] for row in jsonl_rows(client.get("/en/enterprises/download.jsonl"))]
    assert len(slugs) > 30
    rows = csv_rows(client.get("/en/enterprises/download.csv?columns=machine"))
    assert [row[0] for row in rows[1:]] == slugs
    response = client.get("/en/enterprises/download.xlsx")
    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    sheet_rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert sheet_rows[0][0] == "Key"
    assert [row[0] for row in sheet_rows[1:]] == slugs


SEARCHES = {
    "enterprise": "科技",
    "product": "机器人",
    "policy": "专精特新",
    "exhibition": "中小企业",
}


@pytest.mark.parametrize("kind", SEARCHES)
def test_a_search_download_has_the_rows_of_the_search_page(client, crowd, kind):
    expected, number = [], 1
    while True:
        context = client.get(f"/en/search/?q={SEARCHES[kind]}&kind={kind}&page={number}").context
        expected += [hit.obj.slug for hit in context["hits"]]
        if not context["page_obj"].has_next():
            break
        number += 1
    assert expected, "the directory should match this search"
    response = client.get(f"/en/search/download.jsonl?q={SEARCHES[kind]}&kind={kind}")
    assert [row["slug"] for row in jsonl_rows(response)] == expected


def test_headers_and_values_are_in_the_language_of_the_page(client, db):
    EnterpriseFactory(tier="specialized", name_en="Able Ltd", name_zh_hans="甲公司")
    english = csv_rows(client.get("/en/enterprises/download.csv"))
    chinese = csv_rows(client.get("/enterprises/download.csv"))
    column = english[0].index("Tier")
    assert english[1][column] == "Specialized and sophisticated SME"
    assert english[1][english[0].index("Name")] == "Able Ltd"
    assert chinese[1][english[0].index("Name")] == "甲公司"
    assert chinese[0] != english[0]


def test_machine_columns_are_the_same_in_both_languages(client, db):
    EnterpriseFactory(tier="specialized")
    english = csv_rows(client.get("/en/enterprises/download.csv?columns=machine"))
    chinese = csv_rows(client.get("/enterprises/download.csv?columns=machine"))
    assert english[0] == chinese[0]
    assert english[0][:3] == ["slug", "name", "credit_code"]
    assert "tier_code" in english[0] and "source_urls" in english[0]
    assert english[1][english[0].index("tier_code")] == "specialized"


def test_each_row_carries_its_sources(client, db):
    enterprise = EnterpriseFactory()
    first = SourceFactory(url="https://example.com/a")
    second = SourceFactory(url="https://example.com/b")
    enterprise.sources.add(first, second)
    (row,) = jsonl_rows(client.get("/en/enterprises/download.jsonl"))
    assert set(row["source_slugs"].split(" | ")) == {first.slug, second.slug}
    assert set(row["source_urls"].split(" | ")) == {first.url, second.url}
    assert first.title_en in row["source_titles"]
    assert row["url"] == f"http://testserver/en/enterprises/{enterprise.slug}/"


def test_formulas_are_neutralised_in_csv_and_stored_as_text_in_xlsx(client, db):
    EnterpriseFactory(name_en='=HYPERLINK("http://evil")', ticker="+1", city_en="@SUM(A1)")
    rows = csv_rows(client.get("/en/enterprises/download.csv?columns=machine"))
    header, row = rows
    assert row[header.index("name")] == '\'=HYPERLINK("http://evil")'
    assert row[header.index("city")] == "'@SUM(A1)"
    book = load_workbook(io.BytesIO(body(client.get("/en/enterprises/download.xlsx"))))
    cell = book.worksheets[0].cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"


@pytest.mark.parametrize(
    "query", ["tier=bogus", "founded_from=abc", "founded_from=2020&founded_to=2010", "sort=x"]
)
def test_an_invalid_filter_is_a_400_saying_why(client, db, query):
    response = client.get(f"/en/enterprises/download.csv?{query}")
    assert response.status_code == 400
    assert not response.streaming
    assert b"could not be understood" in response.content
    page = client.get(f"/en/enterprises/?{query}")
    assert "Some filters could not be applied" in page.content.decode()


@pytest.mark.parametrize("query", ["", "q=robot", "q=robot&kind=nothing", "kind=product"])
def test_a_search_download_needs_a_search_and_a_kind(client, db, query):
    assert client.get(f"/en/search/download.csv?{query}").status_code == 400


@pytest.mark.parametrize("value", ["bogus", "MACHINE", "x" * 5000])
def test_an_unknown_column_form_is_a_400(client, db, value):
    response = client.get(f"/en/enterprises/download.csv?columns={value}")
    assert response.status_code == 400
    assert "machine" in response.content.decode()


def test_an_unknown_format_is_not_found(client, db):
    assert client.get("/en/enterprises/download.pdf").status_code == 404


def test_drafts_never_appear(client, db):
    shown = EnterpriseFactory()
    EnterpriseFactory(status=Status.DRAFT, slug="draft-enterprise")
    for path in ("/en/enterprises/download.jsonl", "/en/products/download.jsonl"):
        assert b"draft-" not in body(client.get(path))
    slugs = [row["slug"] for row in jsonl_rows(client.get("/en/enterprises/download.jsonl"))]
    assert slugs == [shown.slug]
    assert Enterprise.objects.count() == 2


def test_drafts_are_absent_from_every_list(client, curated):
    for model, kind in (
        (Enterprise, "enterprises"),
        (Product, "products"),
        (Exhibition, "exhibitions"),
        (PolicyInitiative, "policies"),
    ):
        model.objects.filter(pk=model.objects.published().first().pk).update(status=Status.DRAFT)
        slugs = {row["slug"] for row in jsonl_rows(client.get(f"/en/{kind}/download.jsonl"))}
        drafts = set(model.objects.exclude(status=Status.PUBLISHED).values_list("slug", flat=True))
        assert drafts and not slugs & drafts


@pytest.mark.parametrize("rows", [6, 31])
def test_queries_grow_by_batch_not_by_row(client, db, monkeypatch, rows):
    monkeypatch.setattr(writing, "BATCH_SIZE", 5)
    EnterpriseFactory.create_batch(rows)
    with CaptureQueriesContext(connection) as queries:
        content = body(client.get("/en/enterprises/download.csv"))
    assert content.count(b"\n") == rows + 1
    batches = rows // 5 + 1  # the last one short
    # Per batch: its rows, and their sources; besides, a constant few (the filter form).
    assert len(queries) - 2 * batches <= 4


@pytest.mark.parametrize("kind", ["products", "enterprises"])
def test_a_rows_related_entries_cost_no_query_per_row(client, db, monkeypatch, kind):
    """A product's maker, its region and tier come with the row (they once took a query
    each, per row)."""
    monkeypatch.setattr(writing, "BATCH_SIZE", 5)
    for _ in range(12):
        ProductFactory(enterprise=EnterpriseFactory(region=RegionFactory()))
    with CaptureQueriesContext(connection) as queries:
        content = body(client.get(f"/en/{kind}/download.csv"))
    assert content.count(b"\n") == 13
    assert len(queries) - 2 * 3 <= 5  # rows and sources per batch, a few once


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "plain",
        "'quoted",
        "''=x",
        "=1+2",
        "+1",
        "-1",
        "@a",
        "\tx",
        "\rx",
        "＝1",
        "＋1",
        "－1",
        "＠a",
        "a=b",
        " =x",
        0,
        12,
        1.5,
        True,
        datetime.date(2026, 1, 2),
    ],
)
def test_the_fast_csv_cell_is_neutralise_of_csv_value(value):
    assert writing.csv_cell(value) == neutralise(writing.csv_value(value))


def test_the_download_names_its_file_in_both_scripts(client, db):
    english = client.get("/en/enterprises/download.csv")["Content-Disposition"]
    assert english.startswith('attachment; filename="enterprises-')
    chinese = client.get("/enterprises/download.xlsx")["Content-Disposition"]
    assert 'filename="enterprises-' in chinese
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A-" in chinese


def test_a_download_is_never_cached(client, db, settings):
    settings.DIRECTORY_CACHE = True
    EnterpriseFactory()
    for _attempt in range(2):
        response = client.get("/en/enterprises/download.csv")
        assert response.streaming and "X-Cache" not in response
        assert "no-store" in response["Cache-Control"]
        body(response)


def test_a_client_runs_a_bounded_number_of_downloads(client, db, settings):
    settings.DOWNLOADS_PER_CLIENT_AT_ONCE = 1
    settings.DOWNLOADS_PER_CLIENT_PER_HOUR = 3
    running = client.get("/en/enterprises/download.csv")
    refused = client.get("/en/enterprises/download.csv")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    abandon(running)  # the first one ends unread: another may start
    for _attempt in range(2):
        response = client.get("/en/enterprises/download.csv")
        assert response.status_code == 200
        body(response)
    over = client.get("/en/enterprises/download.csv")
    assert over.status_code == 429 and 0 < int(over["Retry-After"]) <= 3600


def test_list_pages_and_search_link_their_downloads(client, curated):
    html = client.get("/en/enterprises/?tier=specialized&page=1").content.decode()
    assert 'href="/en/enterprises/download.csv?tier=specialized"' in html
    assert 'href="/en/enterprises/download.xlsx?tier=specialized"' in html
    assert 'aria-labelledby="downloads-heading"' in html
    html = client.get("/search/?q=科技&kind=enterprise").content.decode()
    assert 'href="/search/download.jsonl?q=' in html
