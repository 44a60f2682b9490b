"""The facet cube's index gains the listing status; an index for the listing filter. Built
without locking writes on PostgreSQL."""

from django.db import migrations, models

from enterprises.operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("enterprises", "0015_listing_people_verified"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["listed", "slug"],
                name="ent_pub_listed",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "industry", "tier", "exchange", "size", "listed"],
                name="ent_pub_cube_listed",
            ),
        ),
        RemoveIndexConcurrently(model_name="enterprise", name="ent_pub_cube"),
    ]
