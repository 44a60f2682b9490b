"""The content version that cached pages are keyed by (see enterprises.caching)."""

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("enterprises", "ContentVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0011_publishers_group")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=1)),
            ],
            options={"verbose_name": "content version", "default_permissions": ()},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
