import resource
import time

from django.core.management.base import BaseCommand, CommandError

from enterprises.models.base import DEMO_PREFIX


class Command(BaseCommand):
    help = (
        "Generate demo enterprises with products, recognitions, exhibits, exhibitions and "
        f"regional policies, for trying the directory at scale. Demo slugs start with "
        f"'{DEMO_PREFIX}' and cite the demo source; curated data is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=1000, help="How many (1000).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (1).")
        parser.add_argument(
            "--delete", action="store_true", help="Remove all demo data instead (and first)."
        )
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Processes making rows while this one writes (default: by the size of the "
            "run and the cores; 0: none).",
        )

    def handle(self, *args, enterprises, seed, delete, database, processes, **options):
        if enterprises < 0:
            raise CommandError("--enterprises must be zero or more.")
        if processes is not None and processes < 0:
            raise CommandError("--processes must be zero or more.")
        try:
            from enterprises.demo import Generator, delete_demo_data
        except ImportError as exc:  # Faker is a development tool: production lacks it
            raise CommandError(
                f"Demo data needs the development tools ({exc.name} is not installed): "
                "run `make install-dev`, or `pip install -r requirements-dev.txt`."
            ) from exc
        started = time.monotonic()
        if delete:
            removed = delete_demo_data(using=database)
            self.stdout.write(f"Removed {removed} demo enterprises and their rows.")
            return
        try:
            Generator(
                enterprises, seed=seed, using=database, stdout=self.stdout, processes=processes
            ).run()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # Helper processes (forked, sharing this one's memory until they write): the
        # largest of them.
        helper = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        helpers = f", helper processes {helper:.0f} MB each at most" if helper else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {enterprises} demo enterprises in {time.monotonic() - started:.1f}s "
                f"(peak memory {peak:.0f} MB{helpers})."
            )
        )
