#!/usr/bin/env python
"""Time the download of the whole unfiltered enterprise list as CSV, through gunicorn.

Seeds N demo enterprises (the project's generator) once into a dedicated database, serves
the site with gunicorn (one sync worker, production settings), downloads
/en/enterprises/download.csv and reports the wall time, the rows and bytes received, and the
peak resident memory of the serving worker above its size when idle (sampled every 50 ms
from /proc).

    .venv/bin/python benchmarks/download.py --enterprises 1000000 --reuse
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_download \\
        .venv/bin/python benchmarks/download.py --enterprises 1000000 --reuse

Without DATABASE_URL, the database is the SQLite file var/bench/download-N.sqlite3. --reuse
keeps the enterprises of an earlier run (seeding a million takes a quarter of an hour).
"""

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench"
# Targets of the open-data issue at 1,000,000 enterprises.
MAX_SECONDS, MAX_EXTRA_MB = 60, 150


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database")
    options = parser.parse_args()
    env = environment(options)
    seed(options, env)
    server = serve(env, options.port)
    try:
        report(options, measure(server, options.port))
    finally:
        server.terminate()
        server.wait(timeout=30)


def environment(options):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    if "DATABASE_URL" not in env:
        WORK.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{WORK / f'download-{options.enterprises}.sqlite3'}"
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_VAR_DIR=str(WORK / f"download-{options.enterprises}"),
    )
    return env


SEED = """
import sys
from django.core.management import call_command
from enterprises.demo import Generator
from enterprises.loading import load_directory, shared_fixture_paths
from enterprises.models import Enterprise
call_command("migrate", verbosity=0)
count, seed, reuse = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
if reuse and Enterprise.objects.count() >= count:
    print(Enterprise.objects.count(), "enterprises of an earlier run")
else:
    call_command("flush", interactive=False, verbosity=0)
    load_directory(shared_fixture_paths())
    Generator(count, seed=seed).run()
    print(count, "enterprises seeded")
"""


def seed(options, env):
    started = time.monotonic()
    subprocess.run(
        [BIN / "python", "-c", f"import django; django.setup(); exec({SEED!r})"]
        + [str(options.enterprises), str(options.seed), "1" if options.reuse else "0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "smedirectory.settings"},
        check=True,
    )
    print(f"database ready in {time.monotonic() - started:.0f}s")


def serve(env, port):
    # A long download holds its sync worker past gunicorn's default 30 s timeout.
    server = subprocess.Popen(
        [BIN / "gunicorn", "smedirectory.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--timeout", "600", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    sys.exit("gunicorn did not start")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker_of(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return int(children[0])


def measure(server, port):
    base = f"http://127.0.0.1:{port}"
    # Warm the worker (imports, first queries) with a small download.
    with urllib.request.urlopen(base + "/en/enterprises/download.csv?tier=champion") as response:
        response.read()
    worker = worker_of(server)
    idle = rss_mb(worker)
    peak, done = [idle], threading.Event()

    def sample():
        while not done.is_set():
            peak.append(rss_mb(worker))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    size = lines = 0
    with urllib.request.urlopen(base + "/en/enterprises/download.csv", timeout=600) as response:
        while chunk := response.read(1 << 20):
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    return {
        "seconds": seconds,
        "rows": lines - 1,
        "mb": size / 2**20,
        "idle": idle,
        "peak": max(peak),
    }


def report(options, figures):
    extra = figures["peak"] - figures["idle"]
    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    print(
        f"| {database} | {options.enterprises:,} | {figures['rows']:,} | {figures['mb']:.0f} MB "
        f"| {figures['seconds']:.1f} s (target {MAX_SECONDS}) "
        f"| {figures['idle']:.0f} MB | {extra:.0f} MB (target {MAX_EXTRA_MB}) |"
    )


if __name__ == "__main__":
    main()
