"""Reading a list's rows in keyset batches and writing them as CSV, XLSX or JSON Lines.

Rows are read BATCH_SIZE at a time in the list's own order (made total by the primary key):
each batch is a plain query for the rows after the last one read (`WHERE key > last`), so
no server-side cursor is held between batches (it would not survive a PgBouncer in
transaction mode) and no batch costs more than an index read, however deep it lies. Each
batch loads its sources in one more query. Memory is bounded by one batch.
"""

import csv
import datetime
import io
import json
import tempfile
from collections import namedtuple

from django.db.models import Q
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..formats import neutralise, text_cell
from ..keyset import after_row, after_row_sql, keys_of

BATCH_SIZE = 2_000
# How much of a written XLSX file is sent at a time.
FILE_CHUNK = 64 * 1024
# The rows of one worksheet (Excel's limit), its header included.
XLSX_ROWS = 1_048_576


def row_type(keys, columns):
    """The values a download reads of each row (its ordering keys, what its columns need),
    and the light row type they are read into: a named tuple, with the row's sources last.
    Plain values cost a fraction of model instances, whose construction would be most of
    the download's time."""
    names = list(
        dict.fromkeys([*(key.name for key in keys), *(n for c in columns for n in c.needs)])
    )
    return names, namedtuple("Row", [*names, "download_sources"], rename=False)


def batches(queryset, columns, size=None):
    """The rows of `queryset`, in its order, as lists of at most `size` rows."""
    size = size or BATCH_SIZE
    keys = keys_of(queryset)
    names, row = row_type(keys, columns)
    ordered = queryset.order_by(*(key.order_by() for key in keys))
    by_sql = any(key.extra is not None for key in keys)
    values = None
    while True:
        rows = ordered
        if values is not None:
            if by_sql:
                sql, params = after_row_sql(queryset, keys, values)
                rows = rows.extra(where=[sql], params=params)
            else:
                rows = rows.filter(after_row(keys, values), leading_bound(keys[0], values[0]))
        found = list(rows.values_list(*names)[:size])
        if not found:
            return
        batch = with_sources(queryset.model, names, row, found)
        yield batch
        if len(found) < size:
            return
        values = [getattr(batch[-1], key.name) for key in keys]


def with_sources(model, names, row, found):
    """The rows of a batch, each with (key, title in the reader's language, web address) of
    each of its sources, in the sources' own order. One query of plain values for the
    batch."""
    through = model.sources.through
    own = f"{model._meta.model_name}_id"
    first, other = ("title_en", "title_zh_hans")
    if get_language() != "en":
        first, other = other, first
    pk = names.index(model._meta.pk.name)
    sources = {values[pk]: [] for values in found}
    links = (
        through.objects.filter(**{f"{own}__in": list(sources)})
        .order_by("-source__published_on", "source__slug")
        .values_list(own, "source__slug", f"source__{first}", f"source__{other}", "source__url")
    )
    for key, slug, title, other_title, url in links:
        sources[key].append((slug, title or other_title, url))
    return [row(*values, sources[values[pk]]) for values in found]


def leading_bound(key, value):
    """The range of the first ordering term that the rows after `value` lie in: implied by
    after_row(), but written as a bound of its own it lets the database start reading the
    index at the last row, where the OR of after_row() alone has SQLite read the index
    from its start (each batch would cost more than the one before)."""
    if value is None:
        return Q(**{f"{key.name}__isnull": True}) if key.nulls_after else Q()
    bound = Q(**{f"{key.name}__{'lte' if key.descending else 'gte'}": value})
    if key.nullable and key.nulls_after:
        bound |= Q(**{f"{key.name}__isnull": True})
    return bound


def whole(queryset, columns, limit):
    """The first `limit` rows of `queryset` as one batch, read when first asked for."""
    names, row = row_type(keys_of(queryset), columns)
    found = list(queryset.values_list(*names)[:limit])
    if found:
        yield with_sources(queryset.model, names, row, found)


def cells(columns, rows):
    """Each row as its list of values."""
    for row in rows:
        yield [column.read(row) for column in columns]


def headers(columns, machine):
    return [column.name if machine else str(column.label) for column in columns]


def csv_chunks(columns, row_batches, machine):
    """UTF-8 CSV with a byte-order mark (so that Excel opens Chinese text as such), one
    chunk per batch; a cell a spreadsheet would run as a formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(columns, machine))
    yield ("\ufeff" + buffer.getvalue()).encode()
    for batch in row_batches:
        buffer.seek(0)
        buffer.truncate()
        for values in cells(columns, batch):
            writer.writerow([csv_cell(value) for value in values])
        yield buffer.getvalue().encode()


# The first characters of a text that neutralise() may change (FORMULA_START's).
FORMULA_FIRST = frozenset("'=+-@\t\r＝＋－＠")


def csv_cell(value):
    """neutralise(csv_value(value)), in the fewest steps for the common cases (a text that
    starts with none of FORMULA_FIRST, a number): it runs for every cell."""
    if type(value) is str:
        return neutralise(value) if value[:1] in FORMULA_FIRST else value
    return neutralise(csv_value(value))


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def jsonl_chunks(columns, row_batches, machine):
    """One JSON object a line, keyed by the machine names (whatever `machine` says: JSON
    keys are for programs), one chunk per batch."""
    names = [column.name for column in columns]
    for batch in row_batches:
        lines = []
        for values in cells(columns, batch):
            record = dict(zip(names, map(json_value, values), strict=True))
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        yield "".join(lines).encode()


def xlsx_chunks(columns, row_batches, machine, title):
    """An XLSX workbook: written row by row by openpyxl's write-only mode (which keeps the
    rows in a temporary file, not in memory), then sent from a temporary file on disk. Every
    text cell is a text cell, never a formula. Rows past a sheet's limit continue on another
    sheet."""
    book = Workbook(write_only=True)
    sheet, used = None, XLSX_ROWS
    for batch in row_batches:
        for values in cells(columns, batch):
            if used == XLSX_ROWS:
                sheet = book.create_sheet(title=f"{title[:24]} {len(book.worksheets) + 1}")
                sheet.freeze_panes = "A2"
                sheet.append(headers(columns, machine))
                used = 1
            sheet.append([xlsx_value(sheet, value) for value in values])
            used += 1
    if sheet is None:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(headers(columns, machine))
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(FILE_CHUNK):
            yield chunk


def xlsx_value(sheet, value):
    """A value as openpyxl's write-only sheet takes it: text that it would store as a
    formula, or that holds characters a workbook cannot, as a text cell (formats.text_cell);
    anything else as it is (the common case, and much cheaper)."""
    if isinstance(value, str) and (value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value)):
        cell = text_cell(sheet, value)
        # A place, as openpyxl's write-only sheet names the cell while taking it (it then
        # moves it where it belongs).
        cell.row = cell.column = 1
        return cell
    return value
