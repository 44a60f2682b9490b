"""The charts of /statistics/, region, policy and home pages: their data against tables
worked out by hand, the table beside every drawing, the CSV download, no inline script,
bounded queries, both languages."""

import csv
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from enterprises.charts import NATIONAL_TIER_SERIES, TILE_POSITIONS
from enterprises.models import Recognition, Status, Tier

from .factories import (
    EnterpriseFactory,
    IndicatorFactory,
    IndustryFactory,
    PolicyFactory,
    PolicyTargetFactory,
    RecognitionFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """The scripts, style attributes, chart figures and their tables and data of a page."""

    def __init__(self, html):
        super().__init__()
        self.scripts, self.styled, self.figures = [], [], {}
        self.data, self._figure, self._script = {}, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styled.append(tag)
        if tag == "script":
            self.scripts.append(attrs)
            self._script = attrs.get("id")
            self._text = ""
        if tag == "figure" and "chart" in attrs.get("class", "").split():
            self._figure = attrs["id"]
            self.figures[self._figure] = {"tables": 0, "empty": False, "canvas": False}
        if self._figure:
            classes = attrs.get("class", "").split()
            if tag == "table":
                self.figures[self._figure]["tables"] += 1
            if "chart-empty" in classes:
                self.figures[self._figure]["empty"] = True
            if "chart-canvas" in classes:
                self.figures[self._figure]["canvas"] = attrs["data-chart"]

    def handle_data(self, data):
        if self._script is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure = None
        if tag == "script" and self._script:
            self.data[self._script] = json.loads(self._text)
            self._script = None


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, Page(response.content.decode())


def rows(data):
    return {row["label"]: row["values"] for row in data["rows"]}


def assert_sound(parsed):
    """No inline script or style; every chart has its table or says what is missing; every
    drawing has its data."""
    for attrs in parsed.scripts:
        assert attrs.get("src") or attrs.get("type") in ("application/json", "application/ld+json")
    assert parsed.styled == []
    assert parsed.figures
    for figure in parsed.figures.values():
        assert figure["tables"] == 1 or figure["empty"], figure
        if figure["canvas"]:
            assert figure["tables"] == 1
            assert figure["canvas"] in parsed.data


@pytest.fixture
def directory(db):
    """Enterprises, recognitions, indicators and targets whose charts are worked out by hand
    in the tests below."""
    shandong = RegionFactory(code="37", slug="shandong", name_en="Shandong")
    liaoning = RegionFactory(code="21", slug="liaoning", name_en="Liaoning")
    manufacturing = IndustryFactory(code="C", name_en="Manufacturing")
    software = IndustryFactory(code="I", name_en="Information technology")
    source = SourceFactory(slug="miit", publisher_en="MIIT")
    # Shandong: two little giants (batches 5 and 6) and a specialized SME; Liaoning: one
    # innovative SME; a draft enterprise counts nowhere.
    for batch, year in ((5, 2023), (6, 2024)):
        RecognitionFactory(
            enterprise=EnterpriseFactory(region=shandong, industry=manufacturing),
            tier=Tier.LITTLE_GIANT,
            level=Recognition.Level.NATIONAL,
            year=year,
            batch=batch,
        )
    RecognitionFactory(
        enterprise=EnterpriseFactory(region=shandong, industry=software),
        tier=Tier.SPECIALIZED,
        year=2023,
    )
    RecognitionFactory(
        enterprise=EnterpriseFactory(region=liaoning, industry=manufacturing),
        tier=Tier.INNOVATIVE,
        year=2024,
    )
    RecognitionFactory(
        enterprise=EnterpriseFactory(region=shandong, status=Status.DRAFT),
        tier=Tier.CHAMPION,
        year=2024,
    )
    # National figures: little giants at two dates (and a later draft), specialized SMEs
    # at one; a regional series of two dates; a national series of one date only.
    little_giants = NATIONAL_TIER_SERIES[Tier.LITTLE_GIANT]
    IndicatorFactory(
        series=little_giants, value=9000, qualifier="nearly", as_of="2023-04-12", source=source
    )
    IndicatorFactory(series=little_giants, value=17600, as_of="2026-01-17", source=source)
    IndicatorFactory(series=little_giants, value=99999, as_of="2026-06-01", status=Status.DRAFT)
    IndicatorFactory(
        series=NATIONAL_TIER_SERIES[Tier.SPECIALIZED],
        value=140000,
        qualifier="more_than",
        as_of="2025-09-25",
        source=source,
    )
    IndicatorFactory(
        series="shandong-little-giants", region=shandong, value=10, as_of="2022-01-01"
    )
    IndicatorFactory(
        series="shandong-little-giants", region=shandong, value=25, as_of="2024-01-01"
    )
    IndicatorFactory(series="bse-investors", value=5, as_of="2022-09-08")
    # Targets: a Shandong plan with one target half reached and one without progress; a
    # draft policy's target is nowhere.
    plan = PolicyFactory(
        scope="regional", region=shandong, slug="shandong-plan", title_en="Shandong plan"
    )
    PolicyTargetFactory(
        initiative=plan,
        measure_en="=little giants",
        target_value=40,
        deadline_year=2025,
        latest_value=20,
        latest_value_on="2024-06-30",
        latest_value_source=source,
        position=1,
    )
    PolicyTargetFactory(
        initiative=plan,
        measure_en="innovative SMEs",
        target_value=500,
        deadline_year=2027,
        position=2,
    )
    PolicyTargetFactory(
        initiative=PolicyFactory(status=Status.DRAFT), measure_en="draft target", target_value=1
    )
    return {"shandong": shandong, "liaoning": liaoning, "plan": plan}


# /statistics/ -----------------------------------------------------------------------------


def test_statistics_tier_pyramid_sets_the_latest_national_figures_beside_the_directory(
    client, directory
):
    response, parsed = page(client, "/en/statistics/")
    data = parsed.data["chart-data-tiers"]
    assert data["kind"] == "pyramid"
    assert data["columns"] == ["Nationally (latest figure)", "In this directory"]
    # From the lowest tier up; the draft indicator and the draft enterprise count nowhere.
    assert list(rows(data).items()) == [
        ("Innovative SME", [None, 1.0]),
        ("Specialized and sophisticated SME", [140000.0, 1.0]),
        ('"Little giant" enterprise', [17600.0, 2.0]),
        ("Manufacturing single champion", [None, 0.0]),
    ]
    html = response.content.decode()
    assert html.count("No national figure in the sources yet") == 2
    assert "more than 140,000" in html


def test_statistics_province_tiles_place_each_region_and_count_it(client, directory):
    _response, parsed = page(client, "/en/statistics/")
    data = parsed.data["chart-data-provinces"]
    by_label = {row["label"]: row for row in data["rows"]}
    assert by_label["Shandong"]["values"] == [3.0]
    assert (by_label["Shandong"]["x"], by_label["Shandong"]["y"]) == TILE_POSITIONS["37"]
    assert by_label["Liaoning"]["values"] == [1.0]
    # Regions without enterprises are tiles without a value, not zeros.
    assert all(
        row["values"] == [None]
        for label, row in by_label.items()
        if label not in ("Shandong", "Liaoning")
    )


def test_the_tile_grid_has_one_free_place_per_provincial_level_region():
    assert len(TILE_POSITIONS) == 34
    assert len(set(TILE_POSITIONS.values())) == 34


def test_statistics_industries_recognitions_and_batches(client, directory):
    _response, parsed = page(client, "/en/statistics/")
    assert rows(parsed.data["chart-data-industries"]) == {
        "C Manufacturing": [3.0],
        "I Information technology": [1.0],
    }
    years = parsed.data["chart-data-recognition_years"]
    assert years["columns"] == [
        "Manufacturing single champion",
        '"Little giant" enterprise',
        "Specialized and sophisticated SME",
        "Innovative SME",
    ]
    assert rows(years) == {"2023": [0.0, 1.0, 1.0, 0.0], "2024": [0.0, 1.0, 0.0, 1.0]}
    assert rows(parsed.data["chart-data-recognition_batches"]) == {
        "Batch 5": [0.0, 1.0, 0.0, 0.0],
        "Batch 6": [0.0, 1.0, 0.0, 0.0],
    }


def test_statistics_draw_every_national_series_with_two_dates(client, directory):
    _response, parsed = page(client, "/en/statistics/")
    series = {
        key: data for key, data in parsed.data.items() if key.startswith("chart-data-series-")
    }
    # Not the one-date series, not the regional one; the draft figure is left out.
    assert list(series) == ["chart-data-series-national-little-giants"]
    assert rows(series["chart-data-series-national-little-giants"]) == {
        "2023-04-12": [9000.0],
        "2026-01-17": [17600.0],
    }


def test_statistics_targets_table_lists_every_published_target_and_draws_progress_only(
    client, directory
):
    response, parsed = page(client, "/en/statistics/")
    data = parsed.data["chart-data-targets"]
    assert rows(data) == {
        "Shandong plan: =little giants": [40.0, 2025.0, 20.0, None, 50.0],
        "Shandong plan: innovative SMEs": [500.0, 2027.0, None, None, None],
    }
    html = response.content.decode()
    assert "no reported progress yet" in html and "draft target" not in html


def test_targets_without_any_progress_say_so_instead_of_drawing(client, db):
    PolicyTargetFactory(initiative=PolicyFactory(slug="plan"), target_value=10)
    response, parsed = page(client, "/en/policies/plan/")
    assert "chart-data-targets" not in parsed.data
    assert parsed.figures["chart-targets"] == {"tables": 1, "empty": True, "canvas": False}
    assert (
        "No reported progress yet: no target has a reported value to draw."
        in response.content.decode()
    )


def test_an_empty_directory_says_what_is_missing(client, db):
    response, parsed = page(client, "/en/statistics/")
    html = response.content.decode()
    for message in (
        "No published enterprise has a recorded region yet.",
        "No published enterprise has a recorded industry yet.",
        "No recognition with a known year is recorded yet.",
        "No national figure is reported at two or more dates yet.",
        "No numeric targets recorded.",
    ):
        assert message in html
    # Nothing is drawn from zeros only.
    assert not any(figure["canvas"] for figure in parsed.figures.values())
    assert_sound(parsed)


@pytest.mark.parametrize("language", ["", "/en"])
def test_every_chart_page_has_its_tables_and_no_inline_script(client, directory, language):
    shandong, plan = directory["shandong"], directory["plan"]
    for url in ("/statistics/", "/", shandong.get_absolute_url(), plan.get_absolute_url()):
        if language:
            url = language + url if not url.startswith("/en/") else url
        else:
            url = url.removeprefix("/en")
        response, parsed = page(client, url)
        assert_sound(parsed)
        assert response.content.decode().count('src="/static/js/charts.js"') == 1


def test_chinese_pages_label_the_charts_in_chinese(client, directory):
    response, parsed = page(client, "/statistics/")
    assert '<html lang="zh-Hans">' in response.content.decode()
    with translation.override("zh-hans"):
        champion = str(Tier.CHAMPION.label)
    assert champion != "Manufacturing single champion"
    assert list(rows(parsed.data["chart-data-tiers"]))[-1] == champion
    assert "地区37" in rows(parsed.data["chart-data-provinces"])


# Region, policy and home pages -------------------------------------------------------------


def test_region_page_charts_its_own_scope(client, directory):
    _response, parsed = page(client, "/en/regions/shandong/")
    assert rows(parsed.data["chart-data-tiers"]) == {
        "Innovative SME": [0.0],
        "Specialized and sophisticated SME": [1.0],
        '"Little giant" enterprise': [2.0],
        "Manufacturing single champion": [0.0],
    }
    assert rows(parsed.data["chart-data-industries"]) == {
        "C Manufacturing": [2.0],
        "I Information technology": [1.0],
    }
    assert rows(parsed.data["chart-data-recognition_years"]) == {
        "2023": [0.0, 1.0, 1.0, 0.0],
        "2024": [0.0, 1.0, 0.0, 0.0],
    }
    assert list(rows(parsed.data["chart-data-targets"])) == [
        "Shandong plan: =little giants",
        "Shandong plan: innovative SMEs",
    ]
    assert rows(parsed.data["chart-data-series-shandong-little-giants"]) == {
        "2022-01-01": [10.0],
        "2024-01-01": [25.0],
    }


def test_region_without_enterprises_draws_nothing(client, directory):
    response, parsed = page(client, "/en/regions/liaoning/")
    assert "chart-data-industries" in parsed.data  # its innovative SME
    _response, other = page(client, RegionFactory(code="46", slug="hainan").get_absolute_url())
    assert not any(figure["canvas"] for figure in other.figures.values())


def test_policy_page_charts_its_targets(client, directory):
    _response, parsed = page(client, "/en/policies/shandong-plan/")
    assert rows(parsed.data["chart-data-targets"]) == {
        "=little giants": [40.0, 2025.0, 20.0, None, 50.0],
        "innovative SMEs": [500.0, 2027.0, None, None, None],
    }


def test_home_page_has_a_small_tier_pyramid(client, directory):
    _response, parsed = page(client, "/en/")
    assert list(rows(parsed.data["chart-data-tiers"]).values()) == [
        [None, 1.0],
        [140000.0, 1.0],
        [17600.0, 2.0],
        [None, 0.0],
    ]


# CSV --------------------------------------------------------------------------------------


def read_csv(response):
    text = response.content.decode()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_chart_data_downloads_as_csv(client, directory):
    response = client.get("/en/statistics/?format=csv&chart=tiers")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statistics-tiers.csv"'
    table = read_csv(response)
    assert table[0] == ["Tier", "Nationally (latest figure)", "In this directory", "Source"]
    assert table[2][0] == "Specialized and sophisticated SME"
    assert table[2][1] == "more than 140000 (2025-09-25)"
    assert table[2][2] == "1"
    assert table[2][3].startswith("MIIT · ")
    assert table[1][1] == "No national figure in the sources yet"


def test_csv_cells_never_run_as_formulas(client, directory):
    response = client.get("/en/policies/shandong-plan/?format=csv&chart=targets")
    table = read_csv(response)
    assert table[1][0] == "'=little giants"
    assert table[1][1:6] == ["40", "2025", "20", "2024-06-30", "50%"]


@pytest.mark.parametrize(
    "query",
    [
        "format=xlsx&chart=tiers",
        "format=csv&chart=nope",
        "format=csv",
        "format=csv&chart=" + "x" * 5000,
        "format=" + "9" * 400,
        "format=csv&chart=tiers%00",
    ],
)
def test_bad_download_requests_get_a_clear_answer(client, directory, query):
    response = client.get(f"/en/statistics/?{query}")
    assert response.status_code in (400, 404)
    html = response.content.decode()
    assert "chart" in html or "NUL" in html


def test_repeated_parameters_read_the_last(client, directory):
    response = client.get("/en/statistics/?format=csv&chart=nope&chart=industries")
    assert response.status_code == 200
    assert read_csv(response)[1] == ["C Manufacturing", "3"]


def test_an_empty_chart_has_no_download(client, db):
    assert client.get("/en/statistics/?format=csv&chart=industries").status_code == 404


# Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize(
    ("url", "queries", "chart", "download_queries"),
    [
        ("/statistics/", 7, "tiers", 7),
        ("/", 5, "tiers", 2),
        ("/regions/shandong/", 10, "targets", 7),
        ("/policies/shandong-plan/", 4, "targets", 4),
    ],
)
def test_chart_pages_cost_a_fixed_number_of_queries(
    client, directory, django_assert_num_queries, language, url, queries, chart, download_queries
):
    """With the cache off, as in most tests; with it on, what scans is remembered per
    content version (see test_caching)."""
    with django_assert_num_queries(queries):
        assert client.get(language + url).status_code == 200
    with django_assert_num_queries(download_queries):
        response = client.get(f"{language}{url}?format=csv&chart={chart}")
    assert response.status_code == 200


def test_a_decimal_value_keeps_its_fraction(client, directory):
    IndicatorFactory(series="bse-market-cap", value=Decimal("26.8"), as_of="2022-11-17")
    IndicatorFactory(series="bse-market-cap", value=Decimal("53.4"), as_of="2024-10-14")
    _response, parsed = page(client, "/en/statistics/")
    assert rows(parsed.data["chart-data-series-bse-market-cap"]) == {
        "2022-11-17": [26.8],
        "2024-10-14": [53.4],
    }


class TestWithTheCache:
    """With the cache on, what scans the recognitions is read once per content version and
    region."""

    @pytest.fixture(autouse=True)
    def cache_on(self, settings):
        settings.DIRECTORY_CACHE = True

    @pytest.mark.parametrize("url", ["/statistics/", "/regions/shandong/"])
    def test_the_other_language_reuses_the_recognition_counts(self, directory, url):
        Client().get(url)
        with CaptureQueriesContext(connection) as queries:
            response = Client().get("/en" + url)
        assert response.status_code == 200
        assert not any("enterprises_recognition" in q["sql"] for q in queries.captured_queries)
        assert rows(Page(response.content.decode()).data["chart-data-recognition_years"])

    def test_each_region_has_its_own_recognition_counts(self, client, directory):
        client.get("/en/regions/shandong/")
        _response, parsed = page(Client(), "/en/regions/liaoning/")
        assert rows(parsed.data["chart-data-recognition_years"]) == {"2024": [0.0, 0.0, 0.0, 1.0]}


@pytest.mark.parametrize("size", [2, 5])
def test_more_series_and_targets_cost_no_more_queries(client, db, django_assert_num_queries, size):
    region = RegionFactory(code="44", slug="guangdong")
    plan = PolicyFactory(scope="regional", region=region, slug="plan")
    for i in range(size):
        source = SourceFactory()
        for year in (2021, 2022):
            IndicatorFactory(series=f"national-{i}", as_of=f"{year}-01-01", source=source)
            IndicatorFactory(series=f"region-{i}", region=region, as_of=f"{year}-01-01")
        PolicyTargetFactory(
            initiative=plan,
            latest_value=100 * (i + 1),
            latest_value_on="2024-01-01",
            latest_value_source=source,
        )
        RecognitionFactory(enterprise=EnterpriseFactory(region=region), year=2020 + i, batch=i + 1)
    pages = (
        ("/en/statistics/", 7, size),
        ("/en/regions/guangdong/", 10, size),
        ("/en/policies/plan/", 4, 0),
    )
    for url, queries, series in pages:
        with django_assert_num_queries(queries):
            response = client.get(url)
        parsed = Page(response.content.decode())
        assert len([key for key in parsed.data if key.startswith("chart-data-series-")]) == series
        assert len(parsed.data["chart-data-targets"]["rows"]) == size


def test_region_page_counts_enterprises_without_an_industry_apart(client, directory):
    EnterpriseFactory(region=directory["shandong"], industry=None)
    response, parsed = page(client, "/en/regions/shandong/")
    assert "1 enterprise has no recorded industry." in response.content.decode()
    assert rows(parsed.data["chart-data-industries"]) == {
        "C Manufacturing": [2.0],
        "I Information technology": [1.0],
    }
