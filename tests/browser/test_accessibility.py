"""axe-core (from npm, vendored under tests/browser/vendor, never served by the site) on the
pages readers use most, in both languages: no violation of WCAG 2.1 A or AA rules.

axe is injected into each page with the page's CSP bypassed for this context only (the
site's CSP allows no script it does not serve; the other browser tests keep it)."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGES = [
    "/",
    "/enterprises/",
    "/enterprises/?tier=little_giant&sort=name",
    "/enterprises/zte/",
    "/products/",
    "/exhibitions/",
    "/policies/",
    "/regions/guangdong/",
    "/statistics/",
    "/search/?q=机器人",
    "/compare/?e=zte,weichai-power",
    "/policies/match/?tier=little_giant",
    "/developers/api/",
    "/data/",
]
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page, url):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async (rules) => (await axe.run(document, rules)).violations", RULES)
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']}: "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in found
    ]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_main_pages_have_no_accessibility_violations(browser, site, prefix):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        found = [line for url in PAGES for line in violations(page, site + prefix + url)]
    finally:
        context.close()
    assert not found, "\n".join(found)
