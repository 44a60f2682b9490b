"""The editorial workflow: who may publish, history of every change, revert, no lost updates."""

import json

import pytest
from django.test import Client

from enterprises.loading import load_directory
from enterprises.models import Enterprise, Indicator, PolicyInitiative, Product, Status

from .admin_forms import admin_url, change_form_data
from .factories import EnterpriseFactory, ProductFactory

pytestmark = pytest.mark.django_db

PUBLISHABLE = [Enterprise, Product, PolicyInitiative, Indicator]


def edit(client, obj, **changes):
    """Open the change form of `obj` and save it with `changes`, as an editor would."""
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, change_form_data(page, **changes))


class TestGroups:
    def test_publishers_may_publish_editors_may_not(self, editor, publisher):
        for model in PUBLISHABLE:
            permission = f"enterprises.publish_{model._meta.model_name}"
            assert publisher.has_perm(permission), permission
            assert not editor.has_perm(permission), permission

    def test_nobody_may_delete_an_enterprise(self, editor_client, publisher_client):
        firm = EnterpriseFactory()
        for client in (editor_client, publisher_client):
            response = client.post(admin_url(Enterprise, "delete", firm.pk), {"post": "yes"})
            assert response.status_code == 403
        assert Enterprise.objects.filter(pk=firm.pk).exists()


class TestStatusChanges:
    @pytest.mark.parametrize(
        "user, before, after, allowed",
        [
            ("editor", Status.DRAFT, Status.REVIEW, True),
            ("editor", Status.REVIEW, Status.PUBLISHED, False),
            ("editor", Status.REVIEW, Status.ARCHIVED, False),
            ("editor", Status.PUBLISHED, Status.DRAFT, False),
            ("publisher", Status.REVIEW, Status.PUBLISHED, True),
            ("publisher", Status.REVIEW, Status.ARCHIVED, True),
        ],
    )
    def test_editors_submit_for_review_and_publishers_publish(
        self, request, user, before, after, allowed
    ):
        firm = EnterpriseFactory(status=before)
        response = edit(request.getfixturevalue(f"{user}_client"), firm, status=after)
        assert response.status_code == (302 if allowed else 200)
        if not allowed:
            assert "status" in response.context["adminform"].form.errors
        firm.refresh_from_db()
        assert firm.status == (after if allowed else before)

    def test_bulk_publishing_is_offered_to_publishers_only(self, editor_client, publisher_client):
        firms = [EnterpriseFactory(status=Status.REVIEW) for _ in range(2)]
        changelist = admin_url(Enterprise, "changelist")
        editor_actions = dict(
            editor_client.get(changelist).context["action_form"].fields["action"].choices
        )
        assert "submit_for_review" in editor_actions
        assert "publish" not in editor_actions and "archive" not in editor_actions
        selected = [f.pk for f in firms]
        editor_client.post(changelist, {"action": "publish", "_selected_action": selected})
        assert set(Enterprise.objects.values_list("status", flat=True)) == {Status.REVIEW}
        publisher_client.post(changelist, {"action": "publish", "_selected_action": selected})
        assert set(Enterprise.objects.values_list("status", flat=True)) == {Status.PUBLISHED}


class TestPublicVisibility:
    @pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
    def test_only_published_entries_are_public(self, client, status):
        firm = EnterpriseFactory(status=status)
        product = ProductFactory(status=status)
        assert client.get(firm.get_absolute_url()).status_code == 404
        assert client.get(product.get_absolute_url()).status_code == 404
        listing = client.get("/enterprises/").content.decode()
        assert firm.name_zh_hans not in listing

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
    def test_staff_preview_a_non_public_entry_under_a_banner(self, editor_client, status):
        firm = EnterpriseFactory(status=status)
        response = editor_client.get(firm.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="draft-banner"' in html
        assert str(Status(status).label) in html or Status(status).label in html

    def test_a_published_entry_has_no_banner(self, editor_client):
        firm = EnterpriseFactory(status=Status.PUBLISHED)
        assert (
            'class="draft-banner"'
            not in editor_client.get(firm.get_absolute_url()).content.decode()
        )


class TestHistory:
    def test_an_admin_save_records_who_why_and_what(self, editor_client, editor):
        firm = EnterpriseFactory(summary_en="Old summary.", status=Status.DRAFT)
        response = edit(
            editor_client,
            firm,
            summary_en="New summary.",
            change_reason="Corrected from the 2024 list",
        )
        assert response.status_code == 302
        latest, previous = firm.history.order_by("-history_date", "-history_id")[:2]
        assert latest.history_user == editor
        assert latest.history_change_reason == "Corrected from the 2024 list"
        changed = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
        assert changed["summary_en"] == ("Old summary.", "New summary.")
        page = editor_client.get(admin_url(Enterprise, "history", firm.pk)).content.decode()
        assert "Corrected from the 2024 list" in page

    def test_revert_restores_an_earlier_version_and_is_itself_recorded(self, editor_client):
        firm = EnterpriseFactory(summary_en="Right.", status=Status.DRAFT)
        edit(editor_client, firm, summary_en="Wrong.")
        firm.refresh_from_db()
        assert firm.summary_en == "Wrong."
        good = firm.history.get(summary_en="Right.")
        url = admin_url(Enterprise, "simple_history", firm.pk, good.history_id)
        page = editor_client.get(url)
        assert page.status_code == 200
        response = editor_client.post(url, change_form_data(page))
        assert response.status_code == 302
        firm.refresh_from_db()
        assert firm.summary_en == "Right."
        latest = firm.history.order_by("-history_date", "-history_id").first()
        assert latest.summary_en == "Right."
        assert "Reverted" in latest.history_change_reason or "恢复" in (
            latest.history_change_reason
        )
        assert firm.history.count() == 3

    def test_bulk_actions_record_history(self, publisher_client, publisher):
        firm = EnterpriseFactory(status=Status.REVIEW)
        publisher_client.post(
            admin_url(Enterprise, "changelist"),
            {"action": "publish", "_selected_action": [firm.pk]},
        )
        latest = firm.history.order_by("-history_date", "-history_id").first()
        assert latest.status == Status.PUBLISHED and latest.history_user == publisher

    def test_fixture_loads_record_history_once_per_change(self, db, tmp_path):
        load_directory()
        firm = Enterprise.objects.get(slug="beijing-tri-tech")
        assert firm.history.count() >= 1
        assert firm.history.earliest("history_date").history_change_reason.startswith(
            "Fixture load"
        )
        before = firm.history.count()
        load_directory()  # the same files again: nothing changed, nothing recorded
        assert firm.history.count() == before

        from enterprises.loading import default_fixture_paths

        changed = []
        for path in default_fixture_paths():
            records = json.loads(path.read_text(encoding="utf-8"))
            for record in records:
                if record["fields"].get("slug") == "beijing-tri-tech":
                    record["fields"]["summary_en"] = "A corrected summary."
            target = tmp_path / path.name
            target.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
            changed.append(target)
        load_directory(changed)
        latest = firm.history.order_by("-history_date", "-history_id").first()
        assert firm.history.count() == before + 1
        assert latest.summary_en == "A corrected summary."
        assert latest.history_type == "~"
        assert "enterprises.json" in latest.history_change_reason


class TestNoLostUpdates:
    def test_the_second_of_two_concurrent_saves_is_refused(self, editor, publisher):
        firm = EnterpriseFactory(summary_en="Original.", city_en="", status=Status.REVIEW)
        first, second = Client(), Client()
        first.force_login(editor)
        second.force_login(publisher)
        url = admin_url(Enterprise, "change", firm.pk)
        first_page, second_page = first.get(url), second.get(url)

        saved = first.post(
            url, change_form_data(first_page, summary_en="Edited first.", change_reason="fix")
        )
        assert saved.status_code == 302
        refused = second.post(url, change_form_data(second_page, city_en="Shenyang"))
        assert refused.status_code == 200
        form = refused.context["adminform"].form
        assert any(e.code == "conflict" for e in form.non_field_errors().as_data())
        html = refused.content.decode()
        # The page shows what the first editor changed meanwhile.
        assert "Edited first." in html and "Original." in html

        firm.refresh_from_db()
        assert firm.summary_en == "Edited first." and not firm.city_en
        assert firm.version == 2

    def test_saving_again_after_reloading_works(self, editor_client):
        firm = EnterpriseFactory(status=Status.DRAFT)
        edit(editor_client, firm, summary_en="One.")
        response = edit(editor_client, firm, summary_en="Two.")
        assert response.status_code == 302
        firm.refresh_from_db()
        assert firm.summary_en == "Two." and firm.version == 3


class TestHistoryPage:
    def test_changes_read_as_labels_once_per_field_without_none(self, publisher_client):
        firm = EnterpriseFactory(status=Status.REVIEW, summary_zh_hans="旧", summary_en="Old")
        edit(publisher_client, firm, status=Status.PUBLISHED, summary_zh_hans="新")
        html = publisher_client.get(admin_url(Enterprise, "history", firm.pk)).content.decode()
        changes = html.split('id="change-history"')[1]
        assert "审核中" in changes and "已发布" in changes  # the status labels, in Chinese
        assert "review" not in changes and "published" not in changes
        assert changes.count("摘要 (中文)") == 1 and "<strong>摘要:</strong>" not in changes
        assert "None" not in changes
        assert "版本" not in changes  # the version number is no change of the editor's
        assert "CHANGES" not in html and "What changed" not in html

    def test_the_conflict_page_lists_each_field_once(self, editor, publisher):
        firm = EnterpriseFactory(status=Status.DRAFT, summary_zh_hans="原来")
        first, second = Client(), Client()
        first.force_login(publisher)
        second.force_login(publisher)
        url = admin_url(Enterprise, "change", firm.pk)
        first_page, second_page = first.get(url), second.get(url)
        first.post(url, change_form_data(first_page, summary_zh_hans="第一次"))
        refused = second.post(url, change_form_data(second_page, city_zh_hans="沈阳"))
        rows = refused.context["conflict"][0][1]
        labels = [str(label) for label, _old, _new in rows]
        assert labels == ["摘要 (中文)"]
