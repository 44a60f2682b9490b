"""Editors cannot change or delete public content behind publishers' backs: their edits of a
public entry (and of its rows) wait for review, while the public sees the entry as it was."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from enterprises.models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Revision,
    Source,
    Status,
    Tier,
)

from .admin_forms import admin_url, change_form_data
from .factories import (
    EnterpriseFactory,
    ExhibitFactory,
    IndicatorFactory,
    PolicyTargetFactory,
    ProductFactory,
    RecognitionFactory,
    SourceFactory,
    valid_credit_code,
)
from .test_import_export import confirm, csv_file, preview

pytestmark = pytest.mark.django_db


def edit(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, change_form_data(page, **changes))


def propose_a_logo(editor_client):
    """A public enterprise whose editor uploads a logo (kept as a proposal)."""
    firm = EnterpriseFactory()
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 90, 200)).save(out, "PNG")
    url = admin_url(Enterprise, "change", firm.pk)
    data = change_form_data(editor_client.get(url))
    data["logo"] = SimpleUploadedFile("logo.png", out.getvalue(), "image/png")
    editor_client.post(url, data)
    return firm


def revision_url(revision):
    return reverse("admin:enterprises_revision_change", args=[revision.pk])


def public_objects():
    """One public row of each kind an editor might delete."""
    recognition = RecognitionFactory()
    exhibit = ExhibitFactory()
    target = PolicyTargetFactory()
    indicator = IndicatorFactory()
    source = SourceFactory()
    recognition.enterprise.sources.add(source)
    return {
        Product: exhibit.product,
        Exhibition: exhibit.exhibition,
        Exhibit: exhibit,
        Recognition: recognition,
        PolicyInitiative: target.initiative,
        PolicyTarget: target,
        Indicator: indicator,
        Source: source,
    }


class TestDeleting:
    @pytest.mark.parametrize(
        "model",
        [
            Product,
            Exhibition,
            Exhibit,
            Recognition,
            PolicyInitiative,
            PolicyTarget,
            Indicator,
            Source,
        ],
        ids=lambda m: m.__name__,
    )
    def test_an_editor_cannot_delete_public_content(self, editor_client, model):
        obj = public_objects()[model]
        url = admin_url(model, "delete", obj.pk)
        assert editor_client.get(url).status_code == 403
        assert editor_client.post(url, {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()

    def test_an_editor_may_delete_a_draft(self, editor_client):
        draft = ProductFactory(status=Status.DRAFT)
        response = editor_client.post(admin_url(Product, "delete", draft.pk), {"post": "yes"})
        assert response.status_code == 302
        assert not Product.objects.filter(pk=draft.pk).exists()

    def test_editors_get_no_bulk_delete(self, editor_client, publisher_client):
        ProductFactory()
        url = admin_url(Product, "changelist")
        editor_actions = dict(
            editor_client.get(url).context["action_form"].fields["action"].choices
        )
        assert "delete_selected" not in editor_actions
        response = editor_client.post(
            url,
            {"action": "delete_selected", "_selected_action": [Product.objects.get().pk]},
        )
        assert Product.objects.count() == 1, response.status_code

    def test_a_publisher_may_delete_a_product(self, publisher_client):
        product = ProductFactory()
        response = publisher_client.post(admin_url(Product, "delete", product.pk), {"post": "yes"})
        assert response.status_code == 302
        assert not Product.objects.filter(pk=product.pk).exists()


class TestEditorsPropose:
    def test_an_editors_edit_of_a_public_entry_waits_for_review(
        self, editor_client, editor, client
    ):
        firm = EnterpriseFactory(summary_en="The real summary.")
        response = edit(editor_client, firm, summary_en="Defaced!", change_reason="typo")
        revision = Revision.objects.get()
        assert response.status_code == 302 and response["Location"] == revision_url(revision)
        firm.refresh_from_db()
        assert firm.summary_en == "The real summary." and firm.version == 1
        assert revision.is_pending and revision.author == editor and revision.reason == "typo"
        page = client.get("/en" + firm.get_absolute_url()).content.decode()
        assert "The real summary." in page and "Defaced" not in page

    def test_a_publisher_approves_and_the_change_goes_live_with_its_history(
        self, editor_client, publisher_client, publisher, client
    ):
        firm = EnterpriseFactory(summary_en="Old.")
        edit(editor_client, firm, summary_en="New and better.", change_reason="from the list")
        revision = Revision.objects.get()
        page = publisher_client.get(revision_url(revision)).content.decode()
        assert "New and better." in page and "Old." in page
        response = publisher_client.post(revision_url(revision), {"_approve": "1"})
        assert response.status_code == 302
        firm.refresh_from_db()
        assert firm.summary_en == "New and better."
        record = firm.history.order_by("-history_id").first()
        assert record.history_user == publisher
        assert "editor" in record.history_change_reason
        assert "from the list" in record.history_change_reason
        revision.refresh_from_db()
        assert revision.status == Revision.Status.APPROVED and revision.decided_by == publisher
        assert "New and better." in client.get("/en" + firm.get_absolute_url()).content.decode()

    def test_a_rejected_change_changes_nothing(self, editor_client, publisher_client):
        firm = EnterpriseFactory(summary_en="Keep me.")
        edit(editor_client, firm, summary_en="Drop me.")
        revision = Revision.objects.get()
        publisher_client.post(revision_url(revision), {"_reject": "1", "decision_note": "no"})
        firm.refresh_from_db()
        revision.refresh_from_db()
        assert firm.summary_en == "Keep me."
        assert revision.status == Revision.Status.REJECTED and revision.decision_note == "no"

    def test_an_editor_cannot_approve_but_may_withdraw_their_own(self, editor_client):
        firm = EnterpriseFactory(summary_en="Keep me.")
        edit(editor_client, firm, summary_en="Mine.")
        revision = Revision.objects.get()
        assert editor_client.post(revision_url(revision), {"_approve": "1"}).status_code == 403
        editor_client.post(revision_url(revision), {"_withdraw": "1"})
        revision.refresh_from_db()
        firm.refresh_from_db()
        assert revision.status == Revision.Status.WITHDRAWN and firm.summary_en == "Keep me."

    def test_a_second_change_waits_until_the_first_is_decided(self, editor_client):
        firm = EnterpriseFactory()
        edit(editor_client, firm, summary_en="First.")
        response = edit(editor_client, firm, summary_en="Second.")
        assert response.status_code == 200
        assert "等待审核" in str(response.context["adminform"].form.non_field_errors())
        assert Revision.objects.count() == 1

    def test_an_editors_edit_of_a_recognition_row_waits_too(self, editor_client, publisher_client):
        recognition = RecognitionFactory(tier=Tier.SPECIALIZED, year=2021)
        firm = recognition.enterprise
        firm.refresh_tier()
        edit(
            editor_client,
            firm,
            **{"recognitions-0-tier": Tier.LITTLE_GIANT, "recognitions-0-level": "national"},
        )
        recognition.refresh_from_db()
        firm.refresh_from_db()
        assert recognition.tier == Tier.SPECIALIZED and firm.tier == Tier.SPECIALIZED
        publisher_client.post(revision_url(Revision.objects.get()), {"_approve": "1"})
        recognition.refresh_from_db()
        firm.refresh_from_db()
        assert recognition.tier == Tier.LITTLE_GIANT and firm.tier == Tier.LITTLE_GIANT

    def test_a_new_recognition_of_a_public_enterprise_waits_for_review(
        self, editor_client, publisher_client
    ):
        firm = EnterpriseFactory()
        source = SourceFactory()
        response = editor_client.post(
            admin_url(Recognition, "add"),
            {
                "enterprise": firm.pk,
                "tier": Tier.SPECIALIZED,
                "level": "provincial",
                "year": "2022",
                "source": source.pk,
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert not firm.recognitions.exists()
        revision = Revision.objects.get()
        assert revision.object_id is None
        publisher_client.post(revision_url(revision), {"_approve": "1"})
        assert firm.recognitions.get().tier == Tier.SPECIALIZED

    def test_an_editor_edits_a_draft_directly(self, editor_client):
        draft = EnterpriseFactory(status=Status.DRAFT, summary_en="Draft.")
        assert edit(editor_client, draft, summary_en="Better draft.").status_code == 302
        draft.refresh_from_db()
        assert draft.summary_en == "Better draft." and not Revision.objects.exists()

    def test_a_publisher_edits_a_public_entry_directly(self, publisher_client):
        firm = EnterpriseFactory(summary_en="Old.")
        assert edit(publisher_client, firm, summary_en="New.").status_code == 302
        firm.refresh_from_db()
        assert firm.summary_en == "New." and not Revision.objects.exists()

    def test_approving_after_another_save_warns_and_writes_the_proposed_values(
        self, editor_client, publisher_client
    ):
        firm = EnterpriseFactory(summary_en="Old.", city_en="")
        edit(editor_client, firm, summary_en="Proposed.")
        edit(publisher_client, firm, city_en="Shenyang")
        revision = Revision.objects.get()
        page = publisher_client.get(revision_url(revision))
        assert page.context["changed_meanwhile"]
        publisher_client.post(revision_url(revision), {"_approve": "1"})
        firm.refresh_from_db()
        assert firm.summary_en == "Proposed." and firm.city_en == "Shenyang"

    def test_an_approval_the_entry_no_longer_accepts_is_refused_cleanly(
        self, editor_client, publisher_client
    ):
        firm = EnterpriseFactory()
        other = EnterpriseFactory()
        code = valid_credit_code(7)
        edit(editor_client, firm, credit_code=code)
        # Meanwhile another enterprise is given the same code.
        edit(publisher_client, other, credit_code=code)
        revision = Revision.objects.get()
        response = publisher_client.post(revision_url(revision), {"_approve": "1"}, follow=True)
        assert "信用代码" in " ".join(str(m) for m in response.context["messages"])
        revision.refresh_from_db()
        assert revision.is_pending
        firm.refresh_from_db()
        assert firm.credit_code == ""

    def test_a_logo_for_a_public_enterprise_is_kept_until_approved(
        self, editor_client, publisher_client
    ):
        firm = propose_a_logo(editor_client)
        firm.refresh_from_db()
        assert not firm.logo
        revision = Revision.objects.get()
        stored = revision.proposal["files"]
        assert stored and all(default_storage.exists(name) for name in stored)
        publisher_client.post(revision_url(revision), {"_approve": "1"})
        firm.refresh_from_db()
        assert firm.logo.name in stored and firm.logo_thumbnail.name in stored

    def test_a_rejected_logo_is_removed_from_storage(self, editor_client, publisher_client):
        propose_a_logo(editor_client)
        revision = Revision.objects.get()
        publisher_client.post(revision_url(revision), {"_reject": "1"})
        assert not any(default_storage.exists(name) for name in revision.proposal["files"])


class TestWorkflowActions:
    @pytest.mark.parametrize(
        "before, after",
        # An entry in review goes back to draft; a published one stays public.
        [(Status.REVIEW, Status.DRAFT), (Status.PUBLISHED, Status.PUBLISHED)],
    )
    def test_editors_return_entries_in_review_to_draft(self, editor_client, before, after):
        firm = EnterpriseFactory(status=before)
        editor_client.post(
            admin_url(Enterprise, "changelist"),
            {"action": "return_to_draft", "_selected_action": [firm.pk]},
        )
        firm.refresh_from_db()
        assert firm.status == after

    def test_the_publish_action_says_what_happened(self, publisher_client):
        firms = [EnterpriseFactory(status=Status.REVIEW) for _ in range(2)]
        response = publisher_client.post(
            admin_url(Enterprise, "changelist"),
            {"action": "publish", "_selected_action": [f.pk for f in firms]},
            follow=True,
        )
        texts = [str(m) for m in response.context["messages"]]
        assert "已发布 2 个条目。" in texts


class TestImportsByEditors:
    @pytest.mark.parametrize("user, may_change", [("editor", False), ("publisher", True)])
    def test_only_a_publisher_changes_a_public_entry_through_an_import(
        self, request, user, may_change
    ):
        client = request.getfixturevalue(f"{user}_client")
        firm = EnterpriseFactory(slug="public-firm", name_en="Public Firm")
        row = ["public-firm", firm.name_zh_hans, "Renamed by import", firm.region.code]
        response = preview(client, Enterprise, csv_file([[*row, "", "published", "1"]]))
        if may_change:
            confirm(client, Enterprise, response)
        else:
            assert response.context["result"].has_validation_errors()
        firm.refresh_from_db()
        assert firm.name_en == ("Renamed by import" if may_change else "Public Firm")
