import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enterprises.lists import (
    MAX_BYTES,
    ApplyError,
    ListError,
    Outcome,
    Target,
    apply,
    read_list,
    review,
)
from enterprises.models import Recognition, Source
from enterprises.models.recognition import RECOGNITION_TIERS, Stage


class Command(BaseCommand):
    help = (
        "Review an official list (CSV or XLSX, as MIIT or a province publishes it) against "
        "the directory: rows matched by credit code or name, to confirm, new and invalid. "
        "With --apply, write its recognitions (new enterprises as drafts) in one transaction; "
        "rows to confirm are left for the admin's import page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The list: a CSV (UTF-8 or GB18030) or XLSX file.")
        parser.add_argument("--source", required=True, help="The slug of the notice's source.")
        parser.add_argument("--tier", required=True, choices=[t for t, _ in RECOGNITION_TIERS])
        parser.add_argument("--level", default="", choices=["", *Recognition.Level.values])
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--batch", type=int, default=None)
        parser.add_argument("--stage", required=True, choices=Stage.values)
        parser.add_argument("--notice-number", default="")
        parser.add_argument("--notice-date", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--apply", action="store_true", help="Write it (default: review).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ListError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
            source = Source.objects.get(slug=options["source"])
            target = Target(
                source=source,
                tier=options["tier"],
                level=options["level"],
                year=options["year"],
                batch=options["batch"],
                stage=options["stage"],
                notice_number=options["notice_number"],
                notice_date=options["notice_date"],
            ).check()
            result = review(read_list(path.read_bytes()), target)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
        except Source.DoesNotExist as exc:
            raise CommandError(f"No source with the slug “{options['source']}”.") from exc
        except ListError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.report(path, result)
        if not options["apply"]:
            self.stdout.write("Nothing written (review only; add --apply to write).")
            return
        try:
            done = apply(result)
        except ApplyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied: {done['add']} recognitions added, {done['advance']} advanced, "
                f"{done['unchanged']} unchanged, {done['enterprises']} draft enterprises "
                f"created, {done['skipped']} rows to confirm skipped, {done['invalid']} "
                "invalid rows left out."
            )
        )

    def report(self, path, result):
        found = result.list_file
        self.stdout.write(f"{path}: {found.format}, {len(found.rows)} rows.")
        for header, label in found.known_columns:
            self.stdout.write(f"  column “{header}”: {label}")
        for header in found.unknown_columns:
            self.stdout.write(f"  column “{header}”: not known, ignored")
        for _outcome, label, count in result.counts():
            self.stdout.write(f"{label}: {count}")
        for _change, label, count in result.changes():
            self.stdout.write(f"  {label}: {count}")
        for row in result.of(Outcome.AMBIGUOUS):
            names = "; ".join(
                f"{c.name} ({result.region_name(c) or '?'}, {c.slug}, {c.score:.2f})"
                for c in row.candidates
            )
            self.stdout.write(f"row {row.number}: {row.row.name} — to confirm: {names}")
        for row in result.of(Outcome.NEW):
            self.stdout.write(f"row {row.number}: {row.row.name} — new draft enterprise")
        for number, column, reason in result.errors():
            self.stdout.write(f"row {number}, column {column}: {reason}")
