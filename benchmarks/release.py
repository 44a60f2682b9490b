#!/usr/bin/env python
"""Time publish_release over a large directory, with its peak memory.

Seeds N demo enterprises (the project's generator) once into a SQLite file under
var/bench/ (kept: --reuse takes it as it is), then runs `publish_release --include-demo`
twice in a child process measured by its peak RSS: the first writes every table, the
second also computes the delta against the first (after a few edits with history).

    .venv/bin/python benchmarks/release.py --enterprises 1000000 --reuse

Targets (issue 16): at most 5 minutes and 500 MB peak RSS at 1,000,000 enterprises.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS, MEGABYTES = 300, 500


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database")
    options = parser.parse_args()
    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    database = work / f"release-{options.enterprises}.sqlite3"
    releases = work / f"releases-{options.enterprises}"
    shutil.rmtree(releases, ignore_errors=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_RELEASES_ROOT": str(releases),
    }
    if not (options.reuse and database.exists()):
        database.unlink(missing_ok=True)
        seed(env, options.enterprises)
    manage(env, "migrate", "-v0")
    first = measured(env, "publish_release", "--include-demo")
    manage(env, "shell", "-c", EDITS)
    second = measured(env, "publish_release", "--include-demo")
    report(options.enterprises, first, second, releases)


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seed(env, enterprises):
    started = time.monotonic()
    manage(env, "migrate", "-v0")
    manage(env, "load_directory")
    manage(env, "generate_demo_data", "--enterprises", str(enterprises))
    print(f"seeded {enterprises} enterprises in {time.monotonic() - started:.0f}s")


# A few edits with history between the two releases, for the delta to find.
EDITS = """
from enterprises.models import Enterprise, Status
for enterprise in Enterprise.objects.published().order_by("-pk")[:100]:
    enterprise.city_en = (enterprise.city_en or "") + "."
    enterprise.save()
for enterprise in Enterprise.objects.published().order_by("pk")[:10]:
    enterprise.status = Status.ARCHIVED
    enterprise.save()
"""


def measured(env, *args):
    """Run a management command in a child; its wall time and its own peak RSS in MB."""
    started = time.monotonic()
    child = subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode})")
    return time.monotonic() - started, usage.ru_maxrss / 1024  # KB on Linux


def report(enterprises, first, second, releases):
    size = sum(p.stat().st_size for p in releases.rglob("*") if p.is_file()) / 2**20
    print(f"\n### publish_release, {enterprises:,} demo enterprises (SQLite)\n")
    print("| run | seconds | peak RSS (MB) |")
    print("|---|---:|---:|")
    print(f"| first release (every table) | {first[0]:.0f} | {first[1]:.0f} |")
    print(f"| second release (with delta) | {second[0]:.0f} | {second[1]:.0f} |")
    print(f"\nBoth releases: {size:.0f} MB on disk.")
    worst = max(first[0], second[0]), max(first[1], second[1])
    met = worst[0] <= SECONDS and worst[1] <= MEGABYTES
    print(f"Targets (at most {SECONDS} s and {MEGABYTES} MB): {'met' if met else 'NOT met'}.")


if __name__ == "__main__":
    main()
