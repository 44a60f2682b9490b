import hashlib
import json
import re
from unittest import mock
from xml.etree import ElementTree

import frictionless
import pytest
from django.core.management import CommandError

from enterprises.models import Enterprise, Product, Region, Status
from releases.delta import Delta
from releases.models import Release
from releases.tables import TABLES
from tests import releasing
from tests.factories import EnterpriseFactory, ProductFactory, RecognitionFactory
from tests.releasing import csv_rows, parquet_rows, publish

pytestmark = pytest.mark.django_db
release_storage = releasing.release_storage


def valid(root, release):
    report = frictionless.validate(str(root / release.name / "datapackage.json"))
    errors = [(task.name, e.message) for task in report.tasks for e in task.errors]
    return report.valid, errors


def every_value(root, release):
    return "\n".join(
        path.read_text(encoding="utf-8") for path in (root / release.name).rglob("*.csv")
    )


def test_release_is_a_valid_data_package(curated, release_storage):
    release = publish()
    assert valid(release_storage, release) == (True, [])
    package = json.loads((release_storage / release.name / "datapackage.json").read_text())
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    enterprises = next(r for r in package["resources"] if r["name"] == "enterprises")
    assert enterprises["schema"]["primaryKey"] == ["id"]
    assert {"fields": ["region_id"], "reference": {"resource": "regions", "fields": ["id"]}} in (
        enterprises["schema"]["foreignKeys"]
    )
    assert release.row_counts["enterprises"] == Enterprise.objects.published().count()
    for described in release.files:
        data = (release_storage / release.name / described["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (
            described["bytes"],
            described["sha256"],
        )


def test_tampered_file_fails_validation(curated, release_storage):
    release = publish()
    path = release_storage / release.name / "enterprises.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("a", "b", 1), encoding="utf-8")
    assert valid(release_storage, release)[0] is False


def test_csv_and_parquet_hold_the_same_rows_in_both_languages(curated, release_storage):
    release = publish()
    rows = csv_rows(release_storage / release.name / "enterprises.csv")
    from_parquet = parquet_rows(release_storage, release, "enterprises")
    assert len(rows) == len(from_parquet) == release.row_counts["enterprises"]
    for row in rows:
        stored = from_parquet[(int(row["id"]),)]
        assert (row["name_zh_hans"], row["name_en"]) == (
            stored["name_zh_hans"],
            stored["name_en"],
        )
    assert "name" not in rows[0] and "status" not in rows[0]


def test_drafts_are_absent_from_release_and_delta(curated, release_storage):
    draft = EnterpriseFactory(slug="hidden-draft-firm", status=Status.DRAFT)
    ProductFactory(enterprise=draft, slug="hidden-draft-product")
    RecognitionFactory(enterprise=draft, notice_number="HIDDEN-NOTICE-1")
    first = publish()
    draft.name_en = "Hidden Draft Renamed"
    draft.save()
    second = publish()
    for release in (first, second):
        text = every_value(release_storage, release)
        assert "hidden-draft" not in text and "HIDDEN-NOTICE" not in text
        assert str(draft.pk) not in {
            row["enterprise_id"]
            for row in csv_rows(release_storage / release.name / "products.csv")
        }
    assert second.delta_counts["enterprises"] == {"created": 0, "updated": 0, "deleted": 0}


def test_demo_rows_only_when_asked(curated, release_storage):
    EnterpriseFactory(slug="demo-1-generated-firm")
    assert "demo-1-generated-firm" not in every_value(release_storage, publish())
    with_demo = publish("--include-demo")
    assert with_demo.include_demo
    assert "demo-1-generated-firm" in every_value(release_storage, with_demo)


def change_the_directory(curated):
    """Edits of every kind: update, archive, publish a draft, create, delete."""
    first, second, third = Enterprise.objects.published().order_by("pk")[:3]
    first.name_en = "Renamed Enterprise"
    first.save()
    second.status = Status.ARCHIVED
    second.save()
    Product.objects.filter(enterprise=third).first().delete()
    created = EnterpriseFactory(slug="brand-new-firm")
    RecognitionFactory(enterprise=created)
    created.sources.add(curated_source())
    region = Region.objects.order_by("pk").first()
    region.name_en = "Renamed Region"
    region.save()


def curated_source():
    from enterprises.models import Source

    return Source.objects.exclude(slug__startswith="demo-").order_by("pk").first()


def applied(rows, table, delta_rows):
    rows = dict(rows)
    key = table.key
    for row in delta_rows:
        change = row.pop("change")
        identity = tuple(int(row[k]) for k in key)
        if change == "deleted":
            del rows[identity]
        else:
            rows[identity] = row
    return rows


def as_text(rows):
    from releases.writing import csv_value

    return {
        key: {name: "" if value is None else csv_value(value) for name, value in row.items()}
        for key, row in rows.items()
    }


def test_delta_applied_to_the_previous_release_gives_the_new_one(curated, release_storage):
    first = publish()
    change_the_directory(curated)
    second = publish()
    report = valid(release_storage, second)
    assert report == (True, []), report[1]
    assert second.previous == first
    assert second.delta_counts["enterprises"] == {"created": 1, "updated": 1, "deleted": 1}
    assert second.delta_counts["products"]["deleted"] >= 1
    for table in TABLES:
        delta = csv_rows(release_storage / second.name / "delta" / f"{table.name}.csv")
        old = as_text(parquet_rows(release_storage, first, table.name))
        new = as_text(parquet_rows(release_storage, second, table.name))
        assert applied(old, table, delta) == new, table.name


def test_delta_counts_only_what_changed():
    delta = Delta(created=[1], updated=[2, 3])
    assert delta.counts == {"created": 1, "updated": 2, "deleted": 0}


def test_a_failed_release_leaves_no_files_and_no_record(curated, release_storage):
    real = __import__("releases.publishing", fromlist=["write_table"]).write_table
    calls = []

    def failing(table, directory, include_demo=False):
        calls.append(table.name)
        if len(calls) == 5:
            raise OSError("disk full")
        return real(table, directory, include_demo)

    with mock.patch("releases.publishing.write_table", failing), pytest.raises(OSError):
        publish()
    assert not Release.objects.exists()
    assert list(release_storage.iterdir()) == []


def test_a_second_release_in_the_same_second_is_refused(curated, release_storage):
    with mock.patch("releases.publishing.release_name", lambda moment: "same"):
        publish()
        with pytest.raises(CommandError, match="exists"):
            publish()
    assert Release.objects.count() == 1


def test_a_release_is_immutable(curated, release_storage):
    release = publish()
    release.row_counts = {}
    with pytest.raises(ValueError):
        release.save()


def test_data_page_lists_releases_with_checksums_and_dataset_markup(
    client, curated, release_storage
):
    release = publish()
    response = client.get("/en/data/")
    html = response.content.decode()
    assert response.status_code == 200
    enterprises = release.file("enterprises.csv")
    assert enterprises["sha256"] in html
    assert release.download_url("enterprises.csv") in html
    assert 'href="/en/data/feed/"' in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    dataset = json.loads(blocks[0])
    assert dataset["@type"] == "Dataset"
    assert dataset["version"] == release.name
    assert {d["name"] for d in dataset["distribution"]} >= {"enterprises.parquet"}
    assert client.get("/data/").status_code == 200


def test_dataset_markup_cannot_close_its_script(client, curated, release_storage, settings):
    settings.RELEASE_LICENSE = {**settings.RELEASE_LICENSE, "path": "</script><b>x"}
    publish()
    html = client.get("/en/data/").content.decode()
    assert "</script><b>" not in html and "\\u003C/script\\u003E" in html


def test_release_files_download_and_nothing_else(client, curated, release_storage):
    release = publish()
    response = client.get(release.download_url("enterprises.parquet"))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert hashlib.sha256(body).hexdigest() == release.file("enterprises.parquet")["sha256"]
    assert "immutable" in response["Cache-Control"]
    for path in ["missing.csv", "../secret_key", "%2e%2e/x", "a" * 3000]:
        assert client.get(f"/en/data/{release.name}/{path}").status_code == 404
    assert client.get("/en/data/no-such-release/enterprises.csv").status_code == 404
    assert client.get("/en/data/?page=999").status_code == 404
    assert client.get("/en/data/?page=x%00").status_code in (400, 404)


def test_feed_of_releases_is_atom_in_both_languages(client, curated, release_storage):
    release = publish()
    atom = "{http://www.w3.org/2005/Atom}"
    for url in ["/data/feed/", "/en/data/feed/"]:
        response = client.get(url)
        assert response.status_code == 200
        root = ElementTree.fromstring(response.content)
        assert root.tag == f"{atom}feed"
        entries = root.findall(f"{atom}entry")
        assert len(entries) == 1 and release.name in entries[0].find(f"{atom}title").text
