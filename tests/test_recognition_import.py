"""Official lists: read in every encoding and header published, matched, reviewed, applied."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from enterprises.lists import (
    NEW,
    ApplyError,
    ListError,
    Outcome,
    Target,
    apply,
    read_list,
    review,
)
from enterprises.models import Enterprise, ListImport, Recognition, Status, Tier
from enterprises.models.recognition import Stage
from enterprises.names import name_key, similarity, split_form
from tests.factories import EnterpriseFactory, RegionFactory, SourceFactory, valid_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Messages and admin addresses in English, which the assertions below read."""
    with translation.override("en"):
        yield


# A final notice recent enough for its titles to be in force today.
AWARDED_ON = datetime.date.today() - datetime.timedelta(days=30)
HEADER_ZH = ("序号", "企业名称", "省份", "统一社会信用代码", "所属行业")
HEADER_EN = ("No.", "Enterprise name", "Province", "Unified social credit code", "Industry")


def csv_bytes(rows, header=HEADER_ZH, encoding="utf-8"):
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER_ZH):
    book = Workbook()
    sheet = book.active
    sheet.append(["第五批专精特新“小巨人”企业名单"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def zhejiang():
    return RegionFactory(
        code="33",
        slug="zhejiang",
        name_zh_hans="浙江",
        name_en="Zhejiang",
        full_name_zh_hans="浙江省",
        full_name_en="Zhejiang Province",
    )


@pytest.fixture
def guangdong():
    return RegionFactory(
        code="44",
        slug="guangdong",
        name_zh_hans="广东",
        name_en="Guangdong",
        full_name_zh_hans="广东省",
        full_name_en="Guangdong Province",
    )


@pytest.fixture
def notice():
    return SourceFactory(slug="miit-2023-little-giants-5")


@pytest.fixture
def target(notice):
    return Target(
        source=notice,
        tier=Tier.LITTLE_GIANT,
        level="",
        year=2023,
        batch=5,
        stage=Stage.PUBLIC_NOTICE,
    ).check()


@pytest.fixture
def directory(zhejiang, guangdong):
    """Enterprises a list can name in each of the ways lists do."""
    return {
        "coded": EnterpriseFactory(
            name_zh_hans="宁波甬信机械有限公司", region=zhejiang, credit_code=valid_credit_code(1)
        ),
        "plain": EnterpriseFactory(name_zh_hans="杭州海川传感科技有限公司", region=zhejiang),
        "brackets": EnterpriseFactory(name_zh_hans="华芯（深圳）微电子有限公司", region=guangdong),
        "regionless": EnterpriseFactory(name_zh_hans="精工阀门有限公司", region=zhejiang),
        "twin_a": EnterpriseFactory(name_zh_hans="东方电子有限公司", region=zhejiang),
        "twin_b": EnterpriseFactory(name_zh_hans="东方电子股份有限公司", region=zhejiang),
    }


LIST_ROWS = [
    # exact, by credit code (the name as the list spells it does not matter)
    (1, "宁波甬信机械公司", "浙江", valid_credit_code(1), ""),
    # normalised: full-width letters and spaces, 有限责任公司
    (2, "杭州海川传感科技 有限责任公司", "浙江省", "", ""),
    # brackets of another kind
    (3, "华芯〔深圳〕微电子有限公司", "广东", "", ""),
    # region prefix, stripped because the row is in Zhejiang
    (4, "浙江精工阀门有限公司", "浙江", "", ""),
    # similar names with another legal form: to confirm
    (5, "东方电子集团有限公司", "浙江", "", ""),
    # nobody like it: new
    (6, "温州星河光学仪器有限公司", "浙江省温州市", valid_credit_code(99), "制造业"),
    # invalid
    (7, "", "浙江", "", ""),
    (8, '=HYPERLINK("http://x")', "浙江", "", ""),
    (9, "台州某某有限公司", "浙江", "91330000X", ""),
]


def reviewed(data, target):
    return review(read_list(data), target)


class TestNames:
    def test_keys_undo_what_lists_change(self):
        assert name_key("ＡＢＣ（北京）科技 有限责任公司") == name_key("abc【北京】科技有限公司")
        assert name_key("华芯〔深圳〕微电子") == "华芯深圳微电子"

    def test_legal_forms_are_kept_apart(self):
        assert name_key("东方电子股份有限公司") != name_key("东方电子有限公司")
        assert split_form(name_key("东方电子集团股份有限公司")) == ("东方电子", "集团股份有限公司")

    def test_similarity_is_pg_trgm_s(self):
        assert similarity("word", "word") == 1
        assert round(similarity("word", "two words"), 6) == round(4 / 11, 6)


class TestMatching:
    def test_each_kind_of_row_is_recognised(self, directory, target):
        result = reviewed(csv_bytes(LIST_ROWS), target)
        outcome = {row.number: row.outcome for row in result.rows}
        assert outcome == {
            2: Outcome.EXACT,
            3: Outcome.NAME,
            4: Outcome.NAME,
            5: Outcome.NAME,
            6: Outcome.AMBIGUOUS,
            7: Outcome.NEW,
            8: Outcome.INVALID,
            9: Outcome.INVALID,
            10: Outcome.INVALID,
        }
        by_number = {row.number: row for row in result.rows}
        assert by_number[2].enterprise.pk == directory["coded"].pk
        assert by_number[3].enterprise.pk == directory["plain"].pk
        assert by_number[4].enterprise.pk == directory["brackets"].pk
        assert by_number[5].enterprise.pk == directory["regionless"].pk
        candidates = {c.pk for c in by_number[6].candidates}
        assert {directory["twin_a"].pk, directory["twin_b"].pk} <= candidates

    def test_invalid_rows_name_their_row_column_and_reason(self, directory, target):
        errors = reviewed(csv_bytes(LIST_ROWS), target).errors()
        assert [(number, str(column)) for number, column, _reason in errors] == [
            (8, "Enterprise name"),
            (9, "Enterprise name"),
            (10, "Unified social credit code"),
        ]
        assert "formula" in errors[1][2]

    def test_a_region_prefix_is_stripped_only_where_the_region_agrees(
        self, directory, target, guangdong
    ):
        result = reviewed(csv_bytes([(1, "浙江精工阀门有限公司", "广东", "", "")]), target)
        assert result.rows[0].outcome != Outcome.NAME

    def test_headers_in_english_and_unknown_columns_are_reported(self, directory, target):
        data = csv_bytes(
            [(1, "杭州海川传感科技有限公司", "Zhejiang", "", "", "x")],
            header=(*HEADER_EN, "Remarks"),
        )
        result = reviewed(data, target)
        assert result.rows[0].outcome == Outcome.NAME
        assert result.list_file.unknown_columns == ["Remarks"]
        assert [str(label) for _h, label in result.list_file.known_columns][:2] == [
            "No.",
            "Enterprise name",
        ]

    def test_a_missing_required_column_is_a_clear_error(self):
        with pytest.raises(ListError, match="Province or region"):
            read_list(csv_bytes([(1, "某某有限公司")], header=("序号", "企业名称")))

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
    def test_csv_in_every_encoding_lists_come_in(self, directory, target, encoding):
        data = csv_bytes(LIST_ROWS[:4], encoding=encoding)
        result = reviewed(data, target)
        assert [row.outcome for row in result.rows] == [
            Outcome.EXACT,
            Outcome.NAME,
            Outcome.NAME,
            Outcome.NAME,
        ]
        assert ("GB18030" in result.list_file.format) == encoding.startswith("gb")
        assert ("BOM" in result.list_file.format) == (encoding == "utf-8-sig")

    def test_xlsx_with_a_title_above_the_header(self, directory, target):
        result = reviewed(xlsx_bytes(LIST_ROWS[:4]), target)
        assert result.list_file.format == "XLSX"
        assert [row.outcome for row in result.rows] == [
            Outcome.EXACT,
            Outcome.NAME,
            Outcome.NAME,
            Outcome.NAME,
        ]

    @pytest.mark.parametrize(
        "data, message",
        [
            (b"", "empty"),
            (b"\x00\x01\x02binary", "binary"),
            (b"PK\x03\x04broken zip", "XLSX"),
            (b"\xd0\xcf\x11\xe0old", "XLSX or CSV"),
            ("序号,企业名称,省份\n".encode(), "no rows"),
            (b"just,a,table\n1,2,3\n", "No header"),
            (b"\xff\xfe\xfa\xfb" * 4, "neither UTF-8 nor GB18030"),
        ],
    )
    def test_bad_files_get_a_clear_message(self, data, message):
        with pytest.raises(ListError, match=message):
            read_list(data)

    def test_files_over_the_limits_are_refused(self, monkeypatch):
        monkeypatch.setattr("enterprises.lists.reading.MAX_ROWS", 3)
        rows = [(n, f"企业{n}有限公司", "浙江", "", "") for n in range(5)]
        with pytest.raises(ListError, match="more than 3 rows"):
            read_list(csv_bytes(rows))
        with pytest.raises(ListError, match="larger than"):
            read_list(b"x" * (10 * 1024 * 1024 + 1))

    def test_matching_300_rows_takes_a_bounded_number_of_queries(
        self, directory, target, zhejiang, django_assert_max_num_queries
    ):
        for n in range(150):
            EnterpriseFactory(name_zh_hans=f"杭州测试{n:03d}号精密有限公司", region=zhejiang)
        rows = [(n, f"杭州测试{n:03d}号精密有限公司", "浙江", "", "") for n in range(150)]
        rows += [(n, f"宁波新企{n:03d}材料有限公司", "浙江", "", "") for n in range(150, 300)]
        data = csv_bytes(rows)
        with django_assert_max_num_queries(15):
            result = reviewed(data, target)
        assert sum(row.outcome == Outcome.NAME for row in result.rows) == 150


class TestApplying:
    def test_nothing_is_written_until_applied(self, directory, target):
        before = (Enterprise.objects.count(), Recognition.objects.count())
        reviewed(csv_bytes(LIST_ROWS), target)
        assert (Enterprise.objects.count(), Recognition.objects.count()) == before

    def test_applying_adds_recognitions_and_draft_enterprises(self, directory, target, notice):
        result = reviewed(csv_bytes(LIST_ROWS), target)
        twin = directory["twin_b"]
        done = apply(result, {6: twin.pk})
        assert (done["add"], done["enterprises"], done["invalid"]) == (6, 1, 3)
        recognitions = Recognition.objects.filter(source=notice)
        assert set(recognitions.values_list("enterprise_id", flat=True)) >= {
            directory["coded"].pk,
            twin.pk,
        }
        recognition = recognitions.get(enterprise=directory["coded"])
        assert (recognition.year, recognition.batch, recognition.stage, recognition.level) == (
            2023,
            5,
            Stage.PUBLIC_NOTICE,
            "national",
        )
        new = Enterprise.objects.get(name_zh_hans="温州星河光学仪器有限公司")
        assert new.status == Status.DRAFT
        assert list(new.sources.all()) == [notice]
        assert new.credit_code == valid_credit_code(99)
        assert new.city_zh_hans == "温州"

    def test_an_undecided_row_is_left_out(self, directory, target):
        done = apply(reviewed(csv_bytes(LIST_ROWS), target))
        assert done["skipped"] == 1
        assert not Recognition.objects.filter(
            enterprise__in=[directory["twin_a"], directory["twin_b"]]
        ).exists()

    def test_a_row_may_become_a_new_enterprise(self, directory, target):
        apply(reviewed(csv_bytes(LIST_ROWS), target), {6: NEW})
        assert Enterprise.objects.filter(name_zh_hans="东方电子集团有限公司").exists()

    def test_applying_is_all_or_nothing(self, directory, target, monkeypatch):
        before = (Enterprise.objects.count(), Recognition.objects.count())
        saves = []
        original = Recognition.save

        def failing_save(self, *args, **kwargs):
            saves.append(self)
            if len(saves) == 4:
                from django.db import IntegrityError

                raise IntegrityError("refused")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Recognition, "save", failing_save)
        with pytest.raises(ApplyError, match="Nothing was written"):
            apply(reviewed(csv_bytes(LIST_ROWS), target), {6: NEW})
        assert (Enterprise.objects.count(), Recognition.objects.count()) == before

    def test_importing_the_same_list_again_changes_nothing(self, directory, target):
        apply(reviewed(csv_bytes(LIST_ROWS), target), {6: directory["twin_b"].pk})
        counts = (Enterprise.objects.count(), Recognition.objects.count())
        again = reviewed(csv_bytes(LIST_ROWS), target)
        assert {row.change for row in again.rows if row.outcome != Outcome.INVALID} == {
            "unchanged"
        }
        done = apply(again)
        assert done["unchanged"] == 6 and not done["add"] and not done["enterprises"]
        assert (Enterprise.objects.count(), Recognition.objects.count()) == counts

    def test_the_final_list_advances_the_stage_of_the_public_notice(self, directory, target):
        apply(reviewed(csv_bytes(LIST_ROWS), target), {6: directory["twin_b"].pk})
        count = Recognition.objects.count()
        final_notice = SourceFactory(slug="miit-2023-little-giants-5-final")
        final = Target(
            source=final_notice,
            tier=Tier.LITTLE_GIANT,
            level="",
            year=2023,
            batch=5,
            stage=Stage.AWARDED,
            notice_date=AWARDED_ON,
        ).check()
        result = reviewed(csv_bytes(LIST_ROWS), final)
        assert {row.change for row in result.rows if row.change} == {"advance"}
        done = apply(result)
        assert done["advance"] == 6
        assert Recognition.objects.count() == count
        recognition = Recognition.objects.get(enterprise=directory["coded"])
        assert (recognition.stage, recognition.source) == (Stage.AWARDED, final_notice)
        # Valid from the notice that awards it, for three years; the tier follows.
        assert recognition.valid_from == AWARDED_ON
        assert recognition.valid_until.year == AWARDED_ON.year + 3
        directory["coded"].refresh_from_db()
        assert directory["coded"].tier == Tier.LITTLE_GIANT

    def test_the_command_reviews_then_applies(self, directory, notice, tmp_path):
        path = tmp_path / "list.csv"
        path.write_bytes(csv_bytes(LIST_ROWS, encoding="gb18030"))
        arguments = [
            str(path),
            "--source",
            notice.slug,
            "--tier",
            "little_giant",
            "--year",
            "2023",
            "--batch",
            "5",
            "--stage",
            "public_notice",
        ]
        out = io.StringIO()
        call_command("import_recognition_list", *arguments, stdout=out)
        text = out.getvalue()
        assert "CSV (GB18030), 9 rows" in text
        assert "Matched by credit code: 1" in text and "Invalid rows: 3" in text
        assert "row 10, column Unified social credit code" in text
        assert not Recognition.objects.filter(source=notice).exists()
        call_command("import_recognition_list", *arguments, "--apply", stdout=io.StringIO())
        assert Recognition.objects.filter(source=notice).count() == 5

    def test_the_command_refuses_a_bad_file_clearly(self, notice, tmp_path):
        path = tmp_path / "list.csv"
        path.write_bytes(b"\x00binary")
        with pytest.raises(CommandError, match="binary"):
            call_command(
                "import_recognition_list",
                str(path),
                "--source",
                notice.slug,
                "--tier",
                "little_giant",
                "--year",
                "2023",
                "--stage",
                "awarded",
            )


class TestAdmin:
    def upload(self, client, notice, data, name="list.csv"):
        upload = io.BytesIO(data)
        upload.name = name
        return client.post(
            reverse("admin:enterprises_list_import"),
            {
                "file": upload,
                "source": notice.pk,
                "tier": "little_giant",
                "level": "",
                "year": 2023,
                "batch": 5,
                "stage": "public_notice",
            },
        )

    def test_the_changelist_links_to_the_import_for_publishers(
        self, publisher_client, editor_client
    ):
        url = reverse("admin:enterprises_list_import")
        changelist = reverse("admin:enterprises_recognition_changelist")
        assert url in publisher_client.get(changelist).content.decode()
        assert url not in editor_client.get(changelist).content.decode()
        assert editor_client.get(url).status_code == 403

    def test_upload_review_apply(self, publisher_client, directory, notice):
        response = self.upload(publisher_client, notice, csv_bytes(LIST_ROWS))
        pending = ListImport.objects.get()
        assert response.url == reverse("admin:enterprises_list_import_review", args=[pending.pk])
        page = publisher_client.get(response.url)
        html = page.content.decode()
        assert page.status_code == 200
        assert 'type="radio" name="row-6"' in html
        assert "东方电子股份有限公司" in html and "Unified social credit code" in html
        assert not Recognition.objects.filter(source=notice).exists()
        applied = publisher_client.post(
            response.url, {"apply": "1", "row-6": str(directory["twin_a"].pk)}
        )
        assert applied.status_code == 302
        assert Recognition.objects.filter(source=notice).count() == 6
        assert Recognition.objects.filter(enterprise=directory["twin_a"]).exists()
        pending.refresh_from_db()
        assert pending.status == ListImport.Status.APPLIED and pending.rows == []

    def test_cancelling_writes_nothing(self, publisher_client, directory, notice):
        response = self.upload(publisher_client, notice, xlsx_bytes(LIST_ROWS), "list.xlsx")
        publisher_client.post(response.url, {"cancel": "1"})
        assert ListImport.objects.get().status == ListImport.Status.CANCELLED
        assert not Recognition.objects.filter(source=notice).exists()

    @pytest.mark.parametrize(
        "data", [b"", b"\x00\x01", b"PK\x03\x04junk", "序号,名字\n1,x\n".encode()]
    )
    def test_a_bad_file_is_a_form_error_not_an_error_page(self, publisher_client, notice, data):
        response = self.upload(publisher_client, notice, data)
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
        assert not ListImport.objects.exists()

    def test_a_national_title_at_another_level_is_refused(self, publisher_client, notice):
        upload = io.BytesIO(csv_bytes(LIST_ROWS))
        upload.name = "list.csv"
        response = publisher_client.post(
            reverse("admin:enterprises_list_import"),
            {
                "file": upload,
                "source": notice.pk,
                "tier": "little_giant",
                "level": "provincial",
                "year": 2023,
                "stage": "awarded",
            },
        )
        assert response.status_code == 200
        assert "national title" in response.content.decode()
