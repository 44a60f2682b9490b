import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_their_operations_under_the_csp(page, site, console_errors):
    """Swagger UI, from vendored files, reads the schema and lists every operation, with
    no script or style the site's CSP refuses."""
    page.goto(site + "/api/v1/docs/")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible(timeout=15_000)
    paths = operations.all_inner_texts()
    assert any(text.startswith("/api/v1/search/") for text in paths)
    assert any(text.startswith("/api/v1/enterprises/") for text in paths)
    assert len(paths) >= 21
    assert console_errors == []
