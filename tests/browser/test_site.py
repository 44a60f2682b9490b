import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_loads_without_errors_under_the_csp(page, site, console_errors):
    page.goto(site + "/en/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("specialized")
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    # The stylesheet applied: the header has its dark background.
    background = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(27, 31, 36)"
    assert console_errors == []


def test_skip_link_is_the_first_stop_and_reaches_the_content(page, site):
    page.goto(site + "/en/enterprises/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_filtering_by_keyboard_puts_the_state_in_the_url(page, site):
    page.goto(site + "/en/enterprises/")
    page.get_by_label("Region").select_option("shandong")
    page.get_by_role("button", name="Apply").click()
    # Only the filter in use is sent, so the address to share is short.
    expect(page).to_have_url(re.compile(r"/en/enterprises/\?region=shandong$"))
    expect(page.locator(".card-title")).to_have_text(["Weichai Power Co., Ltd."])
    # The shared link restores the same view.
    page.goto(page.url)
    expect(page.get_by_label("Region")).to_have_value("shandong")


def test_language_switcher_keeps_the_page_and_its_filters(page, site):
    page.goto(site + "/enterprises/?region=shandong")
    page.locator(".language-switcher").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/enterprises/\?region=shandong$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".card-title")).to_have_text(["Weichai Power Co., Ltd."])
    # The choice is remembered: an unprefixed link now opens in English.
    page.goto(site + "/regions/")
    expect(page).to_have_url(re.compile(r"/en/regions/$"))
    page.locator(".language-switcher").get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(re.compile(r"/regions/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_no_horizontal_scrolling_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("/", "/enterprises/", "/enterprises/zte/", "/regions/"):
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    context.close()


def test_admin_tabs_work_under_the_csp(page, site, django_user_model, console_errors):
    django_user_model.objects.create_superuser("boss", "boss@example.invalid", "a-Long-pass-42")
    page.goto(site + "/en/admin/login/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("a-Long-pass-42")
    page.get_by_role("button", name="Log in").click()
    page.goto(site + "/en/admin/enterprises/enterprise/")
    page.get_by_role("link", name="ZTE Corporation").click()
    # modeltranslation's tabs are built by the vendored jQuery UI.
    expect(page.locator(".ui-tabs").first).to_be_visible()
    expect(page.locator("#id_name_en")).to_have_value("ZTE Corporation")
    blocked = [e for e in console_errors if "Content Security Policy" in e]
    assert blocked == []


def test_filters_fold_away_on_a_phone_and_open_on_request(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site + "/en/enterprises/")
    expect(page.get_by_label("Region")).to_be_hidden()
    expect(page.locator(".card-title").first).to_be_in_viewport()
    page.locator(".filter-disclosure summary").click()
    expect(page.get_by_label("Region")).to_be_visible()
    # With a filter applied the form stays open, showing what is set.
    page.goto(site + "/en/enterprises/?region=shandong")
    expect(page.get_by_label("Region")).to_have_value("shandong")
    context.close()


def test_filters_are_open_beside_the_results_on_a_wide_screen(page, site):
    page.goto(site + "/en/enterprises/")
    expect(page.get_by_label("Region")).to_be_visible()


def sign_in(page, site, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.invalid", "a-Long-pass-42")
    page.goto(site + "/en/admin/login/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("a-Long-pass-42")
    page.get_by_role("button", name="Log in").click()


def test_select_all_on_the_export_page_works_under_the_csp(
    page, site, django_user_model, console_errors
):
    sign_in(page, site, django_user_model)
    page.goto(site + "/en/admin/enterprises/enterprise/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    page.locator("#select-all-toggle").uncheck()
    assert all(not box.is_checked() for box in fields.all())
    page.locator("#select-all-toggle").check()
    assert all(box.is_checked() for box in fields.all())
    assert [e for e in console_errors if "Content Security Policy" in e] == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_header_is_one_row_on_a_wide_screen(browser, site, prefix):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site + prefix + "/")
    tops = page.eval_on_selector_all(
        ".site-header-inner > *",
        "items => items.map(e => Math.round(e.getBoundingClientRect().top))",
    )
    heights = page.eval_on_selector(".site-header", "e => e.getBoundingClientRect().height")
    assert max(tops) - min(tops) < 20, tops
    assert heights < 90
    context.close()


def test_region_names_never_break_per_character_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    for path in ("/statistics/", "/regions/"):
        page.goto(site + path)
        heights = page.eval_on_selector_all(
            ".data-table .nowrap a", "links => links.map(a => a.getBoundingClientRect().height)"
        )
        assert heights and max(heights) < 30, (path, heights)
    context.close()
