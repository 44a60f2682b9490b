"""Writing a table of a release as CSV and Parquet, in constant memory: rows come from the
database in keyset batches (no server-side cursor, so PgBouncer in transaction mode is
fine) and each batch becomes one Parquet row group."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from django.db import connections, models

BATCH = 20_000
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
CSV = pa_csv.WriteOptions(quoting_style="needed")

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
    """The rows of `queryset` (tuples of `names`, as the database driver gives them: the
    conversion happens in Arrow), a list per batch, by primary key."""
    # A plain QuerySet on the same query: modeltranslation's reorders values_list columns.
    plain = models.QuerySet(queryset.model, query=queryset.query.chain(), using=queryset.db)
    rows = plain.order_by("pk").values_list("pk", *names)
    last = None
    while True:
        page = rows.filter(pk__gt=last)[:size] if last is not None else rows[:size]
        sql, params = page.query.get_compiler(page.db).as_sql()
        with connections[page.db].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if not found:
            return
        last = found[-1][0]
        yield [row[1:] for row in found]


def record_batch(schema, rows):
    """Rows as an Arrow batch of `schema`: the one conversion both files and the delta use.
    Each column is read as the driver gave it (SQLite's text dates, 0/1 booleans) and cast;
    times without a zone are UTC, as Django stores them."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.RecordBatch.from_arrays(
        [as_type(values, f.type) for values, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


def as_type(values, kind):
    if pa.types.is_string(kind):
        # A JSON column (a list of choices): PostgreSQL's driver decodes it, SQLite's gives
        # the text; the files hold the text either way.
        values = [json.dumps(v) if isinstance(v, list | dict) else v for v in values]
    if pa.types.is_decimal(kind):
        # SQLite gives decimals as floats: rounded to the column's places, as Django does.
        step = Decimal(1).scaleb(-kind.scale)
        values = [None if v is None else Decimal(str(v)).quantize(step) for v in values]
    array = pa.array(values)
    if pa.types.is_timestamp(kind) and not pa.types.is_timestamp(array.type):
        array = array.cast(pa.timestamp("us"))
    return array.cast(kind)


def csv_value(value):
    """A value as the CSV writes it: Table Schema's defaults (empty for null, true/false,
    ISO 8601 dates and times in UTC)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT.replace("%S", "%S.%f"))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def as_text_times(batch):
    """The batch with its times as the CSV writes them (Arrow prints seconds with their
    fraction under %S)."""
    return pa.RecordBatch.from_arrays(
        [
            pc.strftime(column, TIME_FORMAT) if pa.types.is_timestamp(column.type) else column
            for column in batch.columns
        ],
        names=batch.schema.names,
    )


def write_table(table, directory, include_demo=False):
    """Write `table` as <name>.csv and <name>.parquet in `directory`; returns the row count."""
    schema = arrow_schema(table)
    text_schema = as_text_times(record_batch(schema, [])).schema
    names = [column.name for column in table.columns]
    count = 0
    with (
        pa_csv.CSVWriter(directory / f"{table.name}.csv", text_schema, write_options=CSV) as text,
        pq.ParquetWriter(directory / f"{table.name}.parquet", schema) as parquet,
    ):
        for rows in batches(table.queryset(include_demo), names):
            batch = record_batch(schema, rows)
            parquet.write_batch(batch)
            text.write_batch(as_text_times(batch))
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
