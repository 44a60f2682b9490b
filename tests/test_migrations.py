"""Migrations that move data keep every row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("enterprises", "0019_revision_label")]
AFTER = [("enterprises", "0020_slug_history_per_kind")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_slugs_move_to_the_table_of_their_kind_and_back():
    apps = migrate(BEFORE)
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Product = apps.get_model("enterprises", "Product")
    SlugHistory = apps.get_model("enterprises", "SlugHistory")
    maker = Enterprise.objects.create(slug="maker", name="Maker", name_en="Maker")
    product = Product.objects.create(slug="robot", name="Robot", enterprise=maker)
    SlugHistory.objects.create(kind="enterprise", slug="old-maker", enterprise=maker)
    SlugHistory.objects.create(kind="product", slug="old-robot", product=product)
    try:
        apps = migrate(AFTER)
        moved = apps.get_model("enterprises", "EnterpriseFormerSlug").objects.get()
        assert (moved.slug, moved.entry_id) == ("old-maker", maker.pk)
        moved = apps.get_model("enterprises", "ProductFormerSlug").objects.get()
        assert (moved.slug, moved.entry_id) == ("old-robot", product.pk)
        assert not apps.get_model("enterprises", "ExhibitionFormerSlug").objects.exists()

        apps = migrate(BEFORE)
        back = apps.get_model("enterprises", "SlugHistory").objects.order_by("slug")
        assert [(row.kind, row.slug) for row in back] == [
            ("enterprise", "old-maker"),
            ("product", "old-robot"),
        ]
        assert back[1].product_id == product.pk
    finally:
        migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("enterprises")
