"""Create the "Editors" group: they keep directory content, but cannot delete reference data,
manage users or change permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
CONTENT = [
    "enterprise",
    "recognition",
    "product",
    "exhibition",
    "exhibit",
    "policyinitiative",
    "policytarget",
    "indicator",
    "source",
]
REFERENCE = ["region", "industry"]


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("enterprises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}" for model in CONTENT for action in ("add", "change", "delete", "view")
    ]
    codenames += [
        f"{action}_{model}" for model in REFERENCE for action in ("add", "change", "view")
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="enterprises", codename__in=codenames
    )
    group.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
