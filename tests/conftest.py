import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.test.utils import override_settings

from enterprises.loading import load_directory, shared_fixture_paths


def flushes_the_database(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """Tests that flush the database (transactional ones, the browser's live server) run
    last: the rows the migrations create (the staff groups, the content version) are gone
    after them. pytest-django orders them so, but a later plugin may reorder the items."""
    result = yield
    items.sort(key=flushes_the_database)
    return result


@pytest.fixture(autouse=True, scope="session")
def test_environment(tmp_path_factory):
    """Plain HTTP, and templates rendered without running collectstatic first."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        STORAGES=storages,
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        DIRECTORY_CACHE=False,
    ):
        yield


@pytest.fixture
def curated(db):
    """The shared curated files (sources, regions, industries and the seed article's entries),
    loaded exactly as operators load them; tests of the whole directory use test_stated's
    module-wide load, which costs more."""
    return load_directory(shared_fixture_paths())


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="not-used", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def same_language():
    """Each test ends in the language it started in (none active: messages untranslated):
    a language a test or a request activated would otherwise build the next test's URLs
    in it."""
    from django.utils import translation

    language = translation.get_language()
    yield
    if translation.get_language() != language:
        if language is None:
            translation.deactivate_all()
        else:
            translation.activate(language)


@pytest.fixture(autouse=True)
def empty_cache():
    """No cached page or figure outlives its test (nor what processes keep in memory: a
    version number can come back in the next test's rolled-back database)."""
    from django.core.cache import cache

    from enterprises.caching import forget_in_process

    for clear in (cache.clear, forget_in_process):
        clear()
    yield
    for clear in (cache.clear, forget_in_process):
        clear()


@pytest.fixture
def publisher(django_user_model):
    user = django_user_model.objects.create_user(
        username="publisher", password="not-used", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Publishers"))
    return user


@pytest.fixture
def publisher_client(publisher):
    client = Client()
    client.force_login(publisher)
    return client


@pytest.fixture(autouse=True)
def calendar_settled(monkeypatch):
    """The tiers count as brought up to date for today, so that no test's first request pays
    for the daily re-derivation (tests of the calendar reset it)."""
    from django.utils import timezone

    from enterprises import caching

    monkeypatch.setattr(caching, "_settled_on", timezone.localdate())
