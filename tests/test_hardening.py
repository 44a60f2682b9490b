"""Requests anyone (or any member of staff) can make get a clear answer, never a 500."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from enterprises.admin.forms import BoundedInline
from enterprises.models import Enterprise, Product

from .admin_forms import admin_url, change_form_data
from .factories import EnterpriseFactory, ProductFactory, RecognitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_client():
    """A client that gets the error page a visitor would get, not the exception."""
    return Client(raise_request_exception=False)


class TestAnyClient:
    @pytest.mark.parametrize("path", ["/", "/en/enterprises/", "/no-such-page/", "/admin/"])
    def test_a_disallowed_host_gets_400(self, quiet_client, curated, path):
        response = quiet_client.get(path, HTTP_HOST="attacker.example")
        assert response.status_code == 400
        assert b"request could not be understood" in response.content or "无法" in (
            response.content.decode()
        )

    @pytest.mark.parametrize("length", [151, 255, 256, 5000])
    def test_an_overlong_username_at_sign_in_is_a_form_error(self, quiet_client, db, length):
        response = quiet_client.post(
            "/en/admin/login/", {"username": "x" * length, "password": "y"}
        )
        assert response.status_code == 200
        assert b"errornote" in response.content or b"errorlist" in response.content


class TestStaff:
    def test_a_truncated_jpeg_is_refused_as_unreadable(self, staff_client):
        image = Image.new("RGB", (400, 300), (10, 120, 200))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=95)
        truncated = out.getvalue()[: len(out.getvalue()) // 2]
        product = ProductFactory()
        page = staff_client.get(admin_url(Product, "change", product.pk))
        data = change_form_data(page)
        data["image"] = SimpleUploadedFile("photo.jpg", truncated, content_type="image/jpeg")
        response = staff_client.post(admin_url(Product, "change", product.pk), data)
        assert response.status_code == 200
        assert "image" in response.context["adminform"].form.errors
        product.refresh_from_db()
        assert not product.image

    @pytest.mark.parametrize("record", ["abc", "0", "99999999999999999999", "-1"])
    def test_a_history_record_that_is_not_there_is_404(self, staff_client, record):
        enterprise = EnterpriseFactory()
        url = admin_url(Enterprise, "history", enterprise.pk) + f"{record}/"
        assert staff_client.get(url).status_code == 404

    @pytest.mark.parametrize("selected", ["abc", "1.5", "", "99999999999999999999999"])
    def test_a_bulk_action_on_malformed_ids_changes_nothing(self, staff_client, selected):
        enterprise = EnterpriseFactory(status="draft")
        response = staff_client.post(
            admin_url(Enterprise, "changelist"),
            {"action": "publish", "_selected_action": [selected]},
        )
        assert response.status_code in (200, 302)
        enterprise.refresh_from_db()
        assert enterprise.status == "draft"

    @pytest.mark.parametrize("value", ["abc", "99999999999999999999", "1; DROP TABLE x"])
    def test_a_change_form_with_a_malformed_reference_shows_the_form_again(
        self, staff_client, value
    ):
        enterprise = EnterpriseFactory()
        page = staff_client.get(admin_url(Enterprise, "change", enterprise.pk))
        data = change_form_data(page, region=value)
        response = staff_client.post(admin_url(Enterprise, "change", enterprise.pk), data)
        assert response.status_code == 200
        assert "region" in response.context["adminform"].form.errors

    @pytest.mark.parametrize("total", ["99999999", "1001", "-1", "abc"])
    def test_a_huge_or_malformed_inline_form_count_is_refused(self, staff_client, total):
        enterprise = RecognitionFactory().enterprise
        page = staff_client.get(admin_url(Enterprise, "change", enterprise.pk))
        data = change_form_data(page, **{"recognitions-TOTAL_FORMS": total})
        response = staff_client.post(admin_url(Enterprise, "change", enterprise.pk), data)
        # Refused with the form shown again, or (for a count that only adds empty forms)
        # saved with nothing added.
        assert response.status_code in (200, 302)
        enterprise.refresh_from_db()
        assert enterprise.recognitions.count() == 1
        if total.isdigit() and int(total) > BoundedInline.NEW_ROWS + 1:
            # More rows than an inline takes: an error, after building only that many forms.
            (recognitions,) = [
                inline.formset
                for inline in response.context["inline_admin_formsets"]
                if inline.formset.prefix == "recognitions"
            ]
            assert (
                recognitions.total_form_count() == BoundedInline.NEW_ROWS + 1
            )  # the one row there
            assert recognitions.non_form_errors()

    def test_an_entry_with_more_rows_than_new_rows_allowed_still_saves(
        self, staff_client, monkeypatch
    ):
        monkeypatch.setattr(BoundedInline, "NEW_ROWS", 1)
        enterprise = RecognitionFactory(year=2021).enterprise
        RecognitionFactory(enterprise=enterprise, year=2022)
        RecognitionFactory(enterprise=enterprise, year=2023)
        page = staff_client.get(admin_url(Enterprise, "change", enterprise.pk))
        data = change_form_data(page, name_en="Renamed Works")
        response = staff_client.post(admin_url(Enterprise, "change", enterprise.pk), data)
        assert response.status_code == 302
        enterprise.refresh_from_db()
        assert enterprise.name_en == "Renamed Works" and enterprise.recognitions.count() == 3


@pytest.mark.parametrize("object_id", ["abc", "99999999999999999999", "-1", "1.5"])
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_an_entry_id_that_cannot_exist_is_not_a_server_error(staff_client, object_id, view):
    EnterpriseFactory()
    url = admin_url(Product, view, 1).replace("/1/", f"/{object_id}/")
    assert staff_client.get(url).status_code in (302, 404)


CHANGELIST_QUERIES = [
    "o=abc",
    "o=99",
    "p=abc",
    "p=999999",
    "status__exact=nonsense",
    "region__id__exact=abc",
    "region__id__exact=99999999999999999999",
    "tier__exact=" + "x" * 5000,
    "q=" + "长" * 3000,
    "_to_field=password",
    "missing=xx",
    "year=abc",
    "all=1&p=-1",
]


@pytest.mark.parametrize("query", CHANGELIST_QUERIES)
@pytest.mark.parametrize("model", [Enterprise, Product])
def test_a_changelist_with_malformed_parameters_is_not_a_server_error(staff_client, model, query):
    ProductFactory()
    response = staff_client.get(admin_url(model, "changelist") + "?" + query)
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(
    "query",
    [
        "app_label=enterprises&model_name=product&field_name=enterprise&term=x",
        "app_label=enterprises&model_name=nope&field_name=x",
        "app_label=auth&model_name=user&field_name=password",
        "app_label=enterprises&model_name=product&field_name=enterprise&page=abc",
        "",
    ],
)
def test_the_autocomplete_view_answers_malformed_queries_cleanly(staff_client, query):
    response = staff_client.get("/admin/autocomplete/?" + query)
    assert response.status_code in (200, 403, 404)
