"""The delta of a release against the previous one: the rows created, updated and deleted.

Which rows may differ comes from the history (django-simple-history): the rows whose own
history, or whose entry's history, has a record since the previous release's timepoint.
Only those are read, from the previous release's Parquet file and from the database, and
compared, so a delta costs what changed, not the size of the directory."""

import csv
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .writing import arrow_schema, batches, csv_value, record_batch

CHUNK = 500  # ids per IN (...): well under SQLite's parameter limit


@dataclass
class Delta:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    deleted: list = field(default_factory=list)

    @property
    def counts(self):
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "deleted": len(self.deleted),
        }


def changed_since(model, timepoint):
    """The ids of `model`'s rows with a history record after `timepoint`."""
    history = model.history.model
    return set(
        history.objects.filter(history_date__gt=timepoint).values_list("id", flat=True).distinct()
    )


def chunks(values):
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def owners_to_compare(table, timepoint):
    """The owner values (see Table.owner) of the rows that may differ, or None for all."""
    owners = set()
    for path, model in table.depends:
        changed = changed_since(model, timepoint)
        if path == "*":
            return None
        if path == table.owner:
            owners |= changed
            continue
        for ids in chunks(changed):
            rows = table.model.objects.filter(**{f"{path}__in": ids})
            owners.update(rows.values_list(table.owner, flat=True))
    return owners


def keyed(table, rows):
    index = [table.columns.index(c) for c in table.columns if c.name in table.key]
    return {tuple(row[i] for i in index): row for row in rows}


def current_rows(table, owners, include_demo):
    schema, names = arrow_schema(table), [c.name for c in table.columns]
    queryset = table.queryset(include_demo)
    groups = (
        [queryset]
        if owners is None
        else (queryset.filter(**{f"{table.owner}__in": ids}) for ids in chunks(owners))
    )
    for rows in groups:
        for batch in batches(rows, names):
            yield from record_batch(schema, batch).to_pylist()


def previous_rows(table, parquet_file, owners):
    """The previous release's rows of these owners (None: all), one row group at a time:
    where only some owners changed, a row group's owner column is read first, and the rest
    of its columns only when it holds one of them (most of a big table is never decoded)."""
    file = pq.ParquetFile(parquet_file)
    wanted = None if owners is None else pa.array(sorted(owners), type=pa.int64())
    for group in range(file.num_row_groups):
        if wanted is not None:
            keys = file.read_row_group(group, columns=[table.owner])[table.owner]
            mask = pc.is_in(keys, value_set=wanted)
            if not pc.any(mask).as_py():
                continue
            yield from file.read_row_group(group).filter(mask).to_pylist()
        else:
            yield from file.read_row_group(group).to_pylist()


def compare(table, parquet_file, timepoint, include_demo):
    """The delta of `table` between the previous release (its Parquet file, taken at
    `timepoint`) and the database now."""
    owners = owners_to_compare(table, timepoint)
    names = [c.name for c in table.columns]
    as_tuple = lambda row: tuple(row[name] for name in names)  # noqa: E731
    old = keyed(table, map(as_tuple, previous_rows(table, parquet_file, owners)))
    new = keyed(table, map(as_tuple, current_rows(table, owners, include_demo)))
    delta = Delta()
    for key, row in new.items():
        if key not in old:
            delta.created.append(row)
        elif old[key] != row:
            delta.updated.append(row)
    delta.deleted = [key for key in old if key not in new]
    # What Arrow decoded stays in its allocator's pool unless handed back: one table's
    # decoding should not add to the next one's.
    pa.default_memory_pool().release_unused()
    return delta


def write_delta(table, delta, path):
    """The delta as CSV: the kind of change, then the row (a deleted row: its key only)."""
    names = [c.name for c in table.columns]
    with open(path, "w", newline="", encoding="utf-8") as text:
        out = csv.writer(text, lineterminator="\n")
        out.writerow(["change", *names])
        for change, rows in (("created", delta.created), ("updated", delta.updated)):
            out.writerows([change, *map(csv_value, row)] for row in rows)
        for key in delta.deleted:
            values = dict(zip(table.key, key, strict=True))
            out.writerow(["deleted", *(csv_value(values.get(name)) for name in names)])
