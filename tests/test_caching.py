"""Cached pages for anonymous visitors: fast repeats, never stale after a change."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from enterprises import caching
from enterprises.loading import load_directory
from enterprises.models import ContentVersion, Enterprise, Status

from .admin_forms import admin_url, change_form_data
from .factories import (
    EnterpriseFactory,
    ExhibitionFactory,
    PolicyFactory,
    RecognitionFactory,
    RegionFactory,
)
from .test_import_export import confirm, csv_file, preview

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.DIRECTORY_CACHE = True


@pytest.fixture
def visitor():
    """An anonymous visitor with a browser of their own (not shared with staff fixtures)."""
    return Client()


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run on-commit hooks (the version bump) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def fetch(visitor, url):
    response = visitor.get(url)
    assert response.status_code == 200
    return response


class TestHits:
    def test_a_repeated_page_comes_from_the_cache_with_one_query(self, visitor):
        firm = EnterpriseFactory()
        first = fetch(visitor, "/enterprises/")
        assert first["X-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            second = fetch(visitor, "/enterprises/")
        assert second["X-Cache"] == "hit"
        assert second.content == first.content and firm.name_zh_hans in second.content.decode()
        assert len(queries) == 1  # the content version

    def test_each_query_string_and_language_is_its_own_page(self, visitor):
        EnterpriseFactory()
        assert fetch(visitor, "/enterprises/")["X-Cache"] == "miss"
        assert fetch(visitor, "/enterprises/?sort=founded")["X-Cache"] == "miss"
        english = fetch(visitor, "/en/enterprises/")
        assert english["X-Cache"] == "miss" and 'lang="en"' in english.content.decode()
        assert 'lang="zh-Hans"' in fetch(visitor, "/enterprises/").content.decode()

    def test_security_headers_are_sent_with_cached_pages(self, visitor):
        fetch(visitor, "/")
        hit = fetch(visitor, "/")
        assert hit["X-Cache"] == "hit"
        assert "Content-Security-Policy" in hit
        assert hit["X-Content-Type-Options"] == "nosniff"

    def test_staff_always_get_a_fresh_page(self, visitor, staff_client):
        fetch(visitor, "/enterprises/")
        response = fetch(staff_client, "/enterprises/")
        assert "X-Cache" not in response

    def test_the_admin_is_never_cached(self, staff_client):
        staff_client.get(admin_url(Enterprise, "changelist"))
        assert "X-Cache" not in staff_client.get(admin_url(Enterprise, "changelist"))


def cache_entries():
    """How many entries the local-memory cache of the tests holds."""
    return len(caches["default"]._cache)


class TestBounded:
    """Only pages that exist are cached, once each, whatever clients add to the address."""

    def test_junk_parameters_add_no_cache_entries(self, visitor):
        EnterpriseFactory()
        fetch(visitor, "/en/enterprises/")
        before = cache_entries()
        for n in range(500):
            response = fetch(visitor, f"/en/enterprises/?x{n}=1")
            assert response["X-Cache"] == "hit"
        assert cache_entries() == before

    def test_the_same_page_under_another_spelling_is_one_entry(self, visitor):
        EnterpriseFactory(region=RegionFactory(code="21", slug="liaoning"))
        first = fetch(visitor, "/en/enterprises/?region=liaoning")
        assert first["X-Cache"] == "miss"
        before = cache_entries()
        for spelling in [
            "?q=&region=liaoning&tier=&page=1",
            "?region=other&region=liaoning",
            "?utm_source=newsletter&region=liaoning",
            "?region=liaoning&sort=",
        ]:
            response = fetch(visitor, "/en/enterprises/" + spelling)
            assert response["X-Cache"] == "hit", spelling
            assert response.content == first.content
        assert cache_entries() == before

    def test_unknown_parameters_never_reach_the_page(self, visitor):
        EnterpriseFactory()
        page = fetch(visitor, "/en/enterprises/?evil=%3Cb%3Eboo&sort=name").content.decode()
        assert "evil" not in page and "boo" not in page
        assert "sort=name" in page

    def test_missing_pages_are_never_cached(self, visitor):
        EnterpriseFactory()
        fetch(visitor, "/en/enterprises/")  # the figures of this version are cached once
        before = cache_entries()
        for n in range(200):
            assert visitor.get(f"/en/enterprises/no-such-firm-{n}/").status_code == 404
            assert visitor.get(f"/no-such-page-{n}/").status_code == 404
            # Paths that only redirect to an added slash, and pages past the end.
            assert visitor.get(f"/en/enterprises/firm-{n}").status_code in (301, 404)
            assert visitor.get(f"/en/enterprises/?page={n + 2}").status_code == 404
        assert cache_entries() == before

    def test_refused_filters_are_not_cached(self, visitor):
        EnterpriseFactory()
        fetch(visitor, "/en/enterprises/")
        before = cache_entries()
        for n in range(100):
            response = visitor.get(f"/en/enterprises/?region=nowhere-{n}")
            assert response.status_code == 200 and "X-Cache" not in response
        assert cache_entries() == before

    def test_a_junk_session_cookie_does_not_bypass_the_cache(self, visitor):
        EnterpriseFactory()
        fetch(visitor, "/en/enterprises/")
        for n in range(20):
            visitor.cookies["sessionid"] = f"junk{n}"
            assert fetch(visitor, "/en/enterprises/")["X-Cache"] == "hit"

    def test_a_signed_in_session_still_gets_a_fresh_page(self, visitor, staff_client):
        fetch(visitor, "/en/enterprises/")
        assert "X-Cache" not in fetch(staff_client, "/en/enterprises/")

    def test_the_local_memory_cache_has_a_size_limit(self):
        from django.conf import settings

        assert "locmem" in settings.CACHES["default"]["BACKEND"]
        assert 0 < settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] <= 5000


class TestNeverStale:
    def test_an_admin_edit_is_visible_on_the_next_request(self, visitor, staff_client, commits):
        firm = EnterpriseFactory(summary_zh_hans="旧的简介。")
        assert "旧的简介" in fetch(visitor, firm.get_absolute_url()).content.decode()
        url = admin_url(Enterprise, "change", firm.pk)
        with commits():
            staff_client.post(
                url, change_form_data(staff_client.get(url), summary_zh_hans="新的简介。")
            )
        page = fetch(visitor, firm.get_absolute_url())
        assert page["X-Cache"] == "miss"
        assert "新的简介" in page.content.decode() and "旧的简介" not in page.content.decode()

    def test_publishing_shows_the_entry_in_lists_and_counts(
        self,
        visitor,
        publisher_client,
        commits,
    ):
        EnterpriseFactory()
        draft = EnterpriseFactory(status=Status.REVIEW, name_zh_hans="待发布企业")
        home_before = fetch(visitor, "/").content
        assert "待发布企业" not in fetch(visitor, "/enterprises/").content.decode()
        with commits():
            publisher_client.post(
                admin_url(Enterprise, "changelist"),
                {"action": "publish", "_selected_action": [draft.pk]},
            )
        assert "待发布企业" in fetch(visitor, "/enterprises/").content.decode()
        assert fetch(visitor, "/").content != home_before

    def test_statistics_figures_are_computed_once_per_version_and_follow_changes(
        self, visitor, commits
    ):
        with commits():
            RecognitionFactory(year=2021)
        fetch(visitor, "/statistics/")
        # The other language renders a new page, but reuses the figures of this version:
        # one query fewer (the recognitions; the cube is kept in memory as well).
        with CaptureQueriesContext(connection) as queries:
            english = fetch(visitor, "/en/statistics/")
        assert not any("enterprises_recognition" in q["sql"] for q in queries.captured_queries)
        assert english.context["recognition_years"][0][0] == 2021
        with commits():
            RecognitionFactory(year=2023)
        years = fetch(visitor, "/en/statistics/").context["recognition_years"]
        assert [year for year, _counts in years] == [2023, 2021]

    def test_filter_choices_are_read_once_per_version_and_follow_changes(self, visitor, commits):
        with commits():
            EnterpriseFactory(region=RegionFactory(code="21", name_en="Liaoning"))
            ExhibitionFactory(name_en="First fair", slug="first-fair")
        fetch(visitor, "/en/enterprises/")
        # Another page of the same version: the region, industry and exhibition choices come
        # from memory, still labelled with their counts.
        with CaptureQueriesContext(connection) as queries:
            page = fetch(visitor, "/en/enterprises/?sort=name").content.decode()
        assert not any('FROM "enterprises_exhibition"' in q["sql"] for q in queries)
        assert not any('FROM "enterprises_region"' in q["sql"] for q in queries)
        assert '<option value="first-fair">First fair (0)</option>' in page
        assert '<option value="region-21">Liaoning (1)</option>' in page
        with commits():
            ExhibitionFactory(name_en="Second fair", slug="second-fair")
        page = fetch(visitor, "/en/enterprises/?sort=founded").content.decode()
        assert '<option value="second-fair">Second fair (0)</option>' in page
        # A chosen value is still checked in the database, and marked as chosen.
        page = fetch(visitor, "/en/enterprises/?exhibition=second-fair").content.decode()
        assert '<option value="second-fair" selected>' in page
        refused = visitor.get("/en/enterprises/?exhibition=gone-fair")
        assert "Select a valid choice" in refused.content.decode()
        assert "X-Cache" not in refused and "no-store" in refused["Cache-Control"]

    def test_unpublishing_hides_the_page_at_once(self, visitor, publisher_client, commits):
        firm = EnterpriseFactory()
        fetch(visitor, firm.get_absolute_url())
        with commits():
            publisher_client.post(
                admin_url(Enterprise, "changelist"),
                {"action": "archive", "_selected_action": [firm.pk]},
            )
        assert visitor.get(firm.get_absolute_url()).status_code == 404

    def test_an_import_is_visible_on_the_next_request(self, visitor, editor_client, commits):
        RegionFactory(code="21", slug="liaoning")
        fetch(visitor, "/enterprises/?sort=name")
        rows = [["imported-firm", "导入的企业", "Imported", "21", "", "draft", ""]]
        response = preview(editor_client, Enterprise, csv_file(rows))
        with commits():
            confirm(editor_client, Enterprise, response)
        # A draft: not public, but the version moved on, so no page is served stale.
        page = fetch(visitor, "/enterprises/?sort=name")
        assert page["X-Cache"] == "miss"

    def test_a_fixture_load_is_visible_on_the_next_request(self, visitor, commits):
        assert "Beijing Tri-tech" not in fetch(visitor, "/en/enterprises/").content.decode()
        with commits():
            load_directory()
        assert "Beijing Tri-tech" in fetch(visitor, "/en/enterprises/").content.decode()

    def test_an_orm_save_or_delete_raises_the_version(self, commits):
        before = caching.current_version()
        with commits():
            firm = EnterpriseFactory()
        middle = caching.current_version()
        with commits():
            firm.sources.add(*[])
            Enterprise.objects.filter(pk=firm.pk).first().recognitions.all().delete()
            firm.save()
        assert before < middle < caching.current_version()

    def test_the_version_is_shared_through_the_database(self):
        """Another gunicorn worker (here: a plain UPDATE) raising it is seen at once."""
        before = caching.current_version()
        ContentVersion.objects.filter(pk=1).update(value=before + 10)
        assert caching.current_version() == before + 10


def worker_redis_url(url):
    """TEST_REDIS_URL's database number plus this xdist worker's, so that parallel workers
    never clear each other's keys (redis://host:6379/14: gw0 uses 14, gw1 15, gw2 0...)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{(base + worker) % 16}"))


@pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"),
    reason="set TEST_REDIS_URL (CI does, in its PostgreSQL pass) to test the Redis cache",
)
def test_with_redis_the_version_and_pages_live_in_redis(visitor, commits):
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": worker_redis_url(os.environ["TEST_REDIS_URL"]),
            "KEY_PREFIX": f"smedirectory-test-{os.getpid()}",
        }
    }
    with override_settings(CACHES=redis):
        caches["default"].clear()
        try:
            assert caching.shared_cache()
            EnterpriseFactory(name_zh_hans="红色企业")
            fetch(visitor, "/enterprises/")
            assert fetch(visitor, "/enterprises/")["X-Cache"] == "hit"
            before = caching.current_version()
            with commits():
                EnterpriseFactory(name_zh_hans="蓝色企业")
            assert caching.current_version() == before + 1
            assert "蓝色企业" in fetch(visitor, "/enterprises/").content.decode()
            # The time of the change is kept beside the version (the API's Last-Modified).
            version, changed = caching.current_state()
            assert version == before + 1
            assert abs((timezone.now() - changed).total_seconds()) < 60
            # The figures' versions live there too: a policy leaves them, a firm raises them.
            figures = caching.current_figure_versions()
            assert all(figures.values())
            with commits():
                PolicyFactory()
            assert caching.current_figure_versions() == figures
            assert caching.current_version() == before + 2
            with commits():
                EnterpriseFactory()
            assert caching.current_figure_versions()["enterprises"] == figures["enterprises"] + 1
        finally:
            caches["default"].clear()


def figure_versions():
    return caching.current_figure_versions()


def counts_enterprises(queries):
    """Whether any query grouped the enterprise table (the facet cube's count)."""
    return any(
        'FROM "enterprises_enterprise"' in q["sql"] and "GROUP BY" in q["sql"]
        for q in queries.captured_queries
    )


class TestFigureVersions:
    """Figures computed from the enterprises (the facet cube) and from the recognitions keep
    their own versions: a change that cannot touch them leaves them as they were."""

    def test_a_change_elsewhere_keeps_the_figures(self, visitor, commits):
        firm = EnterpriseFactory(name_en="Before")
        with commits():
            caching.content_changed()  # every part, as any change that does not say
        fetch(visitor, "/statistics/")
        figures, version = figure_versions(), caching.current_version()
        with commits():
            policy = PolicyFactory()
            firm.name_en = "After"  # a name: no figure counts it
            firm.save()
        assert caching.current_version() > version and figure_versions() == figures
        with CaptureQueriesContext(connection) as queries:
            page = fetch(visitor, "/en/statistics/")
        assert not counts_enterprises(queries)  # the cube of the figures' version, kept
        assert page["X-Cache"] == "miss"  # the page itself is new
        assert policy.title in fetch(visitor, "/en/policies/").content.decode()

    @pytest.mark.parametrize(
        "field, value",
        [("tier", "little_giant"), ("status", "archived"), ("founded_year", 1999), ("size", "")],
    )
    def test_a_change_of_a_fact_the_figures_count_raises_them(
        self, visitor, commits, field, value
    ):
        firm = EnterpriseFactory(size="small")
        with commits():
            caching.content_changed()
        before = figure_versions()
        with commits():
            setattr(firm, field, value)
            firm.save()
        after = figure_versions()
        assert after["enterprises"] > before["enterprises"]
        assert after["recognitions"] > before["recognitions"]

    def test_a_recognition_raises_the_figures_and_the_statistics_follow(self, visitor, commits):
        firm = EnterpriseFactory()
        with commits():
            caching.content_changed()
        before = figure_versions()
        total = fetch(visitor, "/en/statistics/").context["total"]
        with commits():
            RecognitionFactory(enterprise=firm, tier="little_giant", year=2024)
            EnterpriseFactory()
        assert figure_versions()["recognitions"] > before["recognitions"]
        page = fetch(visitor, "/en/statistics/")
        assert page.context["total"] == total + 1

    def test_without_a_figures_version_the_content_version_serves(self, visitor):
        ContentVersion.objects.exclude(pk=1).delete()
        EnterpriseFactory()
        assert figure_versions() == {"enterprises": None, "recognitions": None}
        assert fetch(visitor, "/statistics/").context["total"] == 1
