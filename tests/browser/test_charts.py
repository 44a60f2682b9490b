"""The charts in a real browser: drawn as SVG under the site's CSP, saved as PNG and SVG."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["", "/en"])
def test_statistics_charts_render_as_svg_without_console_errors(
    page, site, console_errors, language
):
    page.goto(site + language + "/statistics/")
    canvases = page.locator(".chart-canvas[data-chart]")
    count = canvases.count()
    assert count >= 3
    expect(page.locator(".chart-canvas[data-drawn=true]")).to_have_count(count)
    for index in range(count):
        canvas = canvases.nth(index)
        expect(canvas).to_be_visible()
        expect(canvas.locator("svg").first).to_be_attached()
        # ECharts' aria option describes the chart for screen readers.
        assert canvas.get_attribute("aria-label")
    # The tables stay in the page beside the drawings.
    expect(page.locator("figure.chart details.chart-table table").first).to_be_visible()
    assert console_errors == []


def test_a_chart_saves_as_png_and_svg(page, site, console_errors):
    page.goto(site + "/en/statistics/")
    figure = page.locator("#chart-tiers")
    expect(figure.locator(".chart-canvas svg").first).to_be_attached()
    with page.expect_download() as png:
        figure.get_by_role("button", name="Save as PNG").click()
    assert png.value.suggested_filename == "tiers.png"
    with open(png.value.path(), "rb") as saved:
        assert saved.read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        figure.get_by_role("button", name="Save as SVG").click()
    assert svg.value.suggested_filename == "tiers.svg"
    with open(svg.value.path(), encoding="utf-8") as saved:
        assert "<svg" in saved.read(500)
    assert console_errors == []


def test_chart_pages_of_a_region_a_policy_and_home_draw_without_errors(page, site, console_errors):
    for path in ("/en/", "/en/regions/guangdong/", "/regions/guangdong/"):
        page.goto(site + path)
        page.wait_for_load_state("load")
        drawn = page.locator(".chart-canvas[data-drawn=true] svg").count()
        assert drawn, (path, page.locator(".chart-canvas").count(), console_errors)
    # No target of this plan has a reported value yet: the table, and no drawing of zeros.
    page.goto(site + "/en/policies/anhui-specialized-enterprise-targets-2025/")
    expect(page.locator("#chart-targets table")).to_be_visible()
    expect(page.locator("#chart-targets .chart-canvas")).to_have_count(0)
    assert console_errors == []


def test_the_csv_link_downloads_the_charts_data(page, site):
    page.goto(site + "/en/statistics/")
    with page.expect_download() as download:
        page.locator("#chart-tiers").get_by_role("link", name="Download the data (CSV)").click()
    assert download.value.suggested_filename == "statistics-tiers.csv"
    with open(download.value.path(), encoding="utf-8-sig") as saved:
        assert saved.readline().startswith("Tier,")


def test_chart_pages_do_not_scroll_sideways_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("/statistics/", "/en/statistics/", "/regions/guangdong/"):
        page.goto(site + path)
        expect(page.locator(".chart-canvas[data-drawn=true]").first).to_be_attached()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
