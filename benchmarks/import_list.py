#!/usr/bin/env python
"""Time the review of an official list against a large directory.

Seeds N demo enterprises (the project's generator) in a fresh database, gives some of them
credit codes, and builds a list of 5,000 rows from them: rows with a credit code (exact),
names respelt as lists do (full-width brackets, 有限责任公司, a province in front), names
with one character changed (to confirm) and invented names (new). Then times reading the
file and reviewing it, and prints the counts of each outcome and the queries run.

    .venv/bin/python benchmarks/import_list.py --enterprises 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_list \\
        .venv/bin/python benchmarks/import_list.py --enterprises 100000

Without DATABASE_URL, the database is a new SQLite file under var/bench/. A PostgreSQL
database named by DATABASE_URL must exist and be empty. --reuse keeps the enterprises of an
earlier run of the same size (its credit codes are set again, the same ones).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run that has the enterprises (no new seeding)",
    )
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        work = ROOT / "var" / "bench"
        work.mkdir(parents=True, exist_ok=True)
        database = work / f"import-list-{options.enterprises}.sqlite3"
        if not options.reuse:
            database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smedirectory.settings")
    import django

    django.setup()
    run(options)


def run(options):
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from enterprises.demo import Generator
    from enterprises.lists import Target, read_list, review
    from enterprises.loading import load_directory, shared_fixture_paths
    from enterprises.models import Enterprise, Source, Tier
    from enterprises.models.recognition import Stage
    from enterprises.validators import credit_code_check_character, org_code_check_character

    translation.activate("en")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if options.reuse and Enterprise.objects.count() >= options.enterprises:
        print(f"{Enterprise.objects.count()} enterprises of an earlier run")
    else:
        load_directory(shared_fixture_paths())
        Generator(options.enterprises, seed=options.seed).run()
        print(f"{options.enterprises} enterprises in {time.monotonic() - started:.0f}s")

    r = random.Random(options.seed)
    names = list(Enterprise.objects.values_list("pk", "name_zh_hans", "region__name_zh_hans"))
    sample = r.sample(names, options.rows)
    quarter = options.rows // 4

    def credit_code(n):
        body = f"{n:08d}"
        first17 = "91330100" + body + org_code_check_character(body)
        return first17[:17] + credit_code_check_character(first17[:17])

    coded = [
        Enterprise(pk=pk, credit_code=credit_code(pk)) for pk, _name, _region in sample[:quarter]
    ]
    Enterprise.objects.bulk_update(coded, ["credit_code"], batch_size=1000)

    rows = []
    for index, (pk, name, region) in enumerate(sample):
        code = ""
        if index < quarter:
            code = credit_code(pk)
        elif index < 2 * quarter:
            name = respelt(name, region, r)
        elif index < 3 * quarter:
            at = r.randrange(2, max(3, len(name) - 4))
            name = name[:at] + "鑫" + name[at + 1 :]
        else:
            name = f"{r.choice('甲乙丙丁戊己庚辛')}{r.randrange(10**6)}号新材料有限公司"
        rows.append(f"{index + 1},{name},{region or ''},{code}")
    data = ("序号,企业名称,省份,统一社会信用代码\n" + "\n".join(rows) + "\n").encode("gb18030")

    source = Source.objects.first()
    target = Target(
        source=source, tier=Tier.SPECIALIZED, level="national", year=2023, stage=Stage.AWARDED
    ).check()
    started = time.monotonic()
    list_file = read_list(data)
    read = time.monotonic() - started
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        result = review(list_file, target)
        reviewed = time.monotonic() - started
    print(f"{connection.vendor}: read {len(list_file.rows)} rows in {read:.2f}s")
    print(f"review in {reviewed:.2f}s, {len(queries)} queries")
    for _outcome, label, count in result.counts():
        print(f"  {label}: {count}")


def respelt(name, region, r):
    """A name as a list might print it: full-width brackets, the long legal form, or the
    province in front."""
    choice = r.randrange(3)
    if choice == 0 and name.endswith("有限公司"):
        return name[: -len("有限公司")] + "有限责任公司"
    if choice == 1 and len(name) > 4:
        return name[:2] + "（" + name[2:4] + "）" + name[4:]
    return f"{region or ''}{name}"


if __name__ == "__main__":
    main()
