"""Signing in to the admin: throttled before any password is checked, locked by address and
by username, and the real owner of a username under attack can still sign in."""

from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

LOGIN = "/en/admin/login/"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    """Every attempt falls in the same minute of the throttle, however slow the machine:
    crossing a minute boundary mid-test would start a new count."""
    from enterprises import signin

    clock = SimpleNamespace(time=lambda: 1_800_000_000.0)
    monkeypatch.setattr(signin, "time", clock)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_superuser("owner", "owner@example.org", PASSWORD)


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was hashed (to check or to waste time on a stranger)."""
    calls = []
    for name in ("encode", "verify"):
        original = getattr(PBKDF2PasswordHasher, name)

        def counted(self, *args, _original=original, **kwargs):
            calls.append(1)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(PBKDF2PasswordHasher, name, counted)
    return calls


def sign_in(username, password="wrong", address="203.0.113.7", **headers):
    client = Client(REMOTE_ADDR=address, raise_request_exception=False)
    response = client.post(LOGIN, {"username": username, "password": password}, **headers)
    return response


def signed_in(response):
    return response.status_code == 302 and "/login/" not in response["Location"]


@override_settings(SIGN_IN_ATTEMPTS_PER_MINUTE=10, AXES_FAILURE_LIMIT=100)
def test_a_client_changing_username_every_time_is_throttled_before_any_hash(hashes):
    statuses = [sign_in(f"guess-{n}").status_code for n in range(10)]
    assert statuses == [200] * 10
    hashed = len(hashes)
    refused = [sign_in(f"guess-more-{n}") for n in range(5)]
    assert [r.status_code for r in refused] == [429] * 5
    assert all(int(r["Retry-After"]) <= 60 for r in refused)
    assert len(hashes) == hashed  # refused before any password was hashed
    # Another address is not affected.
    assert sign_in("guess-x", address="198.51.100.2").status_code == 200


@override_settings(SIGN_IN_ATTEMPTS_PER_MINUTE=0, AXES_FAILURE_LIMIT=5)
def test_an_address_is_locked_whatever_usernames_it_tries(owner, hashes):
    for n in range(4):
        assert sign_in(f"user-{n}").status_code == 200
    # The fifth failure locks the address.
    assert sign_in("user-4").status_code == 429
    hashed = len(hashes)
    # Locked now, even with the right password, and without hashing it.
    response = sign_in("owner", PASSWORD)
    assert response.status_code == 429
    assert b"locked" in response.content
    assert len(hashes) == hashed
    # The owner elsewhere is not locked.
    assert signed_in(sign_in("owner", PASSWORD, address="198.51.100.9"))


@override_settings(SIGN_IN_ATTEMPTS_PER_MINUTE=0, AXES_FAILURE_LIMIT=5)
def test_one_username_attacked_from_many_addresses_gets_one_guess_per_address(owner, hashes):
    for n in range(4):
        assert sign_in("owner", address=f"192.0.2.{n + 1}").status_code == 200
    # The fifth failure, from a fifth address, puts the username under attack.
    assert sign_in("owner", address="192.0.2.5").status_code == 429
    # An address that already failed is refused without a check...
    hashed = len(hashes)
    assert sign_in("owner", address="192.0.2.1").status_code == 429
    assert len(hashes) == hashed
    # ...and a new one gets a single guess: checked, then locked.
    assert sign_in("owner", address="192.0.2.50").status_code == 429
    checked = len(hashes)
    assert checked > hashed
    assert sign_in("owner", address="192.0.2.50").status_code == 429
    assert len(hashes) == checked
    # The owner, from an address that made no guess, signs in.
    assert signed_in(sign_in("owner", PASSWORD, address="198.51.100.20"))


@override_settings(
    SIGN_IN_ATTEMPTS_PER_MINUTE=0,
    AXES_FAILURE_LIMIT=5,
    TRUSTED_PROXIES=["10.0.0.1"],
)
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(owner):
    proxy = "10.0.0.1"
    for n in range(4):
        sign_in(f"x{n}", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert sign_in("y", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66").status_code == 429
    # Everyone else behind the same proxy is not locked out with the attacker.
    response = sign_in("owner", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert signed_in(response)
    # A forged header from a client that is not a trusted proxy changes nothing: the
    # locked address stays locked whatever it claims.
    for n in range(5):
        sign_in(f"z{n}", address="203.0.113.99")
    forged = sign_in("owner", PASSWORD, address="203.0.113.99", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forged.status_code == 429


@override_settings(SIGN_IN_ATTEMPTS_PER_MINUTE=0)
@pytest.mark.parametrize("length", [151, 256, 5000])
def test_an_impossible_username_is_a_form_error_and_stores_nothing(length):
    response = sign_in("u" * length)
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


@override_settings(SIGN_IN_ATTEMPTS_PER_MINUTE=0, AXES_FAILURE_LIMIT=3)
def test_a_locked_address_that_keeps_trying_stores_no_more_rows():
    for n in range(3):
        sign_in(f"user-{n}")
    stored = AccessAttempt.objects.count()
    for n in range(20):
        sign_in(f"more-{n}")
    assert AccessAttempt.objects.count() == stored


def test_the_admin_is_named_for_the_directory(client):
    html = client.get(LOGIN).content.decode()
    assert "China Specialized SME Directory" in html
    assert "Django" not in html.split("<body")[1]
