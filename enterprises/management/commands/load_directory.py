from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation

from enterprises.loading import DIRECTORY_FIXTURES, FixtureError, load_directory


class Command(BaseCommand):
    help = (
        "Load the directory's fixtures (or the given files) in dependency order, validating "
        "every record; on any error nothing is written. Files: "
        + ", ".join(DIRECTORY_FIXTURES)
        + ", then one file per source document in fixtures/documents/"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Fixture files; all of fixtures/ if none.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report without writing."
        )
        parser.add_argument("--database", default=None, help="Database alias to load into.")

    @translation.override("en")
    def handle(self, *args, files, dry_run, database, **options):
        try:
            report = load_directory(files or None, using=database, dry_run=dry_run)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(
                f"Nothing was loaded: the database refused a query ({exc}). "
                "Is it reachable, and has `manage.py migrate` been run?"
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        totals = report.totals()
        summary = (
            f"{totals['created']} created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged."
        )
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing written: {summary}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"Directory loaded: {summary}"))
