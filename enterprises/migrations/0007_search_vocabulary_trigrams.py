"""On PostgreSQL, a trigram index over the search vocabulary (pg_trgm), for misspellings."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS enterprises_searchterm_trgm "
            "ON enterprises_searchterm USING gin (term gin_trgm_ops)"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprises_searchterm_trgm")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0006_search_vocabulary")]

    operations = [migrations.RunPython(install, uninstall)]
