"""Staff sessions end after a fixed time and when idle; every response carries the
headers that keep the site's resources and browser features to itself."""

import time

import pytest
from django.test import override_settings

from enterprises import sessions

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/"


@pytest.fixture
def clock(monkeypatch):
    """A settable time.time() for the session clock."""
    now = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    return now


@pytest.fixture
def signed_in(client, admin_user, clock):
    client.post("/en/admin/login/", {"username": admin_user.username, "password": "password"})
    assert client.get(ADMIN).status_code == 200
    return client


def test_signing_in_sets_an_idle_expiry(signed_in, settings):
    assert signed_in.session.get_expiry_age() <= settings.SESSION_IDLE_TIMEOUT


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_a_session_idle_for_longer_than_the_timeout_ends(signed_in, clock):
    clock[0] += 1799
    assert signed_in.get(ADMIN).status_code == 200
    clock[0] += 1801
    response = signed_in.get(ADMIN)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert signed_in.get(ADMIN).status_code == 302


@override_settings(SESSION_IDLE_TIMEOUT=1800, SESSION_MAX_AGE=12 * 3600)
def test_an_active_session_ends_after_the_maximum_age(signed_in, clock):
    for _ in range(23):  # a request every 30 minutes but one second
        clock[0] += 1799
        assert signed_in.get(ADMIN).status_code == 200
    clock[0] += 1799 + 3600
    assert signed_in.get(ADMIN).status_code == 302


def test_the_session_cookie_never_outlives_the_maximum_age(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_AGE == 12 * 3600
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


@pytest.mark.parametrize("path", ["/", "/en/enterprises/", "/en/admin/login/", "/healthz"])
def test_every_response_limits_features_and_cross_origin_use(client, path):
    response = client.get(path)
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
