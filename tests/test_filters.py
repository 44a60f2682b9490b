import pytest

from enterprises.models import Recognition, Status, Tier
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    ExhibitionFactory,
    IndustryFactory,
    PolicyFactory,
    ProductFactory,
    RecognitionFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    return sorted(obj.slug for obj in response.context["object_list"])


@pytest.fixture
def firms(db):
    liaoning = RegionFactory(code="21", slug="liaoning")
    anhui = RegionFactory(code="34", slug="anhui")
    manufacturing = IndustryFactory(code="C")
    software = IndustryFactory(code="I", name_en="Software", name_zh_hans="软件")
    fair = ExhibitionFactory(slug="fair", region=liaoning)
    a = EnterpriseFactory(
        slug="a",
        name_en="Alpha Robotics",
        name_zh_hans="阿尔法机器人",
        region=liaoning,
        industry=manufacturing,
        founded_year=1995,
        size="small",
        exchange="bse",
        ticker="920002",
    )
    b = EnterpriseFactory(
        slug="b",
        name_en="Beta Software",
        name_zh_hans="贝塔软件",
        region=anhui,
        industry=software,
        founded_year=2010,
        size="medium",
        listed=False,
    )
    c = EnterpriseFactory(
        slug="c",
        name_en="Gamma Valves",
        name_zh_hans="伽马阀门",
        region=liaoning,
        industry=manufacturing,
        founded_year=2018,
        size="micro",
        exchange="szse",
        ticker="300750",
    )
    EnterpriseFactory(slug="draft", status=Status.DRAFT, region=liaoning)
    RecognitionFactory(enterprise=a, tier=Tier.LITTLE_GIANT, level=Recognition.Level.NATIONAL)
    RecognitionFactory(enterprise=b, tier=Tier.SPECIALIZED)
    RecognitionFactory(enterprise=c, tier=Tier.INNOVATIVE)
    ExhibitFactory(exhibition=fair, product=ProductFactory(enterprise=a, slug="robot"))
    # A draft product at the fair does not make its maker an exhibitor.
    ExhibitFactory(exhibition=fair, product=ProductFactory(enterprise=c, status=Status.DRAFT))
    return {"a": a, "b": b, "c": c}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["a", "b", "c"]),
        ("region=liaoning", ["a", "c"]),
        ("region=anhui", ["b"]),
        ("industry=C", ["a", "c"]),
        ("industry=I", ["b"]),
        ("tier=little_giant", ["a"]),
        ("tier=specialized", ["b"]),
        ("tier=champion", []),
        ("listed=yes", ["a", "c"]),
        ("listed=no", ["b"]),
        ("exchange=bse", ["a"]),
        ("listed=yes&exchange=szse", ["c"]),
        ("exhibition=fair", ["a"]),
        ("founded_from=2000", ["b", "c"]),
        ("founded_to=2010", ["a", "b"]),
        ("founded_from=2000&founded_to=2015", ["b"]),
        ("size=micro", ["c"]),
        ("q=robotics", ["a"]),
        ("q=ROBOTICS", ["a"]),
        ("q=机器人", ["a"]),
        ("q=alpha robotics", ["a"]),
        ("q=alpha software", []),
        ("q=%20%20", ["a", "b", "c"]),
        ("region=liaoning&industry=C&listed=yes&founded_from=2015", ["c"]),
        ("region=liaoning&tier=little_giant&exhibition=fair&size=small", ["a"]),
    ],
)
def test_enterprise_filters(client, firms, query, expected):
    response = client.get(f"/enterprises/?{query}")
    assert response.status_code == 200
    assert slugs(response) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["a", "b", "c"]),
        ("-name", ["c", "b", "a"]),
        ("founded", ["a", "b", "c"]),
        ("-founded", ["c", "b", "a"]),
    ],
)
def test_enterprise_sorting(client, firms, sort, expected):
    response = client.get(f"/enterprises/?sort={sort}")
    assert [obj.slug for obj in response.context["object_list"]] == expected


def test_recently_updated_first(client, firms):
    firms["b"].summary_en = "edited"
    firms["b"].save()
    response = client.get("/enterprises/?sort=-updated")
    assert response.context["object_list"][0].slug == "b"


def test_empty_result_says_so(client, firms):
    response = client.get("/en/enterprises/?tier=champion")
    assert "No enterprise matches these filters." in response.content.decode()
    assert "0 enterprises" in response.content.decode()


def test_pagination_links_keep_the_filters(client, db):
    region = RegionFactory(code="21", slug="liaoning")
    for _ in range(25):
        EnterpriseFactory(region=region)
    response = client.get("/enterprises/?region=liaoning&sort=-name")
    html = response.content.decode()
    assert len(response.context["object_list"]) == 20
    assert "?region=liaoning&amp;sort=-name&amp;page=2" in html
    second = client.get("/enterprises/?region=liaoning&sort=-name&page=2")
    assert len(second.context["object_list"]) == 5


def test_filter_form_shows_the_current_state(client, firms):
    html = client.get("/enterprises/?region=anhui&tier=specialized").content.decode()
    assert '<option value="anhui" selected>' in html
    assert '<option value="specialized" selected>' in html


def test_product_filters(client, firms):
    assert slugs(client.get("/products/?exhibition=fair")) == ["robot"]
    assert slugs(client.get("/products/?tier=little_giant")) == ["robot"]
    assert slugs(client.get("/products/?region=anhui")) == []


def test_exhibition_filters(client, db):
    ExhibitionFactory(slug="old", year=2021, region=RegionFactory(code="21", slug="liaoning"))
    ExhibitionFactory(slug="new", year=2023, region=RegionFactory(code="34", slug="anhui"))
    assert slugs(client.get("/exhibitions/?year=2021")) == ["old"]
    assert slugs(client.get("/exhibitions/?region=anhui")) == ["new"]


def test_policy_filters(client, db):
    anhui = RegionFactory(code="34", slug="anhui")
    PolicyFactory(slug="national", stage="in_force")
    PolicyFactory(slug="anhui-plan", scope="regional", region=anhui, stage="proposed")
    assert slugs(client.get("/policies/?scope=national")) == ["national"]
    assert slugs(client.get("/policies/?region=anhui")) == ["anhui-plan"]
    assert slugs(client.get("/policies/?stage=proposed")) == ["anhui-plan"]


def test_listing_has_three_states(client, firms):
    unknown = EnterpriseFactory(slug="d", region=firms["a"].region)
    assert unknown.listed is None
    assert slugs(client.get("/en/enterprises/?listed=unknown")) == ["d"]
    assert slugs(client.get("/en/enterprises/?listed=no")) == ["b"]
    assert slugs(client.get("/en/enterprises/?listed=yes")) == ["a", "c"]
    counts = client.get("/en/enterprises/").context["facet_counts"]["listed"]
    assert counts == {"yes": 2, "no": 1, "unknown": 1}


def test_each_select_offers_any_once_and_keeps_counts_when_nothing_matches(client, firms):
    html = client.get("/en/enterprises/?listed=no&exchange=bse").content.decode()
    for name in ("tier", "listed", "exchange", "size", "region", "industry"):
        select = html.split(f'name="{name}"')[1].split("</select>")[0]
        assert select.count('value=""') == 1, name
        assert select.count(">Any") == 1, name
    # No result, yet every choice still says what it would give.
    listed = html.split('name="listed"')[1].split("</select>")[0]
    assert "Listed (1)" in listed and "Not listed (0)" in listed
    size = html.split('name="size"')[1].split("</select>")[0]
    assert "(0)" in size


def test_policy_selects_offer_any_once(client, db):
    PolicyFactory()
    html = client.get("/en/policies/").content.decode()
    for name in ("scope", "stage", "region"):
        select = html.split(f'name="{name}"')[1].split("</select>")[0]
        assert select.count(">Any") == 1, name
