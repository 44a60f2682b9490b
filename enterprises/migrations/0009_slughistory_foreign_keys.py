"""Old addresses point at their entry through a foreign key per kind, instead of a generic
relation, so that they can be exported and restored by natural key."""

import django.db.models.deletion
from django.db import migrations, models

KINDS = {
    "enterprise": "enterprise",
    "product": "product",
    "exhibition": "exhibition",
    "policyinitiative": "policy",
}


def to_foreign_keys(apps, schema_editor):
    SlugHistory = apps.get_model("enterprises", "SlugHistory")
    for row in SlugHistory.objects.select_related("content_type"):
        kind = KINDS.get(row.content_type.model)
        if kind is None:
            row.delete()
            continue
        row.kind = kind
        setattr(row, f"{kind}_id", row.object_id)
        row.save()


def fk(model):
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="slug_history",
        to=f"enterprises.{model}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("enterprises", "0008_search_prefix_indexes"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="slughistory", name="slughistory_unique_slug_per_kind"
        ),
        migrations.RemoveIndex(model_name="slughistory", name="enterprises_content_8bc5f0_idx"),
        migrations.AddField(
            model_name="slughistory",
            name="kind",
            field=models.CharField(
                default="enterprise", max_length=12, verbose_name="kind of entry"
            ),
            preserve_default=False,
        ),
        migrations.AddField(model_name="slughistory", name="enterprise", field=fk("enterprise")),
        migrations.AddField(model_name="slughistory", name="product", field=fk("product")),
        migrations.AddField(model_name="slughistory", name="exhibition", field=fk("exhibition")),
        migrations.AddField(model_name="slughistory", name="policy", field=fk("policyinitiative")),
        migrations.RunPython(to_foreign_keys, migrations.RunPython.noop),
        migrations.RemoveField(model_name="slughistory", name="content_type"),
        migrations.RemoveField(model_name="slughistory", name="object_id"),
        migrations.AddConstraint(
            model_name="slughistory",
            constraint=models.UniqueConstraint(
                fields=("kind", "slug"), name="slughistory_unique_slug_per_kind"
            ),
        ),
    ]
