import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestions_appear_as_you_type_and_work_by_keyboard(page, site, console_errors):
    page.goto(site + "/en/")
    box = page.get_by_role("combobox")
    box.press_sequentially("zte corp", delay=30)
    options = page.get_by_role("option")
    expect(options.first).to_contain_text("ZTE Corporation")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/enterprises/zte/$"))
    assert console_errors == []


def test_escape_closes_the_suggestions(page, site):
    page.goto(site + "/")
    box = page.get_by_role("combobox")
    box.press_sequentially("外骨", delay=30)
    expect(page.get_by_role("option").first).to_contain_text("无动力可穿戴外骨骼")
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")


def test_the_search_form_works_without_suggestions(page, site):
    page.goto(site + "/en/")
    page.locator("#site-search-q").fill("exoskeleton")
    page.locator("#site-search-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/en/search/\?q=exoskeleton"))
    expect(page.locator(".search-hit mark").first).to_have_text(re.compile("exoskeleton", re.I))


def test_search_works_with_javascript_off(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/search/?q=wdlkcdwgg&kind=product")
    expect(page.locator(".search-hit .card-title")).to_have_text(["无动力可穿戴外骨骼"])
    context.close()
