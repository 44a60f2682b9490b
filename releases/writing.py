"""Writing a table of a release as CSV and Parquet, in constant memory: rows come from the
database in keyset batches (no server-side cursor, so PgBouncer in transaction mode is
fine) and each batch becomes one Parquet row group."""

import csv
import hashlib
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq

BATCH = 20_000

# Django's field types as a Table Schema type and an Arrow type (a function of the field).
INTEGER = ("integer", lambda field: pa.int64())
STRING = ("string", lambda field: pa.string())
TYPES = {
    "AutoField": INTEGER,
    "BigAutoField": INTEGER,
    "ForeignKey": INTEGER,
    "IntegerField": INTEGER,
    "PositiveIntegerField": INTEGER,
    "PositiveSmallIntegerField": INTEGER,
    "PositiveBigIntegerField": INTEGER,
    "SmallIntegerField": INTEGER,
    "BooleanField": ("boolean", lambda field: pa.bool_()),
    "DateField": ("date", lambda field: pa.date32()),
    "DateTimeField": ("datetime", lambda field: pa.timestamp("us", tz="UTC")),
    "DecimalField": (
        "number",
        lambda field: pa.decimal128(field.max_digits, field.decimal_places),
    ),
}


def table_type(column):
    return TYPES.get(column.field.get_internal_type(), STRING)[0]


def arrow_schema(table):
    return pa.schema(
        [
            (column.name, TYPES.get(column.field.get_internal_type(), STRING)[1](column.field))
            for column in table.columns
        ]
    )


@dataclass(frozen=True)
class WrittenFile:
    """A file of a release: its path inside the release, size and checksum."""

    path: str
    bytes: int
    sha256: str


def batches(queryset, names, size=BATCH):
    """The rows of `queryset` (tuples of `names`), a list per batch, by primary key."""
    rows = queryset.order_by("pk").values_list("pk", *names)
    last = None
    while True:
        page = rows.filter(pk__gt=last)[:size] if last is not None else rows[:size]
        page = list(page)
        if not page:
            return
        last = page[-1][0]
        yield [row[1:] for row in page]


def record_batch(schema, rows):
    """Rows as an Arrow batch of `schema`: the one conversion both files and the delta use."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.RecordBatch.from_arrays(
        [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


def csv_value(value):
    """A value as the CSV writes it: Table Schema's defaults (empty for null, true/false,
    ISO 8601 dates and times in UTC)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def write_table(table, directory, include_demo=False):
    """Write `table` as <name>.csv and <name>.parquet in `directory`; returns the row count."""
    schema = arrow_schema(table)
    names = [column.name for column in table.columns]
    count = 0
    with (
        open(directory / f"{table.name}.csv", "w", newline="", encoding="utf-8") as text,
        pq.ParquetWriter(directory / f"{table.name}.parquet", schema) as parquet,
    ):
        out = csv.writer(text, lineterminator="\n")
        out.writerow(names)
        for rows in batches(table.queryset(include_demo), names):
            parquet.write_batch(record_batch(schema, rows))
            out.writerows([csv_value(value) for value in row] for row in rows)
            count += len(rows)
        if not count:
            parquet.write_batch(record_batch(schema, []))
    return count


def described(directory, path):
    """A written file's size and sha256, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(directory / path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
            size += len(block)
    return WrittenFile(path, size, digest.hexdigest())
