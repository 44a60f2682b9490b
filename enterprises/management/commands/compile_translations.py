from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the project's .po catalogues (LOCALE_PATHS) into .mo files. Pure Python, so "
        "setup needs no GNU gettext; compilemessages does the same where gettext is installed."
    )

    def handle(self, *args, **options):
        catalogues = [
            po for base in settings.LOCALE_PATHS for po in Path(base).glob("*/LC_MESSAGES/*.po")
        ]
        if not catalogues:
            raise CommandError(f"No .po files under {settings.LOCALE_PATHS}.")
        for po_path in sorted(catalogues):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            try:
                catalogue = polib.pofile(str(po_path))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            catalogue.save_as_mofile(str(mo_path))
            self.stdout.write(f"Compiled {po_path.relative_to(settings.BASE_DIR)}")
