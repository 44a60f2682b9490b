import pytest
from django.test import Client
from django.utils import timezone

from api.changes import KINDS
from enterprises.models import (
    Enterprise,
    Exhibition,
    Indicator,
    Industry,
    Person,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    Statement,
    Status,
)
from tests import releasing
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    ProductFactory,
    RecognitionFactory,
    SourceFactory,
)
from tests.releasing import parquet_rows, publish

pytestmark = pytest.mark.django_db
release_storage = releasing.release_storage

URL = "/api/v1/changes/"


def read_feed(client, since, page_size=100):
    """Every event since `since`, following the next links until caught up."""
    events, url, params = [], URL, {"since": since.isoformat(), "page_size": page_size}
    for _ in range(1000):
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        page = response.json()
        events += page["results"]
        url, params = page["next"], {}
        if page["caught_up"]:
            return events
    raise AssertionError("the feed never caught up")


def edit_everything():
    """Edits of each kind the feed follows, and of drafts, which it must not show."""
    first, second = Enterprise.objects.published().order_by("pk")[:2]
    first.name_en = "Renamed In The Feed"
    first.save()
    second.status = Status.ARCHIVED
    second.save()
    waiting = Enterprise.objects.get(slug="waiting-draft")
    waiting.status = Status.PUBLISHED
    waiting.save()
    doomed = EnterpriseFactory(slug="short-lived")
    EnterpriseFactory(slug="brand-new-in-feed")
    doomed.delete()
    secret = EnterpriseFactory(slug="secret-draft", status=Status.DRAFT)
    secret.name_en = "Still Secret"
    secret.save()
    exhibition = Exhibition.objects.published().order_by("pk").first()
    exhibition.name_en = "Renamed Fair"
    exhibition.save()
    indicator = Indicator.objects.published().order_by("pk").first()
    indicator.status = Status.ARCHIVED
    indicator.save()
    person = Person.objects.published().order_by("pk").first()
    person.name_en = "Renamed Person"
    person.save()
    region = Region.objects.order_by("pk").first()
    region.name_en = "Renamed Region"
    region.save()
    industry = Industry.objects.order_by("pk").first()
    industry.name_en = "Renamed Industry"
    industry.save()


def waiting_rows():
    """A draft firm with rows of its own (hidden with it), and a public firm to move them to
    and from; made before the first release."""
    waiting = EnterpriseFactory(slug="waiting-draft", status=Status.DRAFT)
    RecognitionFactory(enterprise=waiting)
    product = ProductFactory(enterprise=waiting, slug="waiting-product")
    exhibition = Exhibition.objects.published().order_by("pk").first()
    ExhibitFactory(product=product, exhibition=exhibition)
    person = Person.objects.published().order_by("pk").first()
    Statement.objects.create(
        person=person,
        slug="for-the-waiting-firm",
        paraphrase="Said for a firm not yet published.",
        enterprise=waiting,
        source=SourceFactory(),
        status=Status.PUBLISHED,
    )
    doomed_draft = EnterpriseFactory(slug="doomed-draft", status=Status.DRAFT)
    Statement.objects.create(
        person=person,
        slug="for-a-doomed-draft",
        paraphrase="Said for a draft firm that will be deleted.",
        enterprise=doomed_draft,
        source=SourceFactory(),
        status=Status.PUBLISHED,
    )
    ProductFactory(slug="moving-product", enterprise=Enterprise.objects.published().first())


def edit_children():
    """Edits of the rows that belong to entries: their own, and their entries' comings and
    goings (publishing the waiting firm brings its rows; archiving a firm takes its rows
    with it; deleting a draft firm frees its statements, which are then public)."""
    published = Enterprise.objects.published().order_by("pk")
    recognition = Recognition.objects.filter(enterprise__in=published).order_by("pk").first()
    recognition.notice_number = "Changed in the feed"
    recognition.save()
    RecognitionFactory(enterprise=published[0], year=2025)
    product = Product.objects.published().order_by("pk").first()
    product.name_en = "Renamed Product"
    product.save()
    ExhibitFactory(product=product, exhibition=Exhibition.objects.published().last())
    target = PolicyTarget.objects.filter(initiative__status=Status.PUBLISHED).first()
    target.measure = "A renamed measure"
    target.save()
    statement = Statement.objects.published().order_by("pk").first()
    statement.paraphrase = "A changed paraphrase."
    statement.save()
    moving = Product.objects.get(slug="moving-product")
    moving.enterprise = Enterprise.objects.get(slug="doomed-draft")
    moving.save()
    moving.delete()
    Enterprise.objects.get(slug="doomed-draft").delete()


def mirrored(rows, events, kind):
    rows = dict(rows)
    for event in events:
        if event["kind"] != kind:
            continue
        if event["event"] in ("archived", "deleted"):
            rows.pop((event["id"],), None)
        else:
            rows[(event["id"],)] = event["values"]
    return rows


def test_release_plus_feed_gives_the_current_directory(client, curated, release_storage):
    waiting_rows()
    first = publish()
    edit_everything()
    edit_children()
    events = read_feed(client, first.timepoint, page_size=3)
    statement_slug = Statement.objects.published().order_by("pk").first().slug
    now = publish()
    for kind in KINDS:
        old = parquet_rows(release_storage, first, kind.table)
        new = parquet_rows(release_storage, now, kind.table)
        assert mirrored(old, events, kind.name) == new, kind.name
    happened = {(e["kind"], e["slug"], e["event"]) for e in events}
    assert {
        ("enterprise", "waiting-draft", "published"),
        ("enterprise", "brand-new-in-feed", "created"),
        ("enterprise", "short-lived", "created"),
        ("enterprise", "short-lived", "deleted"),
    } <= happened
    kinds = {(kind, event) for kind, _, event in happened}
    assert {("enterprise", "updated"), ("enterprise", "archived"), ("indicator", "archived")} <= (
        kinds
    )
    assert not any("secret" in (slug or "") for _, slug, _ in happened)
    # The waiting firm's rows came with it, the archived firm's went with it.
    assert {
        ("product", "waiting-product", "published"),
        ("recognition", None, "published"),
        ("exhibit", None, "published"),
        ("statement", "for-the-waiting-firm", "published"),
        ("recognition", None, "archived"),
        ("recognition", None, "updated"),
        ("recognition", None, "created"),
        ("product", "moving-product", "archived"),
        ("target", target_slug(events), "updated"),
        ("statement", statement_slug, "updated"),
    } <= happened


def target_slug(events):
    return next(e["slug"] for e in events if e["kind"] == "target")


def test_an_entry_and_its_rows_share_a_page(client, curated):
    enterprise = EnterpriseFactory(slug="with-rows", status=Status.DRAFT)
    for year in (2021, 2022, 2023):
        RecognitionFactory(enterprise=enterprise, year=year)
    since = timezone.now()
    EnterpriseFactory(slug="before-it")
    enterprise.status = Status.PUBLISHED
    enterprise.save()
    first = client.get(URL, {"since": since.isoformat(), "page_size": 2}).json()
    # The firm and its three recognitions would make a page of 5: the page stops before.
    assert [(e["kind"], e["event"]) for e in first["results"]] == [("enterprise", "created")]
    second = client.get(first["next"]).json()
    assert [(e["kind"], e["event"]) for e in second["results"]] == [
        ("enterprise", "published"),
        *[("recognition", "published")] * 3,
    ]


def test_a_draft_firms_rows_never_appear(client, curated):
    since = timezone.now()
    secret = EnterpriseFactory(slug="secret-draft", status=Status.DRAFT)
    RecognitionFactory(enterprise=secret)
    product = ProductFactory(enterprise=secret)
    product.name_en = "Secret product"
    product.save()
    ExhibitFactory(product=product, exhibition=Exhibition.objects.published().first())
    assert read_feed(client, since) == []


def test_drafts_never_appear_in_the_feed(client, curated, release_storage):
    first = publish()
    secret = EnterpriseFactory(slug="secret-draft", status=Status.DRAFT)
    secret.name_en = "Still Secret"
    secret.save()
    secret.status = Status.REVIEW
    secret.save()
    secret.delete()
    events = read_feed(client, first.timepoint)
    assert events == []


def test_updates_name_the_fields_that_changed(client, curated):
    enterprise = Enterprise.objects.published().order_by("pk").first()
    since = timezone.now()
    enterprise.name_en = "Changed Name"
    enterprise.save()
    (event,) = read_feed(client, since)
    assert event["event"] == "updated" and event["slug"] == enterprise.slug
    assert "name_en" in event["fields"] and "name_zh_hans" not in event["fields"]
    assert event["values"]["name_en"] == "Changed Name"


def test_pages_continue_without_repeats(client, curated):
    since = timezone.now()
    for n in range(5):
        EnterpriseFactory(slug=f"paged-{n}")
    events = read_feed(client, since, page_size=2)
    assert [e["slug"] for e in events] == [f"paged-{n}" for n in range(5)]
    response = client.get(URL, {"since": since.isoformat(), "page_size": 2})
    assert len(response.json()["results"]) == 2 and not response.json()["caught_up"]


def test_a_cursor_polled_later_returns_what_happened_meanwhile(client, curated):
    since = timezone.now()
    page = client.get(URL, {"since": since.isoformat()}).json()
    assert page["results"] == [] and page["caught_up"]
    EnterpriseFactory(slug="arrived-later")
    later = client.get(page["next"]).json()
    assert [e["slug"] for e in later["results"]] == ["arrived-later"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"since": "yesterday"},
        {"since": "2026-13-40T00:00:00Z"},
        {"since": "2026-01-01T00:00:00"},
        {"since": "2026-01-01T00:00:00Z\x00"},
        {"since": "9" * 5000},
        {"cursor": "not-a-cursor"},
        {"cursor": "W10"},
        {"cursor": "x" * 5000},
        {"since": "2026-01-01T00:00:00Z", "page_size": "0"},
        {"since": "2026-01-01T00:00:00Z", "page_size": "101"},
        {"since": "2026-01-01T00:00:00Z", "page_size": "ten"},
        {"since": "2026-01-01T00:00:00Z", "page_size": "9" * 40},
        {"since": "2999-01-01T00:00:00Z"},
    ],
)
def test_bad_input_is_a_400_with_a_message(db, params):
    response = Client().get(URL, params)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert errors and all(messages for messages in errors.values())


def test_a_timepoint_with_an_offset_is_accepted(db):
    response = Client().get(URL + "?since=2026-01-01T08:00:00+08:00")
    assert response.status_code == 200


def test_the_feed_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/").json()
    assert "/api/v1/changes/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/changes/"]["get"]["parameters"]}
    assert {"since", "cursor", "page_size"} <= parameters
