import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    Industry,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    Source,
    Status,
)
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    IndicatorFactory,
    PolicyTargetFactory,
    RecognitionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Enterprise,
    Recognition,
    Product,
    Exhibition,
    Exhibit,
    PolicyInitiative,
    PolicyTarget,
    Indicator,
    Source,
    Region,
    Industry,
]


def admin_url(model, action, *args):
    return reverse(f"admin:enterprises_{model._meta.model_name}_{action}", args=args)


def test_every_directory_model_is_registered():
    for model in MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_editor_can_open_changelist_add_and_change_forms(editor_client, curated, model, db):
    ExhibitFactory()
    PolicyTargetFactory()
    IndicatorFactory()
    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "changelist") + "?q=test").status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    assert editor_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_changelist_search_finds_chinese_and_english_names(staff_client, curated):
    response = staff_client.get(admin_url(Product, "changelist") + "?q=外骨骼")
    assert [p.slug for p in response.context["cl"].result_list] == ["passive-wearable-exoskeleton"]
    response = staff_client.get(admin_url(Enterprise, "changelist") + "?q=tri-tech")
    assert [e.slug for e in response.context["cl"].result_list] == ["beijing-tri-tech"]


def test_change_form_has_tabs_for_both_languages_and_no_cdn(staff_client, curated):
    zte = Enterprise.objects.get(slug="zte")
    html = staff_client.get(admin_url(Enterprise, "change", zte.pk)).content.decode()
    assert 'name="name_zh_hans"' in html and 'name="name_en"' in html
    assert "vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html and "//cdn" not in html


def test_change_form_has_recognition_and_product_inlines(staff_client, curated):
    tri_tech = Enterprise.objects.get(slug="beijing-tri-tech")
    html = staff_client.get(admin_url(Enterprise, "change", tri_tech.pk)).content.decode()
    assert 'id="recognitions-group"' in html and 'id="products-group"' in html


def test_view_on_site_links_to_the_public_page(staff_client, curated):
    zte = Enterprise.objects.get(slug="zte")
    html = staff_client.get(admin_url(Enterprise, "change", zte.pk)).content.decode()
    content_type = ContentType.objects.get_for_model(Enterprise)
    shortcut_url = reverse("admin:view_on_site", args=[content_type.pk, zte.pk])
    assert shortcut_url in html
    shortcut = staff_client.get(shortcut_url)
    assert shortcut.status_code == 302 and shortcut["Location"].endswith("/enterprises/zte/")


def test_editor_adds_an_enterprise_and_the_slug_is_filled(editor_client, curated):
    liaoning = Region.objects.get(code="21")
    data = {
        "name_zh_hans": "沈阳新松机器人",
        "name_en": "",
        "slug": "",
        "status": "draft",
        "region": liaoning.pk,
        "credit_code": "",
        "exchange": "",
        "ticker": "",
        "recognitions-TOTAL_FORMS": "0",
        "recognitions-INITIAL_FORMS": "0",
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
    }
    response = editor_client.post(admin_url(Enterprise, "add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert (
        Enterprise.objects.get(name_zh_hans="沈阳新松机器人").slug
        == "shen-yang-xin-song-ji-qi-ren"
    )


def test_invalid_credit_code_shows_a_form_error(editor_client, curated):
    data = {
        "name_en": "Broken Code Ltd",
        "status": "draft",
        "credit_code": "123",
        "recognitions-TOTAL_FORMS": "0",
        "recognitions-INITIAL_FORMS": "0",
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
    }
    response = editor_client.post(admin_url(Enterprise, "add"), data)
    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors
    assert not Enterprise.objects.filter(name_en="Broken Code Ltd").exists()


@pytest.mark.parametrize(
    ("action", "status"), [("publish", "published"), ("return_to_draft", "draft")]
)
def test_publish_actions(staff_client, action, status):
    start = Status.DRAFT if action == "publish" else Status.PUBLISHED
    firms = [EnterpriseFactory(status=start) for _ in range(3)]
    response = staff_client.post(
        admin_url(Enterprise, "changelist"),
        {"action": action, "_selected_action": [f.pk for f in firms[:2]]},
    )
    assert response.status_code == 302
    assert [Enterprise.objects.get(pk=f.pk).status for f in firms] == [status, status, start]


class TestEditorsGroup:
    def test_group_is_created_by_a_migration(self):
        assert Group.objects.filter(name="Editors").exists()

    def test_editors_can_add_and_change_content(self, editor):
        for model in (
            "enterprise",
            "recognition",
            "product",
            "exhibition",
            "exhibit",
            "policyinitiative",
            "policytarget",
            "indicator",
            "source",
        ):
            assert editor.has_perm(f"enterprises.add_{model}")
            assert editor.has_perm(f"enterprises.change_{model}")

    def test_editors_cannot_delete_reference_data(self, editor):
        assert not editor.has_perm("enterprises.delete_region")
        assert not editor.has_perm("enterprises.delete_industry")

    def test_editors_cannot_manage_users_or_permissions(self, editor):
        for perm in (
            "auth.add_user",
            "auth.change_user",
            "auth.change_group",
            "auth.add_permission",
            "auth.change_permission",
        ):
            assert not editor.has_perm(perm)

    def test_editor_is_refused_the_user_admin(self, editor_client):
        assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
        assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403

    def test_editor_cannot_delete_a_region(self, editor_client, curated):
        region = Region.objects.get(code="21")
        response = editor_client.post(admin_url(Region, "delete", region.pk), {"post": "yes"})
        assert response.status_code == 403
        assert Region.objects.filter(pk=region.pk).exists()


def test_deleting_a_region_in_use_is_refused_with_a_message(staff_client, curated):
    shandong = Region.objects.get(code="37")
    response = staff_client.post(admin_url(Region, "delete", shandong.pk), {"post": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    # Django names either the enterprises that protect the region or, since nobody may
    # delete enterprises, their kind.
    assert "无法删除" in html and ("潍柴动力股份有限公司" in html or "企业" in html)
    assert Region.objects.filter(pk=shandong.pk).exists()


def test_bulk_delete_of_industries_in_use_is_refused(staff_client, db):
    enterprise = EnterpriseFactory()
    response = staff_client.post(
        admin_url(Industry, "changelist"),
        {"action": "delete_selected", "_selected_action": [enterprise.industry_id], "post": "yes"},
    )
    assert Industry.objects.filter(pk=enterprise.industry_id).exists()
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_query_count_does_not_grow_with_the_page(staff_client, db, monkeypatch, model):
    source = SourceFactory()
    for i in range(12):
        exhibit = ExhibitFactory()
        exhibit.product.sources.add(source)
        RecognitionFactory(enterprise=exhibit.product.enterprise, year=2000 + i)
        PolicyTargetFactory(
            latest_value=1, latest_value_on="2024-01-01", latest_value_source=source
        )
        IndicatorFactory()
    model_admin = admin.site._registry[model]
    counts = []
    for per_page in (3, 10):
        monkeypatch.setattr(model_admin, "list_per_page", per_page)
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("slug", ["zte", "sysmed-china", "weichai-power"])
def test_the_admin_accepts_a_curated_entry_named_in_one_language(publisher_client, curated, slug):
    from .admin_forms import change_form_data

    firm = Enterprise.objects.get(slug=slug)
    assert firm.name_zh_hans == ""
    url = admin_url(Enterprise, "change", firm.pk)
    response = publisher_client.post(url, change_form_data(publisher_client.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_name_in_neither_language_is_refused(publisher_client, curated):
    from .admin_forms import change_form_data

    firm = Enterprise.objects.get(slug="zte")
    url = admin_url(Enterprise, "change", firm.pk)
    data = change_form_data(publisher_client.get(url), name_en="", name_zh_hans="")
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert "name_zh_hans" in response.context["adminform"].form.errors
    firm.refresh_from_db()
    assert firm.name_en == "ZTE Corporation"


def test_the_add_form_shows_no_times_for_an_entry_that_does_not_exist(staff_client):
    html = staff_client.get(admin_url(Enterprise, "add")).content.decode()
    assert "field-created_at" not in html and "field-updated_at" not in html


def test_the_sign_in_security_section_reads_in_chinese(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert "登录安全" in html and "登录尝试" in html
    assert "Access attempts" not in html and ">Axes<" not in html
    assert "Django" not in html.split("<body")[1]


def test_group_is_not_translated_as_an_industry_level(staff_client):
    html = staff_client.get("/admin/auth/group/").content.decode()
    assert "中类" not in html


@pytest.mark.parametrize(
    "model", [Product, Exhibition, PolicyInitiative], ids=lambda m: m.__name__
)
def test_a_form_laid_out_from_the_model_puts_the_shared_fields_where_editors_look(
    staff_client, model
):
    # slug, sources and verified_on are declared on the base model, so Django would put
    # them first; the form shows the slug after the name and the sources near the end.
    html = staff_client.get(admin_url(model, "add")).content.decode()
    made_from = model.slug_source
    order = [
        html.index(f'name="{name}"')
        for name in (f"{made_from}_en", "slug", "summary_en", "sources", "verified_on")
    ]
    assert order == sorted(order)
    assert html.index('name="verified_on"') < html.index('name="change_reason"')
