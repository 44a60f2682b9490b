"""Partial indexes for the public lists, built without locking writes on PostgreSQL."""

from django.db import migrations, models

from enterprises.operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("enterprises", "0012_content_version"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")), fields=["slug"], name="ent_pub_slug"
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["founded_year", "id"],
                name="ent_pub_founded",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["updated_at", "id"],
                name="ent_pub_updated",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "slug"],
                name="ent_pub_region",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["industry", "slug"],
                name="ent_pub_industry",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["tier", "slug"],
                name="ent_pub_tier",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["size", "slug"],
                name="ent_pub_size",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["exchange", "slug"],
                name="ent_pub_exchange",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "tier", "slug"],
                name="ent_pub_region_tier",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "founded_year", "id"],
                name="ent_pub_region_founded",
            ),
        ),
        AddIndexConcurrently(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "industry", "tier", "exchange", "size"],
                name="ent_pub_cube",
            ),
        ),
        AddIndexConcurrently(
            model_name="exhibition",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-year", "-start_date", "slug"],
                name="exh_pub_order",
            ),
        ),
        AddIndexConcurrently(
            model_name="exhibition",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "-year"],
                name="exh_pub_region",
            ),
        ),
        AddIndexConcurrently(
            model_name="policyinitiative",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-issued_on", "slug"],
                name="pol_pub_order",
            ),
        ),
        AddIndexConcurrently(
            model_name="policyinitiative",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["region", "-issued_on"],
                name="pol_pub_region",
            ),
        ),
        AddIndexConcurrently(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "published")), fields=["slug"], name="prod_pub_slug"
            ),
        ),
        AddIndexConcurrently(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["enterprise", "slug"],
                name="prod_pub_enterprise",
            ),
        ),
    ]
