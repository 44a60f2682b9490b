import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import translation

from enterprises.loading import (
    DIRECTORY_FIXTURES,
    FixtureError,
    default_fixture_paths,
    load_directory,
    read_records,
)
from enterprises.models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    Industry,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Qualifier,
    Recognition,
    Region,
    Source,
    Tier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Operators read these messages in English, as the command prints them."""
    with translation.override("en"):
        yield


ARTICLE = "xinhua-2023-04-13-specialized-smes"
FIXTURES = Path(settings.FIXTURE_DIRS[0])


def snapshot():
    """Every row of every directory table, timestamps and many-to-many links included."""
    models = apps.get_app_config("enterprises").get_models()
    return {
        m._meta.label: serializers.serialize("json", m._default_manager.order_by("pk"))
        for m in models
    }


def write_fixture(tmp_path, name, records):
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def fixture_records(name):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


class TestCuratedData:
    def test_reference_data_is_complete(self, curated):
        assert Region.objects.count() == 34
        assert Industry.objects.sections().count() == 20
        assert list(Industry.objects.values_list("code", flat=True)) == list(
            "ABCDEFGHIJKLMNOPQRST"
        )

    @pytest.mark.parametrize(
        ("code", "slug", "kind"),
        [
            ("11", "beijing", "municipality"),
            ("21", "liaoning", "province"),
            ("34", "anhui", "province"),
            ("37", "shandong", "province"),
            ("45", "guangxi", "autonomous_region"),
            ("81", "hong-kong", "sar"),
            ("82", "macao", "sar"),
        ],
    )
    def test_region_codes_follow_gb_t_2260(self, curated, code, slug, kind):
        region = Region.objects.get(code=code)
        assert (region.slug, region.kind) == (slug, kind)

    def test_region_kinds_add_up(self, curated):
        counts = {kind: Region.objects.filter(kind=kind).count() for kind in Region.Kind.values}
        assert counts == {"province": 23, "autonomous_region": 5, "municipality": 4, "sar": 2}

    def test_the_articles_enterprises_are_all_there(self, curated):
        assert set(Enterprise.objects.values_list("slug", flat=True)) == {
            "sysmed-china",
            "beijing-tri-tech",
            "zte",
            "weichai-power",
        }

    def test_photo_caption_firms_get_no_tier(self, curated):
        assert Enterprise.objects.get(slug="zte").tier == ""
        assert Enterprise.objects.get(slug="weichai-power").tier == ""
        assert not Recognition.objects.filter(enterprise__slug__in=["zte", "weichai-power"])

    def test_firms_the_article_calls_specialized_have_that_tier(self, curated):
        assert Enterprise.objects.get(slug="beijing-tri-tech").tier == Tier.SPECIALIZED

    def test_unknown_facts_stay_blank(self, curated):
        sysmed = Enterprise.objects.get(slug="sysmed-china")
        assert sysmed.name_zh_hans == ""
        assert sysmed.region is None and sysmed.founded_year is None
        recognition = Recognition.objects.get(enterprise__slug="beijing-tri-tech")
        assert recognition.level == "" and recognition.year is None

    def test_weichai_is_in_weifang_shandong(self, curated):
        weichai = Enterprise.objects.get(slug="weichai-power")
        assert (weichai.region.code, weichai.city_en) == ("37", "Weifang")

    def test_products_and_exhibits(self, curated):
        assert Product.objects.count() == 4
        exoskeleton = Product.objects.get(slug="passive-wearable-exoskeleton")
        assert exoskeleton.enterprise.slug == "sysmed-china"
        assert "外骨骼" in exoskeleton.name_zh_hans
        shown = set(Exhibit.objects.values_list("product__slug", "exhibition__slug"))
        assert ("zte-robotic-dog", "global-industrial-internet-conference-2021") in shown
        assert (
            "passive-wearable-exoskeleton",
            "sme-development-conference-shenyang-2023",
        ) in shown

    def test_the_shenyang_conference(self, curated):
        conference = Exhibition.objects.get(slug="sme-development-conference-shenyang-2023")
        assert conference.exhibitor_count == 150
        assert conference.region.code == "21"
        assert conference.year == 2023

    def test_anhui_targets(self, curated):
        policy = PolicyInitiative.objects.get(slug="anhui-specialized-enterprise-targets-2025")
        assert policy.region.code == "34"
        targets = {t.slug: t for t in policy.targets.all()}
        provincial = targets["provincial-specialized-enterprises"]
        assert (provincial.target_value, provincial.qualifier, provincial.deadline_year) == (
            Decimal("5000"),
            Qualifier.MORE_THAN,
            2025,
        )
        assert targets["national-little-giants"].target_value == Decimal("500")

    def test_liaoning_plan_and_bse_channel(self, curated):
        assert (
            PolicyInitiative.objects.get(
                slug="liaoning-gradient-cultivation-work-plan"
            ).region.code
            == "21"
        )
        bse = PolicyInitiative.objects.get(slug="beijing-stock-exchange-listing-channel")
        assert bse.scope == PolicyInitiative.Scope.NATIONAL

    @pytest.mark.parametrize(
        ("slug", "value", "qualifier"),
        [
            ("national-specialized-smes-2023-04", "70000", "more_than"),
            ("national-little-giants-2023-04", "9000", "nearly"),
            ("bse-listed-little-giants-2023-04", "70", "more_than"),
            ("bse-little-giant-share-2023-04", "40", ""),
            ("bse-listed-companies-2023-04", "186", ""),
        ],
    )
    def test_the_articles_figures(self, curated, slug, value, qualifier):
        indicator = Indicator.objects.get(slug=slug)
        assert (indicator.value, indicator.qualifier) == (Decimal(value), qualifier)
        assert indicator.source.slug == ARTICLE

    def test_every_curated_fact_cites_the_article(self, curated):
        article = Source.objects.get(slug=ARTICLE)
        for model in (Enterprise, Product, Exhibition, PolicyInitiative):
            for obj in model.objects.all():
                assert article in obj.sources.all(), obj
        assert not Recognition.objects.exclude(source=article).exists()
        assert not Exhibit.objects.exclude(source=article).exists()
        assert not Indicator.objects.exclude(source=article).exists()
        assert all(region.source_id for region in Region.objects.all())

    def test_curated_rows_are_all_published(self, curated):
        for model in (Enterprise, Product, Exhibition, PolicyInitiative, Indicator):
            assert not model.objects.exclude(status="published").exists()


class TestLoading:
    def test_first_load_reports_what_it_created(self, db):
        report = load_directory()
        assert report.totals() == {"created": 89}

    def test_loading_twice_changes_nothing(self, curated):
        before = snapshot()
        report = load_directory()
        assert report.totals() == {"unchanged": 89}
        assert snapshot() == before

    def test_plain_loaddata_twice_changes_nothing(self, db):
        call_command("loaddata", *DIRECTORY_FIXTURES, verbosity=0)
        before = snapshot()
        call_command("loaddata", *DIRECTORY_FIXTURES, verbosity=0)
        assert snapshot() == before
        assert Enterprise.objects.get(slug="beijing-tri-tech").tier == Tier.SPECIALIZED

    def test_loaddata_then_load_directory_agree(self, db):
        call_command("loaddata", *DIRECTORY_FIXTURES, verbosity=0)
        assert load_directory().totals() == {"unchanged": 89}

    def test_a_changed_record_is_updated_and_keeps_its_creation_time(self, curated, tmp_path):
        zte = Enterprise.objects.get(slug="zte")
        records = fixture_records("enterprises")
        for record in records:
            if record["fields"].get("slug") == "zte":
                record["fields"]["founded_year"] = 1985
        path = write_fixture(tmp_path, "enterprises.json", records)
        report = load_directory([path])
        assert report.totals()["updated"] == 1
        changed = Enterprise.objects.get(slug="zte")
        assert changed.founded_year == 1985
        assert changed.created_at == zte.created_at
        assert changed.updated_at > zte.updated_at

    def test_command_prints_counts(self, db, capsys):
        call_command("load_directory")
        out = capsys.readouterr().out
        assert "fixtures/regions.json: enterprises.region: 34 created" in out
        assert "Directory loaded: 89 created, 0 updated, 0 unchanged." in out

    def test_dry_run_writes_nothing(self, db, capsys):
        call_command("load_directory", "--dry-run")
        assert "Dry run, nothing written: 89 created" in capsys.readouterr().out
        assert not Region.objects.exists()


def bad_enterprise(**fields):
    record = {
        "model": "enterprises.enterprise",
        "fields": {"slug": "bad-firm", "name_en": "Bad Firm", "status": "published"},
    }
    record["fields"].update(fields)
    return record


BAD_RECORDS = {
    "unknown field": (bad_enterprise(colour="red"), "field “colour”", "no such field"),
    "unknown region": (bad_enterprise(region=["99"]), "field “region”", "does not exist"),
    "unknown source": (
        bad_enterprise(sources=[["no-such-source"]]),
        "field “sources”",
        "does not exist",
    ),
    "invalid credit code": (
        bad_enterprise(credit_code="9144030027939873X8"),
        "field “credit_code”",
        "check character",
    ),
    "invalid choice": (bad_enterprise(size="gigantic"), "field “size”", "gigantic"),
    "ticker without exchange": (bad_enterprise(ticker="600519"), "field “exchange”", "exchange"),
    "future founding year": (
        bad_enterprise(founded_year=2999),
        "field “founded_year”",
        "future",
    ),
    "not a number": (bad_enterprise(founded_year="MCMXC"), "bad-firm", "MCMXC"),
    "no name": (bad_enterprise(name_en=""), "field “name”", ""),
    "unknown model": (
        {"model": "enterprises.spaceship", "fields": {}},
        "record 2",
        "unknown model",
    ),
    "model outside the directory": (
        {"model": "auth.user", "fields": {"username": "x"}},
        "record 2",
        "only directory models",
    ),
    "not an object": (["a", "list"], "record 2", "must be an object"),
    "local little giant": (
        {
            "model": "enterprises.recognition",
            "fields": {
                "enterprise": ["zte"],
                "tier": "little_giant",
                "level": "municipal",
                "source": [ARTICLE],
            },
        },
        "field “level”",
        "national title",
    ),
}


class TestBadFixtures:
    """Every broken fixture stops the load, says where, and leaves the database as it was."""

    @pytest.mark.parametrize("case", BAD_RECORDS, ids=list(BAD_RECORDS))
    def test_bad_record_changes_nothing_and_names_the_place(self, curated, tmp_path, case):
        record, where, why = BAD_RECORDS[case]
        good = bad_enterprise(slug="good-firm", name_en="Good Firm")
        path = write_fixture(tmp_path, "broken.json", [good, record])
        before = snapshot()
        with pytest.raises(FixtureError) as excinfo:
            load_directory([path])
        message = str(excinfo.value)
        assert "broken.json" in message and "record 2" in message
        assert where in message and why in message
        assert snapshot() == before
        assert not Enterprise.objects.filter(slug="good-firm").exists()

    @pytest.mark.parametrize(
        ("content", "why"),
        [
            (b'[{"model": "enterprises.region", ', "not valid JSON"),
            (b'{"model": "enterprises.region"}', "JSON list"),
            (b"\xff\xfe[not utf-8", "not valid UTF-8"),
            (b"", "not valid JSON"),
        ],
    )
    def test_malformed_file_changes_nothing(self, curated, tmp_path, content, why):
        path = tmp_path / "broken.json"
        path.write_bytes(content)
        before = snapshot()
        with pytest.raises(FixtureError, match=why):
            load_directory([path])
        assert snapshot() == before

    def test_missing_file_is_reported(self, db, tmp_path):
        with pytest.raises(FixtureError, match="cannot be read"):
            load_directory([tmp_path / "absent.json"])

    def test_duplicate_key_inside_a_file_is_refused(self, curated, tmp_path):
        path = write_fixture(tmp_path, "dup.json", [bad_enterprise(), bad_enterprise()])
        before = snapshot()
        with pytest.raises(FixtureError, match="record 2.*duplicates record 1"):
            load_directory([path])
        assert snapshot() == before

    def test_error_in_a_later_file_undoes_earlier_files(self, db, tmp_path):
        broken = write_fixture(tmp_path, "z-broken.json", [bad_enterprise(region=["99"])])
        paths = [FIXTURES / f"{name}.json" for name in DIRECTORY_FIXTURES] + [broken]
        with pytest.raises(FixtureError):
            load_directory(paths)
        assert not Region.objects.exists()
        assert not Source.objects.exists()

    def test_command_reports_the_error_and_loads_nothing(self, db, tmp_path):
        path = write_fixture(tmp_path, "broken.json", [bad_enterprise(region=["99"])])
        with pytest.raises(CommandError) as excinfo:
            call_command("load_directory", str(path))
        assert "Nothing was loaded" in str(excinfo.value)
        assert "record 1" in str(excinfo.value) and "field “region”" in str(excinfo.value)

    def test_unique_value_taken_by_another_row_is_refused(self, curated, tmp_path):
        records = [
            bad_enterprise(exchange="bse", ticker="920002"),
            bad_enterprise(slug="other", exchange="bse", ticker="920002"),
        ]
        path = write_fixture(tmp_path, "taken.json", records)
        with pytest.raises(FixtureError, match="record 2.*ticker"):
            load_directory([path])
        assert not PolicyTarget.objects.filter(slug="x").exists()
        assert not Enterprise.objects.filter(slug="bad-firm").exists()

    def test_a_published_entry_may_not_rest_on_a_draft(self, curated, tmp_path):
        records = [
            bad_enterprise(slug="draft-maker", status="draft"),
            {
                "model": "enterprises.product",
                "fields": {
                    "slug": "shown-product",
                    "name_en": "Shown Product",
                    "enterprise": ["draft-maker"],
                    "status": "published",
                },
            },
        ]
        path = write_fixture(tmp_path, "drafts.json", records)
        before = snapshot()
        with pytest.raises(FixtureError, match="record 2.*field “enterprise”.*not published"):
            load_directory([path])
        assert snapshot() == before

    def test_a_draft_may_rest_on_a_draft(self, curated, tmp_path):
        records = [
            bad_enterprise(slug="draft-maker", status="draft"),
            {
                "model": "enterprises.product",
                "fields": {
                    "slug": "draft-product",
                    "name_en": "Draft Product",
                    "enterprise": ["draft-maker"],
                    "status": "draft",
                },
            },
        ]
        load_directory([write_fixture(tmp_path, "drafts.json", records)])
        assert Enterprise.objects.get(slug="draft-maker").products.count() == 1


class TestDryRun:
    def test_a_dry_run_reports_changes_without_writing_them(self, curated, tmp_path, capsys):
        records = json.loads((FIXTURES / "enterprises.json").read_text(encoding="utf-8"))
        for record in records:
            if record["fields"].get("slug") == "beijing-tri-tech":
                record["fields"]["summary_en"] = "Changed in the file."
        path = write_fixture(tmp_path, "enterprises.json", records + [bad_enterprise()])
        before = snapshot()
        call_command("load_directory", "--dry-run", str(path))
        out = capsys.readouterr().out
        assert "Dry run, nothing written: 1 created, 1 updated" in out
        assert snapshot() == before

    def test_a_dry_run_of_a_bad_file_names_the_error(self, curated, tmp_path):
        path = write_fixture(tmp_path, "broken.json", [bad_enterprise(size="gigantic")])
        before = snapshot()
        with pytest.raises(CommandError, match="record 1.*field “size”"):
            call_command("load_directory", "--dry-run", str(path))
        assert snapshot() == before


# What the article states, field by field: (model, natural key, field, value). A blank value
# means the article does not state it, so nothing may be recorded there.
STATED = [
    (
        Source,
        "xinhua-2023-04-13-specialized-smes",
        "url",
        "http://en.people.cn/n3/2023/0413/c90000-20004995.html",
    ),
    (Enterprise, "zte", "name_en", "ZTE Corporation"),
    (Enterprise, "zte", "name_zh_hans", ""),  # no Chinese legal name in the article
    (Enterprise, "zte", "listed", None),  # its listing is not mentioned: unknown, not "no"
    (Enterprise, "weichai-power", "name_en", "Weichai Power Co., Ltd."),
    (Enterprise, "weichai-power", "name_zh_hans", ""),
    (Enterprise, "weichai-power", "listed", None),
    (Enterprise, "sysmed-china", "tier", ""),  # only "a medical technology company"
    (Enterprise, "beijing-tri-tech", "region", None),  # no location is given
    (Enterprise, "beijing-tri-tech", "tier", Tier.SPECIALIZED),
    (Exhibition, "global-industrial-internet-conference-2021", "name_zh_hans", ""),
    (Exhibition, "sme-development-conference-shenyang-2023", "name_is_descriptive", True),
    (Exhibition, "sme-development-conference-shenyang-2023", "exhibitor_count", 150),
    (PolicyInitiative, "liaoning-gradient-cultivation-work-plan", "title_is_descriptive", True),
    (PolicyInitiative, "liaoning-gradient-cultivation-work-plan", "document_number", ""),
    (PolicyInitiative, "liaoning-gradient-cultivation-work-plan", "issued_on", None),
    (PolicyInitiative, "anhui-specialized-enterprise-targets-2025", "title_is_descriptive", True),
    (PolicyInitiative, "beijing-stock-exchange-listing-channel", "title_is_descriptive", True),
]


class TestWhatTheSourceStates:
    """The curated fixtures record what their sources state and nothing else."""

    @pytest.mark.parametrize(
        ("model", "key", "field", "value"),
        STATED,
        ids=[f"{m.__name__}-{k}-{f}" for m, k, f, _v in STATED],
    )
    def test_a_stated_fact_is_recorded_and_an_unstated_one_is_blank(
        self, curated, model, key, field, value
    ):
        obj = model.objects.get(slug=key)
        stored = getattr(obj, field)
        assert stored == value, (key, field, stored)

    def test_no_recognition_the_article_does_not_support(self, curated):
        assert list(Recognition.objects.values_list("enterprise__slug", "tier")) == [
            ("beijing-tri-tech", Tier.SPECIALIZED)
        ]

    def test_the_bse_channel_claims_nothing_about_after_listing(self, curated):
        bse = PolicyInitiative.objects.get(slug="beijing-stock-exchange-listing-channel")
        assert "listing onwards" not in bse.summary_en and "onwards" not in bse.summary_en

    @pytest.mark.parametrize(
        ("person", "statements", "role"),
        [
            ("li-zibin", 2, "president"),
            ("zhang-duo", 1, "product manager"),
            ("chen-xue", 2, "assistant to the general manager"),
        ],
    )
    def test_the_people_quoted_and_what_they_said(self, curated, person, statements, role):
        from enterprises.models import Person

        found = Person.objects.get(slug=person)
        assert found.name_zh_hans == ""  # the article gives the names in pinyin only
        assert found.statements.count() == statements
        for statement in found.statements.all():
            assert statement.role_en == role
            assert statement.source.slug == ARTICLE
            assert statement.paraphrase_en and statement.paraphrase_zh_hans

    def test_li_zibin_speaks_for_the_sme_association(self, curated):
        from enterprises.models import Statement

        for statement in Statement.objects.filter(person__slug="li-zibin"):
            assert statement.organisation_en == (
                "China Association of Small and Medium Enterprises"
            )


def curated_texts():
    """(file, record, field, text) of every text a curated fixture holds (a document's
    files too), but a source's own title and publisher (which are cited as they are) and
    texts too short to copy a sentence (3 words, or fewer than 12 characters)."""
    for path in default_fixture_paths():
        for number, record in enumerate(read_records(path), start=1):
            for field, value in record["fields"].items():
                if record["model"] == "enterprises.source" and field.startswith(
                    ("title", "publisher")
                ):
                    continue
                if isinstance(value, str) and (len(value.split()) > 3 or len(value) >= 12):
                    yield path.stem, number, field, value


def test_no_curated_text_copies_a_source():
    """No run of 8 words (or 12 Chinese characters) of a curated text occurs in a source:
    the facts are written in the directory's own words."""
    from .source_shingles import load, shingles

    sources = load()
    every = set().union(*sources.values())
    copied = [
        (name, number, field, text[:60])
        for name, number, field, text in curated_texts()
        if shingles(text) & every
    ]
    assert copied == []


def test_the_copy_check_would_see_a_copied_sentence():
    from .source_shingles import load, shingles

    copied = "Liaoning has issued a work plan to improve the gradient training system"
    assert shingles(copied) & load()["xinhua-2023-04-13-specialized-smes"]
