#!/usr/bin/env python
"""Time the sitemap files and the feeds at scale.

Seeds N demo enterprises (the project's generator) in a fresh database, then renders the
sitemap index, the first and the last file of the enterprises' sitemaps in both languages,
the latest-enterprises feed and filtered feeds, each with the page cache off, and prints
the time of each (best of three), its queries and its size.

    .venv/bin/python benchmarks/feeds_sitemaps.py --enterprises 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feeds \\
        .venv/bin/python benchmarks/feeds_sitemaps.py --enterprises 100000

Without DATABASE_URL, the database is a new SQLite file under var/bench/ (--reuse keeps the
one of an earlier run of the same size). A PostgreSQL database named by DATABASE_URL must
exist and be empty.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        work = ROOT / "var" / "bench"
        work.mkdir(parents=True, exist_ok=True)
        database = work / f"feeds-{options.enterprises}.sqlite3"
        if not options.reuse:
            database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smedirectory.settings")
    import django

    django.setup()
    seed(options)
    measure()


def seed(options):
    from django.core.management import call_command

    from enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    if Enterprise.objects.count() < options.enterprises:
        started = time.perf_counter()
        call_command("load_directory", verbosity=0)
        call_command("generate_demo_data", enterprises=options.enterprises, verbosity=0)
        seconds = time.perf_counter() - started
        print(f"seeded {options.enterprises:,} enterprises in {seconds:.0f} s")


def timed(client, path):
    """(best seconds of three, queries, bytes) of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _attempt in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        best = elapsed if best is None else min(best, elapsed)
    return best, len(queries.captured_queries), len(response.content)


def measure():
    from django.test import Client
    from django.test.utils import override_settings

    from enterprises.models import Enterprise
    from enterprises.sitemaps import KeyRanges

    last = KeyRanges(Enterprise).num_pages
    paths = [
        "/sitemap.xml",
        "/sitemap-enterprises-zh-hans.xml",
        f"/sitemap-enterprises-zh-hans.xml?p={last}",
        "/sitemap-enterprises-en.xml",
        f"/sitemap-enterprises-en.xml?p={last}",
        "/enterprises/latest.atom",
        "/en/enterprises/feed.atom",
        "/en/enterprises/feed.atom?size=small&founded_from=2000",
        "/en/enterprises/feed.atom?sort=-updated",
    ]
    client = Client(HTTP_HOST="localhost")
    print("| address | time | queries | size |")
    print("|---|---|---|---|")
    plain_http = {"SECURE_SSL_REDIRECT": False, "ALLOWED_HOSTS": ["localhost"]}
    with override_settings(DIRECTORY_CACHE=False, **plain_http):
        for path in paths:
            seconds, queries, size = timed(client, path)
            print(f"| `{path}` | {seconds * 1000:.0f} ms | {queries} | {size / 1024:.0f} KiB |")


if __name__ == "__main__":
    main()
