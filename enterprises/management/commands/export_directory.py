import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from enterprises.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write the whole directory (both languages, natural keys, status, versions and "
        "times) to one JSON file that `load_directory FILE` restores into an empty database. "
        "Uploaded images are named, not included: back up MEDIA_ROOT beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="File to write (written whole or not at all); stdout if none."
        )
        parser.add_argument(
            "--include-demo", action="store_true", help="Also write generated demo rows."
        )
        parser.add_argument("--database", default=None, help="Database alias to read.")

    def handle(self, *args, output, include_demo, database, **options):
        options = {"include_demo": include_demo, "using": database}
        try:
            # One snapshot: rows changed during the export cannot make it inconsistent.
            with transaction.atomic(using=database):
                if not output:
                    count = write_backup(sys.stdout, **options)
                else:
                    count = self.write_file(Path(output), options)
        except DatabaseError as exc:
            raise CommandError(
                f"Nothing was exported: the database refused a query ({exc}). "
                "Is it reachable, and has `manage.py migrate` been run?"
            ) from exc
        if output:
            self.stderr.write(self.style.SUCCESS(f"Exported {count} records to {output}."))

    def write_file(self, path, options):
        """Write next to the target and rename, so a failed export leaves no half file."""
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise CommandError(f"Nothing was exported: the folder {directory} does not exist.")
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                count = write_backup(stream, **options)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return count
