"""Spreadsheet formats for imports and exports.

CSV files are read as UTF-8 or, failing that, as GB18030 (what Excel writes on Chinese
Windows), and written as UTF-8 with a byte-order mark so that Excel opens them correctly.

Neither format lets a cell run as a formula in the spreadsheet that opens it. In CSV, a
cell that a spreadsheet would take for a formula (it starts with = + - @, a tab or a
carriage return, or their full-width forms) is written with an apostrophe in front, which
spreadsheets show as text; reading the file back removes it, so an export imports back
unchanged. In XLSX every text cell is stored as text, never as a formula.
"""

import io
import re

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.exceptions import IllegalCharacterError

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# What makes a spreadsheet read a cell as a formula, after any apostrophes already there.
FORMULA_START = re.compile(r"'*[=+\-@\t\r＝＋－＠]")


def neutralise(value):
    """A cell value as written to CSV: an apostrophe before anything a spreadsheet would
    evaluate (and before apostrophes that precede it, so that reading undoes exactly this)."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def restore(value):
    """A cell value as read from CSV: neutralise() undone."""
    if isinstance(value, str) and value.startswith("'") and FORMULA_START.match(value[1:]):
        return value[1:]
    return value


def neutralised(dataset):
    copy = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        copy.append([neutralise(cell) for cell in row])
    return copy


class CSV(base_formats.CSV):
    label = "CSV"

    def is_binary(self):
        # Read the upload as bytes, so that the encoding can be recognised here.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            for encoding in CSV_ENCODINGS:
                try:
                    in_stream = in_stream.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValueError(_("The file is neither UTF-8 nor GB18030 text."))
        dataset = tablib.import_set(in_stream, format="csv", **kwargs)
        restored = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            restored.append([restore(cell) for cell in row])
        return restored

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + neutralised(dataset).export("csv", **kwargs)


class XLSX(base_formats.XLSX):
    label = "XLSX (Excel)"

    def export_data(self, dataset, **kwargs):
        book = Workbook()
        sheet = book.active
        sheet.title = (dataset.title or "Sheet1")[:31]
        for row in [dataset.headers or [], *dataset]:
            sheet.append([text_cell(sheet, value) for value in row])
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def text_cell(sheet, value):
    """A value for an XLSX row: text is a text cell whatever it starts with."""
    if not isinstance(value, str):
        return value
    cell = Cell(sheet)
    try:
        cell.value = value
    except IllegalCharacterError:
        cell.value = "".join(
            ch if ch.isprintable() or ch in "\t\n\r" else "\ufffd" for ch in value
        )
    cell.data_type = "s"
    return cell


FORMATS = [CSV, XLSX]
