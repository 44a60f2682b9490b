"""Full-text indexes over the search documents: an FTS5 table kept in sync by triggers on
SQLite; a generated weighted tsvector with a GIN index on PostgreSQL."""

from django.db import migrations

from enterprises.search.backends import install_statements, uninstall_statements

SEARCHABLE = ["enterprise", "product", "exhibition", "policyinitiative"]


def run(statements_for):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("sqlite", "postgresql"):
            return
        for name in SEARCHABLE:
            for statement in statements_for(vendor, apps.get_model("enterprises", name)):
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    atomic = True

    dependencies = [("enterprises", "0004_search_documents")]

    operations = [migrations.RunPython(run(install_statements), run(uninstall_statements))]
