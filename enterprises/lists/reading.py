"""Reading an official list: a CSV or XLSX file into numbered rows under known columns."""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..formats import FORMULA_START
from ..names import name_key
from ..validators import validate_credit_code

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Beyond these, a file is not a list: a workbook inflating past this many bytes, or rows
# wider than any published table.
MAX_UNZIPPED_BYTES = 20 * MAX_BYTES
MAX_COLUMNS = 50
# A title, the notice's number or a blank line may stand above the header.
HEADER_SEARCH_ROWS = 10


class ListError(Exception):
    """A file that cannot be imported as a whole; the message says why."""


@dataclass(frozen=True)
class Column:
    """A column of the published tables, by the headers it goes by in either language."""

    key: str
    label: str
    headers: tuple
    required: bool = False

    @cached_property
    def keys(self):
        return {header_key(header) for header in self.headers}


def header_key(text):
    return re.sub(r"[.,:：、/\\*_\-#]", "", name_key(str(text)))


COLUMNS = (
    Column("number", gettext_lazy("No."), ("序号", "编号", "No.", "Number", "S/N", "#")),
    Column(
        "name",
        gettext_lazy("Enterprise name"),
        (
            "企业名称",
            "企业全称",
            "企业",
            "单位名称",
            "公司名称",
            "名称",
            "Enterprise name",
            "Enterprise",
            "Company",
            "Company name",
            "Name",
        ),
        required=True,
    ),
    Column(
        "region",
        gettext_lazy("Province or region"),
        (
            "省份/地区",
            "省份",
            "地区",
            "所在地",
            "所在地区",
            "所属地区",
            "所在省份",
            "省（区、市）",
            "省市",
            "Province",
            "Region",
            "Location",
            "Province/Region",
        ),
        required=True,
    ),
    Column(
        "credit_code",
        gettext_lazy("Unified social credit code"),
        (
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "Unified social credit code",
            "Credit code",
        ),
    ),
    Column("industry", gettext_lazy("Industry"), ("所属行业", "行业", "所属领域", "Industry")),
)
COLUMN = {column.key: column for column in COLUMNS}


@dataclass
class ListRow:
    """One row of a list: its line in the file and its cells by column key."""

    number: int
    values: dict
    errors: list = field(default_factory=list)

    def __getattr__(self, name):
        if name in COLUMN:
            return self.values.get(name, "")
        raise AttributeError(name)

    @cached_property
    def key(self):
        return name_key(self.name)

    def to_json(self):
        return [self.number, self.values]

    @classmethod
    def from_json(cls, data):
        number, values = data
        return cls(number, dict(values))


@dataclass
class ListFile:
    """A list as read: its format, its columns (header, column key or "" if ignored) and
    its rows."""

    format: str
    columns: list
    rows: list

    @property
    def unknown_columns(self):
        return [header for header, key in self.columns if not key]

    @property
    def known_columns(self):
        return [(header, COLUMN[key].label) for header, key in self.columns if key]


def read_list(data):
    """A ListFile from the bytes of a CSV (UTF-8 with or without BOM, GB18030) or XLSX
    file, naming the columns it recognised and those it ignores, or a ListError saying
    what is wrong."""
    if not data:
        raise ListError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ListError(
            _("The file is larger than %(limit)d MB; split the list into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04"):
        table, file_format = read_xlsx(data), "XLSX"
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ListError(_("This is an old Excel (.xls) workbook: save it as XLSX or CSV."))
    else:
        table, file_format = read_csv(data)
    return parse_table(table, file_format)


def decoded(data):
    """(text, encoding name) of a CSV file: UTF-8 with or without a BOM, or GB18030 (which
    includes GBK, what Excel writes on Chinese Windows)."""
    if b"\x00" in data:
        raise ListError(_("The file holds binary data: upload the list as CSV or XLSX."))
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data.decode("utf-8-sig"), _("UTF-8 with BOM")
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise ListError(
            _("The file is neither UTF-8 nor GB18030 text (byte %(position)d).")
            % {"position": exc.start}
        ) from exc


def read_csv(data):
    text, encoding = decoded(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)

    def rows():
        try:
            yield from reader
        except csv.Error as exc:
            raise ListError(
                _("The CSV file is malformed at line %(line)d.") % {"line": reader.line_num}
            ) from exc

    return rows(), f"CSV ({encoding})"


def read_xlsx(data):
    """The rows of the first sheet, each cell as text (a formula as its text, "=...")."""
    from openpyxl import load_workbook

    unreadable = _("The file cannot be read as an XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ListError(_("The workbook is too large once unpacked."))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except ListError:
        raise
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        raise ListError(unreadable) from exc

    def rows():
        try:
            for cells in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                yield [cell_text(value) for value in cells]
        except ListError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ListError(unreadable) from exc
        finally:
            book.close()

    return rows()


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def parse_table(table, file_format):
    """Find the header among the first rows, map its columns, and number the rows below it
    by their line in the file."""
    rows = iter(table)
    columns = None
    for line, cells in enumerate(rows, start=1):
        if line > HEADER_SEARCH_ROWS:
            break
        keys = [column_of(cell) for cell in cells[:MAX_COLUMNS]]
        if "name" in keys:
            columns, header_line = list(zip(cells, keys, strict=False)), line
            break
    if columns is None:
        raise ListError(
            _(
                "No header with a column of enterprise names was found in the first %(rows)d "
                "rows (expected, e.g., 企业名称 or Enterprise name)."
            )
            % {"rows": HEADER_SEARCH_ROWS}
        )
    seen = set()
    for index, (header, key) in enumerate(columns):
        if key in seen:
            columns[index] = (header, "")  # a second column of the same kind is ignored
        seen.add(key)
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        raise ListError(
            _("The file has no column for: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    list_rows = []
    for line, cells in enumerate(rows, start=header_line + 1):
        values = {
            key: str(cell).strip()
            for (_header, key), cell in zip(columns, cells, strict=False)
            if key and key != "number"
        }
        if not any(values.values()):
            continue
        if len(list_rows) >= MAX_ROWS:
            raise ListError(
                _("The list has more than %(limit)d rows; split it into smaller files.")
                % {"limit": MAX_ROWS}
            )
        list_rows.append(ListRow(line, values))
    if not list_rows:
        raise ListError(_("The list has a header but no rows."))
    shown_columns = [(str(header).strip(), key or "") for header, key in columns if str(header)]
    return ListFile(file_format, shown_columns, list_rows)


def column_of(cell):
    key = header_key(cell)
    return next((column.key for column in COLUMNS if key and key in column.keys), "")


def check_rows(rows):
    """Record on each row what makes it invalid: (column label, reason)."""
    first_of = {}
    for row in rows:
        row.errors = []
        for key, value in row.values.items():
            if value and FORMULA_START.match(value):
                row.errors.append(
                    (COLUMN[key].label, _("Starts like a spreadsheet formula (= + - @)."))
                )
        if not row.name:
            row.errors.append((COLUMN["name"].label, _("No enterprise name.")))
        elif re.match(r"(注|备注|说明)[:：]", row.name):
            row.errors.append((COLUMN["name"].label, _("A note, not an enterprise.")))
        elif len(row.name) > 200:
            row.errors.append((COLUMN["name"].label, _("Longer than 200 characters.")))
        if row.credit_code:
            row.values["credit_code"] = row.credit_code.upper()
            try:
                validate_credit_code(row.credit_code)
            except ValidationError as exc:
                row.errors.append((COLUMN["credit_code"].label, " ".join(exc.messages)))
        if row.errors:
            continue
        for identity in (("code", row.credit_code), ("name", row.key, name_key(row.region))):
            if not identity[1]:
                continue
            if identity in first_of:
                row.errors.append(
                    (
                        COLUMN["name"].label,
                        _("The same enterprise as row %(row)d.") % {"row": first_of[identity]},
                    )
                )
                break
            first_of[identity] = row.number
    return rows
