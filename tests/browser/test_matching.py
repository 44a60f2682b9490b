import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_matching_by_keyboard_puts_the_facts_in_the_url(page, site, console_errors):
    page.goto(site + "/en/policies/match/")
    page.get_by_label("Tier").select_option("little_giant")
    page.get_by_role("button", name="Match").click()
    expect(page).to_have_url(re.compile(r"/en/policies/match/\?tier=little_giant$"))
    applies = page.locator(".match-applies .match-title a")
    expect(applies.first).to_be_visible()
    expect(page.locator(".match-applies")).to_contain_text("little giant")
    # The answers that do not apply are folded away until asked for.
    refused = page.locator(".match-does-not-apply .matches")
    expect(refused).to_be_hidden()
    page.locator(".match-does-not-apply summary").click()
    expect(refused).to_be_visible()
    assert console_errors == []


def test_an_enterprise_page_leads_to_its_matches(page, site, console_errors):
    page.goto(site + "/en/enterprises/zte/")
    page.get_by_role("link", name="Policies that may apply to this enterprise, and why").click()
    expect(page).to_have_url(re.compile(r"/en/policies/match/\?enterprise=zte$"))
    expect(page.locator("#facts-heading")).to_be_visible()
    assert console_errors == []
