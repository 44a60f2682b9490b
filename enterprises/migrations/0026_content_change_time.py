from django.db import migrations, models
from django.utils import timezone


def changed_now(apps, schema_editor):
    # When the existing content last changed is not known: "now" is the safe answer (a
    # client's copy from before is then never taken for current).
    apps.get_model("enterprises", "ContentVersion").objects.update(changed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0025_policy_criteria"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentversion",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(changed_now, migrations.RunPython.noop),
    ]
