"""One of several processes writing to the same SQLite file (see test_sqlite_concurrency).

Usage: python -m tests.sqlite_writer SLUG TIMES START_FILE
Edits the enterprise TIMES times, each a read-modify-write in one transaction, and prints
a JSON line: how many saves succeeded and how many failed with "database is locked".
"""

import json
import os
import sys
import time
from pathlib import Path


def main(slug, times, start_file):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smedirectory.settings")
    import django

    django.setup()
    from django.db import OperationalError, transaction

    from enterprises.models import Enterprise

    while not Path(start_file).exists():  # start together, for the most contention
        time.sleep(0.005)
    saved = locked = 0
    for _ in range(times):
        try:
            with transaction.atomic():
                firm = Enterprise.objects.get(slug=slug)
                firm.founded_year = 1950 + firm.version % 70
                firm._change_reason = f"writer {os.getpid()}"
                firm.save()
            saved += 1
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            locked += 1
    print(json.dumps({"saved": saved, "locked": locked}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
