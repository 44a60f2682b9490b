import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ticking_two_rows_and_pressing_compare_shows_both(page, site, console_errors):
    page.goto(site + "/en/enterprises/")
    page.get_by_label("Compare ZTE Corporation").check()
    page.get_by_label("Compare Weichai Power Co., Ltd.").check()
    page.get_by_role("button", name="Compare selected").click()
    # The selection is the address, in the order of the list.
    expect(page).to_have_url(re.compile(r"/en/compare/\?e=weichai-power&e=zte$"))
    heads = page.locator(".compare-table thead th")
    expect(heads).to_have_count(2)
    expect(heads.nth(0)).to_contain_text("Weichai Power Co., Ltd.")
    expect(heads.nth(1)).to_contain_text("ZTE Corporation")
    expect(page.locator("tr.differs").first).to_contain_text("differs")
    assert console_errors == []


def test_an_entry_page_offers_the_entries_chosen_before(page, site, console_errors):
    page.goto(site + "/en/compare/?e=weichai-power,zte")
    page.goto(site + "/en/enterprises/beijing-tri-tech/")
    chosen = page.locator("a.compare-chosen")
    expect(chosen).to_be_visible()
    expect(chosen).to_have_text("Compare with the 2 entries you chose")
    chosen.click()
    expect(page.locator(".compare-table thead th")).to_have_count(3)
    assert console_errors == []


def test_four_columns_scroll_inside_their_table_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site + "/en/compare/?e=zte,weichai-power,beijing-tri-tech,sysmed-china")
    expect(page.locator(".compare-table thead th")).to_have_count(4)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
