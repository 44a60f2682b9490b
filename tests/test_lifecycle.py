"""Recognitions over time: the notice that awards them, their stage and validity, and an
enterprise's tier following the calendar with no job to run."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from enterprises import caching
from enterprises.models import Enterprise, Recognition, Tier
from enterprises.models.recognition import LOCAL_TITLE, Stage, add_months, add_years

from .factories import EnterpriseFactory, RecognitionFactory

D = datetime.date
NOTICE = D(2021, 7, 19)
LAST_DAY = D(2024, 7, 18)  # three years from the notice, the notice's day not repeated


@pytest.fixture
def today(monkeypatch):
    """Set the calendar: `today(day)` makes every localdate() call return that day, and lets
    the next request re-derive the tiers as the first request of a day does."""

    def move_to(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        monkeypatch.setattr(caching, "_settled_on", None)

    return move_to


def little_giant(enterprise=None, **fields):
    fields = {
        "tier": Tier.LITTLE_GIANT,
        "level": Recognition.Level.NATIONAL,
        "year": 2021,
        "batch": 3,
        "notice_number": "工信部企业函〔2021〕197号",
        "notice_date": NOTICE,
        **fields,
    }
    if enterprise is not None:
        fields["enterprise"] = enterprise
    return RecognitionFactory(**fields)


def specialized(enterprise, **fields):
    return RecognitionFactory(enterprise=enterprise, tier=Tier.SPECIALIZED, **fields)


def tier_of(enterprise):
    return Enterprise.objects.values_list("tier", flat=True).get(pk=enterprise.pk)


class TestValidity:
    def test_a_national_little_giant_is_valid_three_years_from_its_notice(self, db):
        recognition = little_giant()
        assert recognition.valid_from == NOTICE
        assert recognition.valid_until == LAST_DAY
        assert recognition.review_due == LAST_DAY

    def test_a_period_the_notice_states_is_kept(self, db):
        recognition = little_giant(valid_until=D(2026, 12, 31))
        assert recognition.valid_until == D(2026, 12, 31)
        assert recognition.review_due == D(2026, 12, 31)

    def test_without_a_notice_date_nothing_is_assumed(self, db):
        recognition = little_giant(notice_date=None)
        assert (recognition.valid_from, recognition.valid_until, recognition.review_due) == (
            None,
            None,
            None,
        )
        assert recognition.is_valid_on(D(2040, 1, 1))  # unknown is not "expired"

    @pytest.mark.parametrize(
        ("day", "valid"),
        [
            (D(2021, 7, 18), False),
            (NOTICE, True),
            (D(2023, 1, 1), True),
            (LAST_DAY, True),
            (LAST_DAY + datetime.timedelta(days=1), False),
        ],
    )
    def test_valid_on_a_day(self, db, day, valid):
        recognition = little_giant()
        assert recognition.is_valid_on(day) is valid
        assert Recognition.objects.valid_on(day).filter(pk=recognition.pk).exists() is valid

    @pytest.mark.parametrize(
        "stage", [Stage.PUBLIC_NOTICE, Stage.FAILED_REVIEW, Stage.REVOKED, Stage.EXPIRED]
    )
    def test_a_title_not_held_is_not_valid(self, db, stage):
        recognition = little_giant(stage=stage)
        assert not recognition.is_valid_on(D(2022, 1, 1))

    def test_an_end_before_the_start_is_refused(self, db):
        recognition = little_giant()
        recognition.valid_until = D(2020, 1, 1)
        with pytest.raises(ValidationError) as excinfo:
            recognition.full_clean()
        assert "valid_until" in excinfo.value.message_dict

    @pytest.mark.parametrize(
        ("day", "years", "expected"),
        [(D(2020, 2, 29), 3, D(2023, 2, 28)), (D(2021, 7, 19), 3, D(2024, 7, 19))],
    )
    def test_add_years(self, day, years, expected):
        assert add_years(day, years) == expected

    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [(D(2024, 8, 31), 6, D(2025, 2, 28)), (D(2024, 1, 15), 6, D(2024, 7, 15))],
    )
    def test_add_months(self, day, months, expected):
        assert add_months(day, months) == expected


class TestTierFollowsTheCalendar:
    def test_the_tier_lapses_to_the_next_title_in_force(self, db, today):
        today(D(2023, 1, 1))
        firm = EnterpriseFactory()
        specialized(firm, year=2020)
        little_giant(firm)
        assert tier_of(firm) == Tier.LITTLE_GIANT
        assert Enterprise.objects.get(pk=firm.pk).tier_changes_on == LAST_DAY + datetime.timedelta(
            days=1
        )
        assert Enterprise.objects.refresh_lapsed_tiers(LAST_DAY) == 0
        assert Enterprise.objects.refresh_lapsed_tiers(D(2024, 7, 19)) == 1
        assert tier_of(firm) == Tier.SPECIALIZED

    def test_nothing_to_settle_costs_one_query(self, db, django_assert_num_queries):
        little_giant()
        with django_assert_num_queries(1):
            Enterprise.objects.refresh_lapsed_tiers(D(2022, 1, 1))

    def test_failed_review_loses_the_title(self, db, today):
        today(D(2024, 8, 1))
        firm = EnterpriseFactory()
        recognition = little_giant(firm)
        assert tier_of(firm) == ""  # lapsed already
        recognition.valid_until = D(2024, 12, 31)
        recognition.save()
        assert tier_of(firm) == Tier.LITTLE_GIANT
        recognition.stage = Stage.FAILED_REVIEW
        recognition.save()
        assert tier_of(firm) == ""

    def test_renewal_after_review_keeps_the_title(self, db, today):
        today(D(2025, 1, 1))
        firm = EnterpriseFactory()
        little_giant(firm)
        little_giant(
            firm,
            year=2024,
            stage=Stage.RENEWED,
            notice_number="",
            notice_date=D(2024, 7, 19),
        )
        assert tier_of(firm) == Tier.LITTLE_GIANT

    def test_a_public_notice_is_not_yet_the_title(self, db, today):
        today(D(2021, 7, 1))
        firm = EnterpriseFactory()
        little_giant(firm, stage=Stage.PUBLIC_NOTICE, notice_date=D(2021, 6, 20))
        assert tier_of(firm) == ""

    def test_a_local_title_never_counts_as_a_tier(self, db, today):
        today(D(2023, 1, 1))
        firm = EnterpriseFactory()
        local = RecognitionFactory(
            enterprise=firm,
            tier=LOCAL_TITLE,
            level=Recognition.Level.MUNICIPAL,
            title_zh_hans="科技小巨人",
            authority_zh_hans="某市科学技术局",
        )
        assert tier_of(firm) == ""
        assert not local.in_force
        assert local.review_due is None
        assert not Recognition.objects.valid_on().filter(pk=local.pk).exists()


@pytest.fixture
def page_cache():
    cache.clear()
    with override_settings(DIRECTORY_CACHE=True):
        yield
    cache.clear()


class TestPagesFollowTheCalendar:
    def test_the_cached_page_changes_when_the_title_lapses(
        self, db, client, today, page_cache, django_capture_on_commit_callbacks
    ):
        today(D(2024, 7, 18))
        firm = EnterpriseFactory()
        with django_capture_on_commit_callbacks(execute=True):
            little_giant(firm)
        url = firm.get_absolute_url()
        client.get(url)
        cached = client.get(url)
        assert cached["X-Cache"] == "hit"
        assert str(Tier.LITTLE_GIANT.label) in cached.content.decode()
        with translation.override("en"):
            assert (
                "in force today"
                in client.get(
                    reverse("enterprises:enterprise-detail", kwargs={"slug": firm.slug})
                ).content.decode()
            )

        today(D(2024, 7, 19))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url)
        assert response["X-Cache"] == "miss"
        assert tier_of(firm) == ""
        assert caching._settled_on == D(2024, 7, 19)

    def test_the_enterprise_page_shows_every_stage(self, db, client, today):
        today(D(2023, 1, 1))
        firm = EnterpriseFactory()
        little_giant(firm)
        little_giant(firm, year=2019, batch=1, stage=Stage.FAILED_REVIEW, notice_number="")
        with translation.override("en"):
            page = client.get(firm.get_absolute_url()).content.decode()
        assert "工信部企业函〔2021〕197号" in page
        assert 'datetime="2024-07-18"' in page  # valid until, and next review due
        assert "Failed review" in page
        assert "not in force today" in page

    def test_a_public_notice_then_the_award_both_show(self, db, client, today):
        today(D(2023, 1, 1))
        firm = EnterpriseFactory()
        recognition = little_giant(
            firm, stage=Stage.PUBLIC_NOTICE, notice_number="公示〔2021〕1号", notice_date=None
        )
        recognition.stage, recognition.notice_number = Stage.AWARDED, "工信部企业函〔2021〕197号"
        recognition.notice_date = NOTICE
        recognition.save()
        with translation.override("en"):
            page = client.get(firm.get_absolute_url()).content.decode()
        assert "Earlier stages" in page
        assert "Public notice (proposed) (公示〔2021〕1号)" in page
        assert "in force today" in page

    def test_statistics_count_only_recognitions_in_force(self, db, client, today):
        today(D(2023, 1, 1))
        little_giant()
        little_giant(stage=Stage.FAILED_REVIEW)
        little_giant(notice_date=D(2015, 1, 1), year=2015)
        with translation.override("en"):
            response = client.get(reverse("enterprises:statistics"))
        assert sum(n for _year, _tier, n in response.context["recognitions"]) == 1
        assert response.context["recognitions_not_in_force"] == 2
        assert "2 more are not in force" in response.content.decode()


class TestLifecycleFilter:
    @pytest.fixture
    def firms(self, db, today):
        today(D(2024, 3, 1))
        lapsing, failed, lasting = EnterpriseFactory.create_batch(3)
        little_giant(lapsing)  # ends 2024-07-18, within six months
        little_giant(failed, stage=Stage.FAILED_REVIEW)
        little_giant(lasting, notice_date=D(2023, 7, 1), year=2023)
        return {"lapsing": lapsing, "failed_review": failed, "lasting": lasting}

    @pytest.mark.parametrize("choice", ["lapsing", "failed_review"])
    def test_the_list_filters_by_lifecycle(self, client, firms, choice):
        response = client.get(reverse("enterprises:enterprise-list"), {"recognition": choice})
        assert [e.slug for e in response.context["page_obj"]] == [firms[choice].slug]

    def test_the_choices_are_counted(self, client, firms):
        response = client.get("/en/enterprises/")
        choices = dict(response.context["filter"].form.fields["recognition"].choices)
        assert choices["lapsing"] == "Expiring within 6 months (1)"
        assert choices["failed_review"] == "Failed review (1)"

    def test_an_unknown_choice_is_explained(self, client, firms):
        response = client.get("/en/enterprises/", {"recognition": "soon"})
        assert "Some filters could not be applied" in response.content.decode()
