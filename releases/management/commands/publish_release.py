from django.core.management.base import BaseCommand, CommandError

from releases.publishing import publish


class Command(BaseCommand):
    help = (
        "Write an immutable, dated release of the published directory (a Frictionless Data "
        "Package: CSV and Parquet per table, and the delta against the previous release)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--include-demo",
            action="store_true",
            help="Include generated demo rows (left out by default).",
        )

    def handle(self, *args, include_demo, **options):
        try:
            release = publish(include_demo=include_demo)
        except ValueError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{name} {n}" for name, n in release.row_counts.items())
        self.stdout.write(f"Release {release.name}: {counts}; {release.total_bytes} bytes.")
