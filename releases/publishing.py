"""publish_release's work: every table, its delta and the descriptor, written into a
temporary directory, moved into the releases storage whole, and recorded last, so a
failed run leaves neither files nor a Release."""

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from enterprises.caching import content_changed

from .delta import compare, write_delta
from .models import Release
from .package import descriptor, resource, table_schema
from .tables import TABLES
from .writing import described, write_table

STORAGE = "releases"
DESCRIPTOR = "datapackage.json"
PARQUET = "application/vnd.apache.parquet"


def release_name(moment):
    return moment.strftime("%Y-%m-%dT%H%M%SZ")


def write_release(directory, name, timepoint, previous, include_demo):
    """Write every file into `directory`; returns the resources, row and delta counts."""
    resources, rows, changes = [], {}, {}
    for table in TABLES:
        rows[table.name] = write_table(table, directory, include_demo)
        csv_file = described(directory, f"{table.name}.csv")
        resources.append(resource(table.name, csv_file, table_schema(table)))
        parquet = described(directory, f"{table.name}.parquet")
        resources.append(
            resource(f"{table.name}-parquet", parquet, media="application/vnd.apache.parquet")
        )
        if previous is not None:
            delta = delta_of(table, previous, directory, include_demo)
            changes[table.name] = delta.counts
            written = described(directory, f"delta/{table.name}.csv")
            resources.append(resource(f"{table.name}-delta", written, table_schema(table, True)))
    package = descriptor(name, timepoint, resources)
    (directory / DESCRIPTOR).write_text(json.dumps(package, ensure_ascii=False, indent=2))
    return resources, rows, changes


def delta_of(table, previous, directory, include_demo):
    (directory / "delta").mkdir(exist_ok=True)
    with storages[STORAGE].open(f"{previous.name}/{table.name}.parquet", "rb") as parquet:
        delta = compare(table, parquet, previous.timepoint, include_demo)
    write_delta(table, delta, directory / "delta" / f"{table.name}.csv")
    return delta


def publish(include_demo=False):
    """Write and record a new release; returns it."""
    timepoint = timezone.now()
    name = release_name(timepoint)
    if Release.objects.filter(name=name).exists():
        raise ValueError(f"A release named {name} exists; try again in a second.")
    previous = Release.objects.filter(include_demo=include_demo).latest_first().first()
    storage = storages[STORAGE]
    with working_directory(storage) as directory:
        resources, rows, changes = write_release(
            directory, name, timepoint, previous, include_demo
        )
        paths = [DESCRIPTOR, *(r["path"] for r in resources)]
        with transaction.atomic():
            release = Release.objects.create(
                name=name,
                created_at=timezone.now(),
                timepoint=timepoint,
                previous=previous,
                include_demo=include_demo,
                files=[vars(described(directory, path)) for path in paths],
                row_counts=rows,
                delta_counts=changes,
            )
            store(storage, directory, name)
            content_changed()  # the /data/ page lists it
    return release


def local_root(storage):
    """The storage's directory on this machine, or None for a remote storage."""
    try:
        return Path(storage.path(""))
    except NotImplementedError:
        return None


@contextmanager
def working_directory(storage):
    """A temporary directory, inside a local storage's own (so moving it in is a rename),
    removed afterwards unless it was moved."""
    root = local_root(storage)
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        prefix=".incoming-", dir=root, ignore_cleanup_errors=True
    ) as work:
        yield Path(work)


def store(storage, directory, name):
    """Move the written directory into the storage: one rename for a local storage (all or
    nothing), else file by file (removed again on failure)."""
    root = local_root(storage)
    if root is not None:
        os.rename(directory, root / name)
        return
    saved = []
    try:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            with open(path, "rb") as file:
                saved.append(storage.save(f"{name}/{path.relative_to(directory)}", File(file)))
    except Exception:
        for stored in saved:
            storage.delete(stored)
        raise
