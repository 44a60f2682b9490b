"""Corrections from readers: a form on every public entry, bounded for anonymous clients,
kept in a queue that moderators read beside the entry's change form."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from corrections.models import Correction
from enterprises.models import Person, Region, Status
from tests.factories import (
    EnterpriseFactory,
    ExhibitionFactory,
    PolicyFactory,
    ProductFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "reader-7f3a@example.org"


@pytest.fixture(autouse=True)
def in_english():
    """Addresses (and so pages) in English, which the assertions below read."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def one_hour(monkeypatch):
    """Every post falls in the same hour of the throttle, however slow the machine."""
    from corrections import limits

    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


def text(response):
    return response.content.decode()


def form_url(entry, segment):
    return reverse("corrections:suggest", kwargs={"kind": segment, "slug": entry.slug})


def suggestion(**changes):
    return {
        "wrong": "The founding year is 2003.",
        "right": "It was founded in 2005.",
        "source_url": "https://www.example.gov.cn/list.pdf",
        "email": EMAIL,
        "homepage": "",
        **changes,
    }


def post(entry, segment="enterprises", address="203.0.113.7", data=None, **headers):
    client = Client(REMOTE_ADDR=address)
    return client.post(form_url(entry, segment), data or suggestion(), **headers)


ENTRIES = {
    "enterprises": lambda: EnterpriseFactory(),
    "products": lambda: ProductFactory(),
    "exhibitions": lambda: ExhibitionFactory(),
    "policies": lambda: PolicyFactory(),
    "regions": lambda: RegionFactory(code="37", slug="shandong-test"),
    "people": lambda: Person.objects.create(
        name="李测试", slug="li-ceshi", status=Status.PUBLISHED
    ),
}


@pytest.fixture
def enterprise():
    return EnterpriseFactory(founded_year=2003)


class TestTheForm:
    @pytest.mark.parametrize("segment", ENTRIES)
    def test_every_detail_page_links_to_its_form(self, client, segment):
        entry = ENTRIES[segment]()
        page = client.get(entry.get_absolute_url())
        assert page.status_code == 200
        url = form_url(entry, segment)
        assert f'href="{url}"' in text(page)
        response = client.get(url)
        assert response.status_code == 200
        for name in ("wrong", "right", "source_url", "email"):
            assert f'<label for="id_{name}">' in text(response)

    @pytest.mark.parametrize("segment", ENTRIES)
    def test_a_suggestion_on_every_kind_is_stored_as_new(self, segment):
        entry = ENTRIES[segment]()
        response = post(entry, segment)
        assert response.status_code == 302
        correction = Correction.objects.get()
        assert correction.status == Correction.Status.NEW
        assert correction.entry == entry
        assert correction.entry_slug == entry.slug

    def test_the_reader_sees_a_confirmation(self, enterprise):
        response = post(enterprise)
        assert response["Location"] == reverse(
            "corrections:thanks", kwargs={"kind": "enterprises", "slug": enterprise.slug}
        )
        thanks = Client().get(response["Location"])
        assert thanks.status_code == 200
        assert "Thank you for your suggestion" in text(thanks)

    def test_what_the_reader_wrote_is_kept(self, enterprise):
        with translation.override("zh-hans"):
            post(enterprise, HTTP_ACCEPT_LANGUAGE="en")
        correction = Correction.objects.get()
        assert correction.wrong == "The founding year is 2003."
        assert correction.right == "It was founded in 2005."
        assert correction.source_url == "https://www.example.gov.cn/list.pdf"
        assert correction.email == EMAIL
        assert correction.language == "zh-hans"  # the unprefixed address is the Chinese site

    def test_the_form_is_accessible(self, client, enterprise):
        page = text(client.get(form_url(enterprise, "enterprises")))
        assert 'autocomplete="email"' in page
        assert 'aria-describedby="id_wrong_helptext"' in page
        # The trap is labelled, out of the tab order and hidden from screen readers.
        assert re.search(
            r'<div class="trap" aria-hidden="true">\s*<label for="id_homepage">', page
        )
        assert re.search(r'<input[^>]*name="homepage"[^>]*tabindex="-1"', page)
        assert "<style" not in page and "style=" not in page
        assert "<script>" not in page

    def test_errors_are_summarised_and_linked_to_their_fields(self, enterprise):
        response = post(enterprise, data=suggestion(wrong="", email="not an address"))
        page = text(response)
        assert response.status_code == 200
        assert 'class="form-errors" role="alert"' in page
        assert 'href="#id_wrong"' in page and 'href="#id_email"' in page
        assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*id="id_wrong"', page)

    def test_the_form_page_is_never_cached(self, client, enterprise):
        response = client.get(form_url(enterprise, "enterprises"))
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    @override_settings(DIRECTORY_CACHE=True)
    def test_the_anonymous_page_cache_keeps_no_form(self, client, enterprise):
        from enterprises.caching import AnonymousPageCacheMiddleware

        response = client.get(form_url(enterprise, "enterprises"))
        middleware = AnonymousPageCacheMiddleware(lambda request: response)
        assert not middleware.cacheable_response(response.wsgi_request, response)
        assert "X-Cache" not in response

    def test_a_post_without_the_csrf_token_is_refused(self, enterprise):
        client = Client(enforce_csrf_checks=True)
        response = client.post(form_url(enterprise, "enterprises"), suggestion())
        assert response.status_code == 403
        assert not Correction.objects.exists()

    def test_the_english_form_is_under_the_english_prefix(self, client, enterprise):
        response = client.get(f"/en/enterprises/{enterprise.slug}/correction/")
        assert response.status_code == 200
        assert 'lang="en"' in text(response)


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("wrong", "x" * 2001),
            ("right", "x" * 2001),
            ("wrong", ""),
            ("right", "   "),
            ("right", "a\x00b"),
            ("wrong", "\x00"),
            ("source_url", "javascript:alert(1)"),
            ("source_url", "not a url at all"),
            ("source_url", "https://example.org/" + "a" * 500),
            ("source_url", "https://exa\x00mple.org/"),
            ("email", "not-an-address"),
            ("email", "a@b.c\x00"),
            ("email", "x" * 250 + "@example.org"),
        ],
    )
    def test_bad_input_is_a_form_error_and_stores_nothing(self, enterprise, field, value):
        response = post(enterprise, data=suggestion(**{field: value}))
        assert response.status_code == 200
        assert 'class="form-errors"' in text(response)
        assert f'href="#id_{field}"' in text(response)
        assert not Correction.objects.exists()

    def test_a_nul_in_a_field_name_is_no_server_error(self, enterprise):
        response = post(enterprise, data={**suggestion(), "\x00": "x"})
        assert response.status_code in (302, 400)


class TestUnpublished:
    @pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
    def test_a_suggestion_for_an_entry_the_public_does_not_see_is_404(self, client, status):
        draft = EnterpriseFactory(status=status)
        assert client.get(form_url(draft, "enterprises")).status_code == 404
        assert post(draft).status_code == 404
        thanks = reverse("corrections:thanks", kwargs={"kind": "enterprises", "slug": draft.slug})
        assert client.get(thanks).status_code == 404
        assert not Correction.objects.exists()

    def test_an_unknown_entry_or_kind_is_404(self, client):
        assert client.get("/enterprises/no-such-entry/correction/").status_code == 404
        assert client.post("/enterprises/no-such-entry/correction/", {}).status_code == 404
        assert client.get("/sources/x/correction/").status_code == 404

    def test_staff_cannot_suggest_for_a_draft_either(self, staff_client):
        draft = EnterpriseFactory(status=Status.DRAFT)
        assert staff_client.get(draft.get_absolute_url()).status_code == 200  # a preview
        assert staff_client.get(form_url(draft, "enterprises")).status_code == 404


class TestHoneypot:
    def test_a_filled_trap_gets_the_confirmation_and_stores_nothing(self, enterprise):
        response = post(enterprise, data=suggestion(homepage="http://spam.example/"))
        assert response.status_code == 302
        assert response["Location"].endswith("/correction/thanks/")
        assert not Correction.objects.exists()

    def test_a_filled_trap_with_bad_fields_gets_the_confirmation_too(self, enterprise):
        response = post(enterprise, data=suggestion(homepage="x", wrong="", email="bad"))
        assert response.status_code == 302
        assert not Correction.objects.exists()


class TestThrottle:
    @pytest.fixture(autouse=True)
    def limits(self, settings):
        settings.CORRECTIONS_PER_CLIENT_PER_HOUR, settings.CORRECTIONS_PER_HOUR = 3, 100

    def test_a_client_gets_try_later_after_its_hourly_allowance(self, enterprise):
        assert [post(enterprise).status_code for _ in range(3)] == [302] * 3
        refused = post(enterprise)
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 3600
        assert "Please try again later" in text(refused)
        assert "no-store" in refused["Cache-Control"]
        assert Correction.objects.count() == 3
        # The form says so at once, before the reader writes anything.
        assert (
            Client(REMOTE_ADDR="203.0.113.7").get(form_url(enterprise, "enterprises")).status_code
            == 429
        )
        # Another address is not affected.
        assert post(enterprise, address="198.51.100.9").status_code == 302

    def test_bad_and_trapped_posts_count_too(self, enterprise):
        post(enterprise, data=suggestion(wrong=""))
        post(enterprise, data=suggestion(homepage="x"))
        post(enterprise)
        assert post(enterprise).status_code == 429
        assert Correction.objects.count() == 1

    def test_a_new_hour_starts_a_new_count(self, enterprise, monkeypatch):
        from corrections import limits

        for _ in range(3):
            post(enterprise)
        assert post(enterprise).status_code == 429
        monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_003_600.0))
        assert post(enterprise).status_code == 302

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(self, enterprise):
        proxy = "10.0.0.1"
        for _ in range(3):
            assert (
                post(enterprise, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66").status_code
                == 302
            )
        assert (
            post(enterprise, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66").status_code == 429
        )
        # Other readers behind the same proxy are not refused with that one.
        assert (
            post(enterprise, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 302
        )

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_a_forged_header_from_an_untrusted_client_changes_nothing(self, enterprise):
        for n in range(3):
            post(enterprise, address="203.0.113.99", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        forged = post(enterprise, address="203.0.113.99", HTTP_X_FORWARDED_FOR="192.0.2.200")
        assert forged.status_code == 429


class TestSiteWideCap:
    @pytest.fixture(autouse=True)
    def limits(self, settings):
        settings.CORRECTIONS_PER_CLIENT_PER_HOUR, settings.CORRECTIONS_PER_HOUR = 100, 3

    def test_past_the_hourly_cap_everyone_gets_try_later(self, enterprise):
        statuses = [post(enterprise, address=f"198.51.100.{n}").status_code for n in range(3)]
        assert statuses == [302] * 3
        refused = post(enterprise, address="192.0.2.44")
        assert refused.status_code == 503
        assert 0 < int(refused["Retry-After"]) <= 3600
        assert "try again later" in text(refused)
        assert Correction.objects.count() == 3
        assert (
            Client(REMOTE_ADDR="192.0.2.45").get(form_url(enterprise, "enterprises")).status_code
            == 503
        )

    def test_suggestions_older_than_an_hour_no_longer_count(self, enterprise):
        for n in range(3):
            post(enterprise, address=f"198.51.100.{n}")
        Correction.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
        assert post(enterprise, address="192.0.2.44").status_code == 302


class TestPrivacy:
    def test_the_email_is_never_shown_on_public_pages(self, client, enterprise):
        response = post(enterprise)
        pages = [
            client.get(response["Location"]),
            client.get(enterprise.get_absolute_url()),
            client.get(form_url(enterprise, "enterprises")),
            client.get(enterprise.get_absolute_url()),
            client.get(reverse("enterprises:search") + "?q=reader-7f3a"),
        ]
        for page in pages:
            assert EMAIL not in text(page)

    def test_moderators_see_the_email(self, staff_client, enterprise):
        post(enterprise)
        correction = Correction.objects.get()
        assert EMAIL in text(staff_client.get(correction.get_absolute_url()))


class TestModeration:
    @pytest.fixture
    def correction(self, enterprise):
        post(enterprise)
        return Correction.objects.get()

    def test_the_queue_filters_by_status_and_kind_and_searches(self, staff_client, correction):
        product = ProductFactory()
        post(product, "products", address="198.51.100.1", data=suggestion(wrong="Wrong maker."))
        url = reverse("admin:corrections_correction_changelist")
        assert staff_client.get(url).status_code == 200
        by_kind = text(staff_client.get(url + "?kind=products"))
        assert "Wrong maker." not in by_kind  # not a column, but the entry is
        assert str(product.name) in by_kind and correction.entry_name not in by_kind
        assert correction.entry_name in text(staff_client.get(url + "?status__exact=new"))
        assert correction.entry_name not in text(staff_client.get(url + "?status__exact=rejected"))
        assert correction.entry_name in text(staff_client.get(url + "?q=2005"))
        assert correction.entry_name not in text(staff_client.get(url + "?q=nothing-like-it"))
        assert staff_client.get(url + "?kind=bogus").status_code == 200

    def test_rejecting_requires_a_reason(self, staff_client, correction):
        url = correction.get_absolute_url()
        response = staff_client.post(url, {"_reject": "1", "decision_note": "  "})
        assert response.status_code == 200
        assert "Give the reason for rejecting" in text(response)
        correction.refresh_from_db()
        assert correction.status == Correction.Status.NEW
        response = staff_client.post(url, {"_reject": "1", "decision_note": "The list says 2003."})
        assert response.status_code == 302
        correction.refresh_from_db()
        assert correction.status == Correction.Status.REJECTED
        assert correction.decision_note == "The list says 2003."
        assert correction.decided_by is not None

    def test_a_rejection_without_reason_is_refused_by_the_model_and_the_database(
        self, correction, admin_user
    ):
        with pytest.raises(ValidationError):
            correction.reject(admin_user, "")
        correction.status = Correction.Status.REJECTED
        with pytest.raises(ValidationError):
            correction.validate_constraints()

    def test_accepting_marks_the_suggestion(self, staff_client, correction):
        response = staff_client.post(correction.get_absolute_url(), {"_accept": "1"})
        assert response.status_code == 302
        correction.refresh_from_db()
        assert correction.status == Correction.Status.ACCEPTED

    def test_editors_may_moderate(self, editor_client, correction):
        assert (
            editor_client.get(reverse("admin:corrections_correction_changelist")).status_code
            == 200
        )
        editor_client.post(correction.get_absolute_url(), {"_accept": "1"})
        correction.refresh_from_db()
        assert correction.status == Correction.Status.ACCEPTED

    def test_staff_without_the_permission_cannot_decide(
        self, client, django_user_model, correction
    ):
        from django.contrib.auth.models import Permission

        user = django_user_model.objects.create_user("reader-staff", is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="view_correction"))
        client.force_login(user)
        assert client.get(correction.get_absolute_url()).status_code == 200
        assert client.post(correction.get_absolute_url(), {"_accept": "1"}).status_code == 403
        correction.refresh_from_db()
        assert correction.is_new

    @pytest.mark.parametrize("object_id", ["0", "abc", "9" * 30, "1%00"])
    def test_a_malformed_or_missing_id_is_404(self, staff_client, object_id):
        url = reverse("admin:corrections_correction_changelist") + f"{object_id}/change/"
        assert staff_client.get(url).status_code == 404

    def test_accept_opens_the_change_form_with_the_suggestion_beside_it(
        self, staff_client, correction, enterprise
    ):
        page = text(staff_client.get(correction.get_absolute_url()))
        change_url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
        assert f'href="{change_url}?correction={correction.pk}"' in page
        form = staff_client.get(f"{change_url}?correction={correction.pk}")
        assert form.status_code == 200
        shown = text(form)
        assert "Correction suggested by a reader" in shown
        assert "It was founded in 2005." in shown
        assert f'action="{correction.get_absolute_url()}"' in shown
        assert 'name="_accept"' in shown
        # The entry's own form is still there, beside it.
        assert 'id="enterprise_form"' in shown

    def test_the_panel_shows_only_the_entrys_own_suggestion(self, staff_client, correction):
        other = EnterpriseFactory()
        change_url = reverse("admin:enterprises_enterprise_change", args=[other.pk])
        for query in (f"?correction={correction.pk}", "?correction=x", "?correction=" + "9" * 40):
            response = staff_client.get(change_url + query)
            assert response.status_code == 200
            assert "Correction suggested by a reader" not in text(response)

    def test_a_region_change_form_shows_its_suggestion(self, staff_client):
        region = RegionFactory(code="37", slug="shandong-test")
        post(region, "regions")
        correction = Correction.objects.get()
        assert correction.entry == Region.objects.get(code="37")
        response = staff_client.get(correction.entry_admin_url())
        assert "Correction suggested by a reader" in text(response)


class TestNoDataChange:
    def test_neither_a_suggestion_nor_its_acceptance_changes_the_entry(
        self, staff_client, enterprise
    ):
        before = type(enterprise).objects.values().get(pk=enterprise.pk)
        history = enterprise.history.count()
        post(enterprise)
        correction = Correction.objects.get()
        staff_client.get(correction.entry_admin_url())
        staff_client.post(correction.get_absolute_url(), {"_accept": "1"})
        assert type(enterprise).objects.values().get(pk=enterprise.pk) == before
        assert enterprise.history.count() == history

    @override_settings(DIRECTORY_CACHE=True)
    def test_a_suggestion_does_not_change_the_content_version(self, enterprise):
        from enterprises.caching import current_version

        version = current_version()
        post(enterprise)
        assert current_version() == version
