"""export_directory writes a backup that load_directory restores exactly."""

import io
import json
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from enterprises.backup import BACKUP_PLAN, write_backup
from enterprises.demo import Generator
from enterprises.loading import load_directory
from enterprises.models import (
    Enterprise,
    EnterpriseFormerSlug,
    Product,
    ProductFormerSlug,
    Recognition,
    Status,
    Tier,
)

from .factories import (
    EnterpriseFactory,
    ExhibitFactory,
    IndicatorFactory,
    PolicyTargetFactory,
    ProductFactory,
    RecognitionFactory,
    SourceFactory,
)


def backup_text(**options):
    stream = io.StringIO()
    write_backup(stream, **options)
    return stream.getvalue()


def empty_the_directory():
    for model, _ordering, _demo in reversed(BACKUP_PLAN):
        model._default_manager.all().delete()


@pytest.fixture
def varied(curated):
    """The curated data plus what curated files never hold: drafts, archived entries, edits
    (versions above 1), renamed entries, recognitions without a year, several sources."""
    extra_source = SourceFactory(slug="a-second-source")
    draft = EnterpriseFactory(
        slug="zz-draft", status=Status.DRAFT, sources=[extra_source], name_en=""
    )
    archived = EnterpriseFactory(slug="aa-archived", status=Status.ARCHIVED)
    RecognitionFactory(enterprise=draft, tier=Tier.LITTLE_GIANT, level="national", year=None)
    RecognitionFactory(enterprise=draft, year=2021)
    product = ProductFactory(enterprise=archived, description_en="<p>Made <b>well</b>.</p>")
    ExhibitFactory(product=product, booth="A-12")
    PolicyTargetFactory(
        latest_value=420, latest_value_on="2023-03-31", latest_value_source=extra_source
    )
    IndicatorFactory(status=Status.REVIEW)
    archived.slug = "aa-renamed"
    archived.save()
    return draft, archived


def test_the_round_trip_is_byte_identical(varied):
    first = backup_text()
    empty_the_directory()
    assert Enterprise.objects.count() == 0

    restore(io.StringIO(first))
    assert backup_text() == first


def restore(stream):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "backup.json"
        path.write_text(stream.getvalue(), encoding="utf-8")
        return load_directory([path])


def test_restore_keeps_status_versions_times_and_derived_data(varied):
    draft, archived = varied
    before = {
        e.slug: (e.status, e.version, e.created_at, e.updated_at, e.tier)
        for e in Enterprise.objects.all()
    }
    text = backup_text()
    empty_the_directory()
    restore(io.StringIO(text))
    after = {
        e.slug: (e.status, e.version, e.created_at, e.updated_at, e.tier)
        for e in Enterprise.objects.all()
    }
    assert after == before
    restored = Enterprise.objects.get(slug=archived.slug)
    assert restored.version > 1 and restored.status == Status.ARCHIVED
    assert Enterprise.objects.get(slug=draft.slug).tier == Tier.LITTLE_GIANT
    assert Recognition.objects.filter(enterprise__slug=draft.slug, year__isnull=True).exists()
    # The old address of the renamed entry still redirects after a restore.
    assert restored.slug_history.filter(slug="aa-archived").exists()
    assert set(Enterprise.objects.get(slug=draft.slug).sources.values_list("slug", flat=True)) == {
        "a-second-source"
    }


def test_both_languages_natural_keys_and_no_derived_columns(varied):
    records = json.loads(backup_text())
    enterprise = next(r for r in records if r["model"] == "enterprises.enterprise")
    fields = enterprise["fields"]
    assert "pk" not in enterprise
    assert {"name_zh_hans", "name_en", "created_at", "updated_at", "version", "status"} <= set(
        fields
    )
    assert "name" not in fields and "tier" not in fields
    assert not any(name.startswith("search_") for name in fields)
    recognition = next(r for r in records if r["model"] == "enterprises.recognition")
    assert isinstance(recognition["fields"]["enterprise"], list)
    assert recognition["fields"]["tier"]


def test_records_come_in_dependency_then_key_order(varied):
    records = json.loads(backup_text())
    order = [model._meta.label_lower for model, _o, _d in BACKUP_PLAN]
    positions = [order.index(record["model"]) for record in records]
    assert positions == sorted(positions)
    slugs = [r["fields"]["slug"] for r in records if r["model"] == "enterprises.enterprise"]
    assert slugs == sorted(slugs) and slugs[0] == "aa-renamed"


def test_demo_rows_are_left_out_unless_asked_for(curated):
    Generator(5, seed=3, background=False).run()
    plain = backup_text()
    assert '"demo-' not in plain
    with_demo = json.loads(backup_text(include_demo=True))
    demo_enterprises = [
        r
        for r in with_demo
        if r["model"] == "enterprises.enterprise" and r["fields"]["slug"].startswith("demo-")
    ]
    assert len(demo_enterprises) == 5
    assert Product.objects.filter(slug__startswith="demo-").exists()


def test_the_command_writes_a_file_that_load_directory_restores(varied, tmp_path, capsys):
    target = tmp_path / "backup.json"
    call_command("export_directory", "--output", str(target))
    assert "Exported" in capsys.readouterr().err
    text = target.read_text(encoding="utf-8")
    empty_the_directory()
    call_command("load_directory", str(target))
    second = tmp_path / "again.json"
    call_command("export_directory", "-o", str(second))
    assert second.read_bytes() == text.encode("utf-8")
    # No temporary files left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.json", "backup.json"]


def test_exporting_into_a_missing_folder_says_so(curated, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_directory", "-o", str(tmp_path / "nowhere" / "backup.json"))


def test_a_failed_export_leaves_the_previous_backup_alone(curated, tmp_path, monkeypatch):
    target = tmp_path / "backup.json"
    target.write_text("previous backup", encoding="utf-8")

    def broken(*args, **kwargs):
        yield {"model": "enterprises.source", "fields": {}}
        raise RuntimeError("disk full")

    monkeypatch.setattr("enterprises.backup.backup_records", broken)
    with pytest.raises(RuntimeError):
        call_command("export_directory", "-o", str(target))
    assert target.read_text(encoding="utf-8") == "previous backup"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]


def test_a_backup_from_before_the_slug_tables_per_kind_restores_its_old_slugs(varied):
    """Backups written when every old slug sat in one SlugHistory table (with a kind and a
    key per kind) still restore, each old slug to the table of its kind."""
    _draft, archived = varied
    product = archived.products.get()
    product.slug = "renamed-product"
    product.save()
    records = json.loads(backup_text())
    for record in records:
        if record["model"] in (
            "enterprises.enterpriseformerslug",
            "enterprises.productformerslug",
        ):
            kind = record["model"].removeprefix("enterprises.").removesuffix("formerslug")
            fields = dict.fromkeys(["enterprise", "product", "exhibition", "policy"])
            fields.update(kind=kind, slug=record["fields"]["slug"], created_at="2024-05-01T00:00Z")
            fields[kind] = record["fields"]["entry"]
            record.update(model="enterprises.slughistory", fields=fields)
    assert sum(record["model"] == "enterprises.slughistory" for record in records) == 2
    empty_the_directory()
    restore(io.StringIO(json.dumps(records)))
    assert EnterpriseFormerSlug.objects.get(slug="aa-archived").entry.slug == "aa-renamed"
    former = ProductFormerSlug.objects.get()
    assert former.entry.slug == "renamed-product" and former.created_at.year == 2024


def test_an_old_slug_of_an_unknown_kind_is_refused_by_name(curated, tmp_path):
    path = tmp_path / "old.json"
    record = {"model": "enterprises.slughistory", "fields": {"kind": "ship", "slug": "x"}}
    path.write_text(json.dumps([record]), encoding="utf-8")
    with pytest.raises(Exception, match="unknown model “enterprises.slughistory”"):
        load_directory([path])
