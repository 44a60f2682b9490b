"""What the tests of releases and the change feed share: publishing into a temporary
storage, and reading a release's tables back."""

import csv
import io

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from api.changes import json_value
from releases.models import Release
from releases.tables import TABLES_BY_NAME


@pytest.fixture
def release_storage(tmp_path, settings, monkeypatch):
    """Releases written under tmp_path, named to the microsecond (tests publish several a
    second)."""
    root = tmp_path / "releases"
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    monkeypatch.setattr(
        "releases.publishing.release_name", lambda moment: moment.strftime("%Y%m%dT%H%M%S%fZ")
    )
    return root


def publish(*args):
    call_command("publish_release", *args, stdout=io.StringIO())
    return Release.objects.latest_first().first()


def parquet_rows(root, release, table):
    """A table of a release, from its Parquet file, keyed by primary key, values as the
    change feed writes them."""
    key = TABLES_BY_NAME[table].key
    rows = pq.read_table(root / release.name / f"{table}.parquet").to_pylist()
    return {tuple(row[k] for k in key): {n: json_value(v) for n, v in row.items()} for row in rows}


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))
