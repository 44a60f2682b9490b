from django.core.management.base import BaseCommand

from enterprises.caching import bump_version
from enterprises.search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Recompute the search document of every enterprise, product, exhibition and policy, "
        "and the vocabulary used to correct misspellings; rebuild SQLite's FTS5 tables."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only rows that have no search document yet (fast when nothing is missing).",
        )

    def handle(self, *args, missing, verbosity, **options):
        done = rebuild(missing_only=missing)
        if any(done.values()):
            bump_version()  # search results may differ: no cached page may outlive that
        if not verbosity:
            return
        for label, count in done.items():
            self.stdout.write(f"{label}: {count} re-indexed")
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))
