"""How the API meets clients: the language asked for, rate limits per address, CORS on
/api/ only, no Vary: Cookie, and the human docs under the site's CSP."""

import pytest
from django.core.cache import cache

from api import limits
from tests.factories import EnterpriseFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return EnterpriseFactory(
        slug="firm", name_zh_hans="企业", name_en="", region=RegionFactory(slug="liaoning")
    )


class TestLanguage:
    def test_both_languages_and_no_value_unless_asked(self, client, firm):
        response = client.get("/api/v1/enterprises/firm/")
        assert response.json()["name"] == {"zh-hans": "企业", "en": ""}
        assert response["Content-Language"] == "zh-hans, en"

    @pytest.mark.parametrize(
        "query, headers, language, value",
        [
            ("?lang=zh-hans", {}, "zh-hans", "企业"),
            ("?lang=en", {}, "en", "企业"),  # not written in English: the Chinese name
            ("?lang=EN", {}, "en", "企业"),
            ("", {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}, "zh-hans", "企业"),
            ("", {"HTTP_ACCEPT_LANGUAGE": "en-GB"}, "en", "企业"),
            ("?lang=zh-hans", {"HTTP_ACCEPT_LANGUAGE": "en"}, "zh-hans", "企业"),
        ],
    )
    def test_value_in_the_language_asked_for(self, client, firm, query, headers, language, value):
        response = client.get(f"/api/v1/enterprises/firm/{query}", **headers)
        assert response.status_code == 200
        assert response["Content-Language"] == language
        assert response.json()["name"] == {"zh-hans": "企业", "en": "", "value": value}
        assert "Accept-Language" in response["Vary"]

    def test_value_in_lists_and_nested_rows(self, client, firm):
        firm.name_en = "Firm"
        firm.save()
        row = client.get("/api/v1/enterprises/?lang=en").json()["results"][0]
        assert row["name"]["value"] == "Firm"
        region = client.get("/api/v1/regions/liaoning/?lang=en").json()
        assert "value" in region["name"]

    def test_unsupported_accept_language_asks_for_nothing(self, client, firm):
        response = client.get("/api/v1/enterprises/firm/", HTTP_ACCEPT_LANGUAGE="fr-FR")
        assert "value" not in response.json()["name"]

    @pytest.mark.parametrize("lang", ["fr", "", "zh", "x" * 300])
    def test_unknown_lang_is_a_400(self, client, firm, lang):
        response = client.get(f"/api/v1/enterprises/?lang={lang}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.json() == {
            "errors": {"lang": ["Unknown language; use one of: zh-hans, en."]}
        }


class TestRateLimits:
    @pytest.fixture(autouse=True)
    def limit(self, settings, monkeypatch):
        """Three a minute, on a clock stopped mid-window (a real minute could turn between
        two requests of a test)."""
        settings.API_REQUESTS_PER_MINUTE = 3
        monkeypatch.setattr(limits.time, "time", lambda: 1_000_000 * limits.WINDOW + 30.0)
        cache.clear()

    def test_429_with_retry_after_beyond_the_limit(self, client, firm):
        for _n in range(3):
            assert client.get("/api/v1/regions/").status_code == 200
        response = client.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 429
        assert response["Retry-After"] == "30"
        assert response.json()["detail"].startswith("Too many requests")
        # Any address under the API counts, the docs and unknown ones too.
        assert client.get("/api/v1/nothing/").status_code == 429

    def test_per_client_address(self, client, firm):
        for _n in range(3):
            client.get("/api/v1/regions/", REMOTE_ADDR="192.0.2.1")
        assert client.get("/api/v1/regions/", REMOTE_ADDR="192.0.2.1").status_code == 429
        assert client.get("/api/v1/regions/", REMOTE_ADDR="192.0.2.2").status_code == 200

    def test_forwarded_address_only_from_a_trusted_proxy(self, client, firm, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.1"]
        behind = {"REMOTE_ADDR": "10.0.0.1"}
        for n in range(4):
            forwarded = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}", **behind}
            assert client.get("/api/v1/regions/", **forwarded).status_code == 200
        # A client that writes its own header is counted by its own address.
        for n in range(3):
            client.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert (
            client.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
        )

    def test_next_window_starts_afresh_and_counters_expire(self, client, firm, monkeypatch):
        clock = [1_000_000 * limits.WINDOW + 59.0]
        monkeypatch.setattr(limits.time, "time", lambda: clock[0])
        for _n in range(3):
            client.get("/api/v1/regions/")
        response = client.get("/api/v1/regions/")
        assert response.status_code == 429 and response["Retry-After"] == "1"
        clock[0] += 1
        assert client.get("/api/v1/regions/").status_code == 200
        timeouts = []
        monkeypatch.setattr(
            limits.cache, "add", lambda key, value, timeout: timeouts.append(timeout)
        )
        client.get("/api/v1/regions/")
        assert timeouts == [2 * limits.WINDOW]

    def test_pages_are_not_limited(self, client, firm):
        for _n in range(5):
            assert client.get("/en/").status_code == 200

    def test_zero_turns_limits_off(self, client, firm, settings):
        settings.API_REQUESTS_PER_MINUTE = 0
        for _n in range(5):
            assert client.get("/api/v1/regions/").status_code == 200


class TestCors:
    ORIGIN = {"HTTP_ORIGIN": "https://example.org"}

    def test_api_answers_any_origin_without_credentials(self, client, firm):
        response = client.get("/api/v1/enterprises/", **self.ORIGIN)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response
        assert "ETag" in response["Access-Control-Expose-Headers"]

    def test_preflight(self, client, firm):
        response = client.options(
            "/api/v1/enterprises/firm/",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
            **self.ORIGIN,
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert set(response["Access-Control-Allow-Methods"].split(", ")) == {
            "GET",
            "HEAD",
            "OPTIONS",
        }
        assert "if-none-match" in response["Access-Control-Allow-Headers"]
        assert "Access-Control-Allow-Credentials" not in response

    def test_writes_still_refused(self, client, firm):
        response = client.post("/api/v1/enterprises/", **self.ORIGIN)
        assert response.status_code == 405

    @pytest.mark.parametrize("path", ["/", "/en/", "/en/enterprises/", "/admin/login/"])
    def test_no_cors_on_pages(self, client, firm, path):
        response = client.get(path, **self.ORIGIN)
        assert "Access-Control-Allow-Origin" not in response
        preflight = client.options(path, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **self.ORIGIN)
        assert "Access-Control-Allow-Origin" not in preflight


class TestNoCookieVary:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/enterprises/",
            "/api/v1/enterprises/firm/",
            "/api/v1/search/?q=firm",
            "/api/v1/schema/",
            "/api/v1/enterprises/?tier=nonsense",
            "/api/v1/nothing/",
        ],
    )
    def test_api_responses_do_not_vary_on_cookies(self, client, firm, path):
        client.cookies["sessionid"] = "anything"
        client.cookies["django_language"] = "en"
        response = client.get(path)
        assert "Cookie" not in response.get("Vary", ""), response.get("Vary")
        assert not response.cookies

    def test_pages_still_do(self, client, firm):
        assert "Cookie" in client.get("/").get("Vary", "")


class TestDocs:
    def test_docs_page_without_inline_script_or_style(self, client):
        response = client.get("/api/v1/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<style" not in html
        assert "<script>" not in html
        assert "cdn" not in html.lower()
        assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp

    def test_start_up_script_names_the_schema(self, client):
        response = client.get("/api/v1/docs/?script=")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/javascript")
        assert "/api/v1/schema/" in response.content.decode()


class TestApiPage:
    @pytest.mark.parametrize("path", ["/developers/api/", "/en/developers/api/"])
    def test_in_both_languages_with_links(self, client, path):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'href="/api/v1/docs/"' in html and 'href="/api/v1/schema/"' in html
        assert "/api/v1/search/?q=robot" in html

    def test_english_text(self, client, settings):
        settings.API_REQUESTS_PER_MINUTE = 120
        html = client.get("/en/developers/api/").content.decode()
        assert "<h1>API</h1>" in html
        assert "Up to 120 requests a minute from one address" in html

    @pytest.mark.parametrize(
        "path, target", [("/", "/developers/api/"), ("/en/", "/en/developers/api/")]
    )
    def test_linked_from_every_page(self, client, path, target):
        assert f'href="{target}"' in client.get(path).content.decode()
