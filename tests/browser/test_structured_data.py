import pytest

from enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_json_ld_is_data_the_csp_does_not_block(page, site, console_errors):
    """The data block breaks nothing: no CSP report, no script run, the page's own script
    still loads, and the block reads back as the JSON written, whatever the name holds."""
    enterprise = Enterprise.objects.published().first()
    Enterprise.objects.filter(pk=enterprise.pk).update(
        name_en="</script><script>window.injected = 1</script>"
    )
    page.goto(f"{site}/en/enterprises/{enterprise.slug}/")
    data = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@type"] == "Organization"
    assert data["name"] == "</script><script>window.injected = 1</script>"
    assert page.evaluate("window.injected === undefined")
    assert console_errors == []
