"""The API's search: the site's engine, every kind in one paged list, bad input refused."""

import pytest

from enterprises.models import Status
from tests.factories import EnterpriseFactory, ExhibitionFactory, PolicyFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def robots(db):
    """Published entries of every kind named for robots, and drafts that are too."""
    firms = [
        EnterpriseFactory(slug=f"robot-firm-{n}", name_en=f"Robot Works {n}", name_zh_hans="")
        for n in range(3)
    ]
    EnterpriseFactory(slug="robot-draft", name_en="Robot Draft", status=Status.DRAFT)
    ProductFactory(
        slug="robot-arm", name_en="Robot arm", name_zh_hans="机器人手臂", enterprise=firms[0]
    )
    ProductFactory(
        slug="robot-hidden", name_en="Robot hidden", enterprise=firms[0], status=Status.DRAFT
    )
    PolicyFactory(slug="robot-plan", title_en="Robot plan", title_zh_hans="机器人计划")
    ExhibitionFactory(slug="robot-fair", name_en="Robot fair", name_zh_hans="机器人展")
    return firms


def search(client, query, **headers):
    return client.get(f"/api/v1/search/?{query}", **headers)


def test_every_kind_found_with_links_and_names(client, robots):
    response = search(client, "q=robot")
    assert response.status_code == 200, response.content
    page = response.json()
    hits = [(hit["kind"], hit["slug"]) for hit in page["results"]]
    assert sorted(hits) == sorted(
        [("enterprise", f"robot-firm-{n}") for n in range(3)]
        + [("product", "robot-arm"), ("policy", "robot-plan"), ("exhibition", "robot-fair")]
    )
    assert [kind for kind, _slug in hits] == sorted(
        (kind for kind, _slug in hits), key=["enterprise", "product", "policy", "exhibition"].index
    )
    assert page["counts"] == {"enterprise": 3, "product": 1, "policy": 1, "exhibition": 1}
    assert page["count"] == 6 and page["next"] is None and page["previous"] is None
    arm = next(hit for hit in page["results"] if hit["slug"] == "robot-arm")
    assert arm["name"] == {"zh-hans": "机器人手臂", "en": "Robot arm"}
    assert arm["url"] == "http://testserver/api/v1/products/robot-arm/"
    assert client.get(arm["url"]).status_code == 200
    plan = next(hit for hit in page["results"] if hit["kind"] == "policy")
    assert plan["name"]["en"] == "Robot plan"  # a policy's title


def test_one_kind_and_pages(client, robots):
    first = search(client, "q=robot&kind=enterprise&page_size=2").json()
    assert [hit["kind"] for hit in first["results"]] == ["enterprise", "enterprise"]
    assert first["count"] == 3 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert second["previous"].endswith("page=1") or "page=1" in second["previous"]
    slugs = {hit["slug"] for hit in first["results"] + second["results"]}
    assert slugs == {f"robot-firm-{n}" for n in range(3)}


def test_pages_across_kinds(client, robots):
    """A page that starts in one kind's matches and ends in the next kind's."""
    rows = []
    url = "/api/v1/search/?q=robot&page_size=4"
    while url:
        page = client.get(url).json()
        rows += [(hit["kind"], hit["slug"]) for hit in page["results"]]
        url = page["next"]
    assert len(rows) == 6 and len(set(rows)) == 6


def test_drafts_never_found(client, robots):
    found = {hit["slug"] for hit in search(client, "q=robot&page_size=100").json()["results"]}
    assert not found & {"robot-draft", "robot-hidden"}


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("q=", "q"),
        ("", "q"),
        ("q=%20%21%21", "q"),  # nothing but separators
        ("q=" + "a" * 201, "q"),
        ("q=robot&kind=people", "kind"),
        ("q=robot&page=0", "page"),
        ("q=robot&page=2", "page"),
        ("q=robot&page=x", "page"),
        ("q=robot&page=99999999999999999999", "page"),
        ("q=robot&page_size=101", "page_size"),
        ("q=robot&page_size=-1", "page_size"),
        ("q=robot&lang=fr", "lang"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, robots, query, parameter):
    response = search(client, query)
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [parameter]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_nul_is_a_400(client, robots):
    response = search(client, "q=robot%00")
    assert response.status_code == 400
    assert "errors" in response.json()


def test_messages_in_the_language_asked_for(client, robots):
    response = search(client, "q=", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"]["q"] == ["Enter words to search for."]


def test_asked_language_value(client, robots):
    page = search(client, "q=robot&kind=enterprise&lang=zh-hans").json()
    # Not written in Chinese: the value falls back to the English name.
    assert page["results"][0]["name"]["value"].startswith("Robot Works")
    assert page["results"][0]["name"]["zh-hans"] == ""


def test_bounded_queries(client, robots, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert search(client, "q=robot&page_size=100").status_code == 200


def test_conditional_get(client, robots, settings):
    settings.DIRECTORY_CACHE = True
    first = search(client, "q=robot")
    assert first.status_code == 200 and first["ETag"]
    again = search(client, "q=robot", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    english = search(
        client, "q=robot", HTTP_IF_NONE_MATCH=first["ETag"], HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 200  # another language asked for: another validator


def test_schema_documents_search(client):
    schema = client.get("/api/v1/schema/").json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "kind", "page", "page_size", "lang"} <= names
    assert {"200", "400", "429"} <= set(operation["responses"])
