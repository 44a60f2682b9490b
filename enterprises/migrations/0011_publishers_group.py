"""The "Publishers" group: everything editors may do, plus publishing and archiving.
Enterprises are archived, never deleted: editors lose the permission to delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHABLE = ["enterprise", "product", "exhibition", "policyinitiative", "indicator"]


def create_publishers(apps, schema_editor):
    app_config = apps.get_app_config("enterprises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="enterprises", codename="delete_enterprise"
        )
    )
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.set(editors.permissions.all())
    publishers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="enterprises",
            codename__in=[f"publish_{model}" for model in PUBLISHABLE],
        )
    )


def remove_publishers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Publishers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0010_workflow_history_uploads"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_publishers, remove_publishers)]
