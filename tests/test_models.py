import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from enterprises.models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Industry,
    PolicyInitiative,
    Product,
    Recognition,
    Region,
    Status,
    Tier,
)
from tests.factories import (
    EnterpriseFactory,
    ExhibitFactory,
    ExhibitionFactory,
    IndustryFactory,
    PolicyFactory,
    PolicyTargetFactory,
    ProductFactory,
    RecognitionFactory,
    RegionFactory,
    SourceFactory,
    valid_credit_code,
)

pytestmark = pytest.mark.django_db


class TestTier:
    def test_enterprise_without_recognitions_has_no_tier(self):
        assert EnterpriseFactory().tier == ""

    def test_tier_is_the_highest_recognition(self):
        enterprise = EnterpriseFactory()
        RecognitionFactory(enterprise=enterprise, tier=Tier.INNOVATIVE, year=2020)
        RecognitionFactory(enterprise=enterprise, tier=Tier.LITTLE_GIANT, level="", year=2022)
        RecognitionFactory(enterprise=enterprise, tier=Tier.SPECIALIZED, year=2021)
        enterprise.refresh_from_db()
        assert enterprise.tier == Tier.LITTLE_GIANT

    def test_deleting_a_recognition_lowers_the_tier(self):
        enterprise = EnterpriseFactory()
        RecognitionFactory(enterprise=enterprise, tier=Tier.SPECIALIZED)
        champion = RecognitionFactory(
            enterprise=enterprise, tier=Tier.CHAMPION, level=Recognition.Level.NATIONAL
        )
        champion.delete()
        enterprise.refresh_from_db()
        assert enterprise.tier == Tier.SPECIALIZED

    def test_tier_is_not_editable_by_hand(self):
        assert not Enterprise._meta.get_field("tier").editable

    def test_saving_the_enterprise_keeps_its_derived_tier(self):
        recognition = RecognitionFactory(tier=Tier.SPECIALIZED)
        enterprise = Enterprise.objects.get(pk=recognition.enterprise_id)
        enterprise.summary_en = "changed"
        enterprise.save()
        enterprise.refresh_from_db()
        assert enterprise.tier == Tier.SPECIALIZED


LOOKALIKES = ["上海市科技小巨人企业", "科技型小巨人", "Technology Little Giant"]
LOCAL_TITLES = ["科技小巨人", "瞪羚企业", "隐形冠军"]


class TestRecognitionRules:
    def test_little_giant_without_level_is_national(self):
        recognition = RecognitionFactory.build(
            enterprise=EnterpriseFactory(),
            source=SourceFactory(),
            tier=Tier.LITTLE_GIANT,
            level="",
        )
        recognition.full_clean()
        assert recognition.level == Recognition.Level.NATIONAL

    @pytest.mark.parametrize("tier", [Tier.LITTLE_GIANT, Tier.CHAMPION])
    @pytest.mark.parametrize("level", [Recognition.Level.PROVINCIAL, Recognition.Level.MUNICIPAL])
    def test_national_titles_cannot_be_local(self, tier, level):
        recognition = RecognitionFactory.build(
            enterprise=EnterpriseFactory(), source=SourceFactory(), tier=tier, level=level
        )
        with pytest.raises(ValidationError) as excinfo:
            recognition.full_clean()
        assert "level" in excinfo.value.message_dict

    @pytest.mark.parametrize(
        "tier, level, title",
        [
            # Local lookalikes of the national title are not little giants...
            *((Tier.LITTLE_GIANT, Recognition.Level.NATIONAL, title) for title in LOOKALIKES),
            # ...and a local title is no tier of the gradient.
            *((Tier.SPECIALIZED, Recognition.Level.MUNICIPAL, title) for title in LOCAL_TITLES),
        ],
    )
    def test_a_local_title_is_not_taken_for_a_tier(self, tier, level, title):
        recognition = RecognitionFactory.build(
            enterprise=EnterpriseFactory(),
            source=SourceFactory(),
            tier=tier,
            level=level,
            title_zh_hans=title,
        )
        with pytest.raises(ValidationError) as excinfo:
            recognition.full_clean()
        assert "tier" in excinfo.value.message_dict

    def test_local_title_is_recorded_as_a_local_title_with_its_authority(self):
        recognition = RecognitionFactory.build(
            enterprise=EnterpriseFactory(),
            source=SourceFactory(),
            tier="local",
            level=Recognition.Level.MUNICIPAL,
            title_zh_hans="科技小巨人",
            authority_zh_hans="某市科学技术局",
        )
        recognition.full_clean()
        recognition.authority_zh_hans = recognition.authority = ""
        with pytest.raises(ValidationError) as excinfo:
            recognition.full_clean()
        assert "title" in excinfo.value.message_dict

    def test_same_recognition_twice_in_a_year_is_refused(self):
        first = RecognitionFactory(year=None, level="")
        duplicate = Recognition(
            enterprise=first.enterprise, tier=first.tier, level="", year=None, source=first.source
        )
        with pytest.raises(ValidationError):
            duplicate.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()


class TestEnterpriseValidation:
    def test_invalid_credit_code_is_refused(self):
        enterprise = EnterpriseFactory.build(credit_code="9144030027939873X8")
        with pytest.raises(ValidationError) as excinfo:
            enterprise.full_clean()
        assert "credit_code" in excinfo.value.message_dict

    def test_credit_code_is_upper_cased_before_validation(self):
        enterprise = EnterpriseFactory.build(
            credit_code="9144030027939873x7", region=None, industry=None
        )
        enterprise.full_clean()
        assert enterprise.credit_code == "9144030027939873X7"

    def test_credit_code_is_unique_but_may_be_blank_for_many(self):
        EnterpriseFactory(credit_code="")
        EnterpriseFactory(credit_code="")
        EnterpriseFactory(credit_code=valid_credit_code(7))
        duplicate = EnterpriseFactory.build(
            credit_code=valid_credit_code(7), region=None, industry=None
        )
        with translation.override("en"), pytest.raises(ValidationError) as excinfo:
            duplicate.full_clean()
        assert "Another enterprise has this credit code." in str(excinfo.value)

    def test_ticker_must_match_its_exchange(self):
        enterprise = EnterpriseFactory.build(
            exchange="sse", ticker="000063", region=None, industry=None
        )
        with pytest.raises(ValidationError) as excinfo:
            enterprise.full_clean()
        assert "ticker" in excinfo.value.message_dict

    def test_a_ticker_is_listed_once_per_exchange(self):
        EnterpriseFactory(exchange="bse", ticker="920002")
        with pytest.raises(IntegrityError), transaction.atomic():
            EnterpriseFactory(exchange="bse", ticker="920002")

    def test_founding_year_in_the_future_is_refused(self):
        enterprise = EnterpriseFactory.build(founded_year=2999, region=None, industry=None)
        with pytest.raises(ValidationError) as excinfo:
            enterprise.full_clean()
        assert "founded_year" in excinfo.value.message_dict

    def test_a_name_in_one_language_is_enough(self):
        enterprise = Enterprise(name_en="Only English")
        enterprise.full_clean()

    def test_a_name_in_neither_language_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            Enterprise(name_en="", name_zh_hans="").full_clean()
        assert "name" in excinfo.value.message_dict


class TestSlugs:
    def test_slug_comes_from_the_english_name(self):
        enterprise = Enterprise.objects.create(name_en="Beijing Tri-tech", name_zh_hans="某公司")
        assert enterprise.slug == "beijing-tri-tech"

    def test_slug_comes_from_pinyin_without_an_english_name(self):
        enterprise = Enterprise.objects.create(name_zh_hans="中兴通讯")
        assert enterprise.slug == "zhong-xing-tong-xun"

    def test_slugs_are_made_unique(self):
        first = Enterprise.objects.create(name_en="Same Name")
        second = Enterprise.objects.create(name_en="Same Name")
        assert (first.slug, second.slug) == ("same-name", "same-name-2")

    def test_a_derived_slug_follows_the_name(self):
        enterprise = Enterprise.objects.create(name_en="Old Name")
        enterprise.name_en = "New Name"
        enterprise.save()
        assert enterprise.slug == "new-name"
        assert list(enterprise.slug_history.values_list("slug", flat=True)) == ["old-name"]

    def test_a_typed_slug_is_kept_when_the_name_changes(self):
        enterprise = Enterprise.objects.create(name_en="Old Name", slug="chosen-by-editor")
        enterprise.name_en = "New Name"
        enterprise.save()
        assert enterprise.slug == "chosen-by-editor"
        assert not enterprise.slug_history.exists()

    def test_a_former_slug_is_not_given_to_another_entry(self):
        renamed = Enterprise.objects.create(name_en="Acme")
        renamed.name_en = "Acme Robotics"
        renamed.save()
        newcomer = Enterprise.objects.create(name_en="Acme")
        assert newcomer.slug == "acme-2"

    def test_policy_slug_comes_from_its_title(self):
        policy = PolicyInitiative.objects.create(title_en="Anhui targets 2025")
        assert policy.slug == "anhui-targets-2025"


class TestPublication:
    def test_published_excludes_drafts(self):
        published = EnterpriseFactory()
        EnterpriseFactory(status=Status.DRAFT)
        assert list(Enterprise.objects.published()) == [published]

    def test_product_of_a_draft_enterprise_is_not_published(self):
        ProductFactory(enterprise=EnterpriseFactory(status=Status.DRAFT))
        assert not Product.objects.published().exists()

    def test_exhibit_needs_product_maker_and_exhibition_published(self):
        ExhibitFactory(exhibition=ExhibitionFactory(status=Status.DRAFT))
        ExhibitFactory(product=ProductFactory(status=Status.DRAFT))
        ExhibitFactory(product=ProductFactory(enterprise=EnterpriseFactory(status=Status.DRAFT)))
        visible = ExhibitFactory()
        assert list(Exhibit.objects.published()) == [visible]

    def test_staff_see_drafts_visitors_do_not(self, admin_user, django_user_model):
        draft = EnterpriseFactory(status=Status.DRAFT)
        visitor = django_user_model(username="visitor")
        assert draft in Enterprise.objects.visible_to(admin_user)
        assert draft not in Enterprise.objects.visible_to(visitor)


class TestReferenceData:
    def test_region_in_use_cannot_be_deleted(self):
        enterprise = EnterpriseFactory()
        with pytest.raises(ProtectedError):
            enterprise.region.delete()
        assert Region.objects.filter(pk=enterprise.region_id).exists()

    def test_industry_in_use_cannot_be_deleted(self):
        enterprise = EnterpriseFactory()
        with pytest.raises(ProtectedError):
            enterprise.industry.delete()

    def test_industry_levels_nest(self):
        section = IndustryFactory(code="C")
        division = Industry(code="35", level=Industry.Level.DIVISION, parent=section, name_en="x")
        division.full_clean()
        division.save()
        group = Industry(code="358", level=Industry.Level.GROUP, parent=division, name_en="y")
        group.full_clean()
        wrong = Industry(code="368", level=Industry.Level.GROUP, parent=division, name_en="z")
        with pytest.raises(ValidationError) as excinfo:
            wrong.full_clean()
        assert "code" in excinfo.value.message_dict

    def test_industry_code_shape_follows_level(self):
        with pytest.raises(ValidationError):
            Industry(code="CC", level=Industry.Level.SECTION, name_en="x").full_clean()

    def test_region_code_must_be_two_digits(self):
        region = RegionFactory.build(code="2A", slug="x")
        with pytest.raises(ValidationError) as excinfo:
            region.full_clean()
        assert "code" in excinfo.value.message_dict


class TestExhibitionAndPolicyRules:
    def test_exhibition_cannot_end_before_it_starts(self):
        exhibition = ExhibitionFactory.build(
            region=None, start_date="2023-04-10", end_date="2023-04-08"
        )
        with pytest.raises(ValidationError) as excinfo:
            exhibition.full_clean()
        assert "end_date" in excinfo.value.message_dict

    def test_exhibition_dates_are_in_its_year(self):
        exhibition = ExhibitionFactory.build(region=None, year=2023, start_date="2022-04-10")
        with pytest.raises(ValidationError) as excinfo:
            exhibition.full_clean()
        assert "start_date" in excinfo.value.message_dict

    def test_product_shown_once_per_exhibition(self):
        exhibit = ExhibitFactory()
        duplicate = Exhibit(exhibition=exhibit.exhibition, product=exhibit.product)
        with pytest.raises(ValidationError):
            duplicate.full_clean()

    def test_regional_policy_needs_a_region(self):
        policy = PolicyFactory.build(scope=PolicyInitiative.Scope.REGIONAL, region=None)
        with pytest.raises(ValidationError) as excinfo:
            policy.full_clean()
        assert "region" in excinfo.value.message_dict

    def test_national_policy_has_no_region(self):
        policy = PolicyFactory.build(region=RegionFactory())
        with pytest.raises(ValidationError):
            policy.full_clean()

    @pytest.mark.parametrize(
        "target, latest, percent", [(5000, 1250, 25), (10, 12, 100), (10, None, None)]
    )
    def test_target_progress(self, target, latest, percent):
        reported = {"latest_value_on": "2024-01-01", "latest_value_source": SourceFactory()}
        made = PolicyTargetFactory(
            target_value=target, latest_value=latest, **(reported if latest else {})
        )
        assert made.progress_percent == percent

    def test_latest_value_needs_date_and_source(self):
        target = PolicyTargetFactory.build(initiative=PolicyFactory(), latest_value=5)
        with pytest.raises(ValidationError) as excinfo:
            target.full_clean()
        assert {"latest_value_on", "latest_value_source"} <= set(excinfo.value.message_dict)


def test_string_representations():
    enterprise = EnterpriseFactory(name_en="Acme", name_zh_hans="")
    assert str(enterprise) == "Acme"
    assert str(Exhibition(name_en="Fair", year=2023)) == "Fair"
