"""Back up the database and the media files into one folder with a checksum manifest.

    python manage.py backup_portal --output /backups --keep 14

See portal/backup.py for what the folder holds and README "Backups" for a schedule.
"""

import json
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.backup import MANIFEST, SUMS, BackupError, create_backup, engine_of, prune


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and MEDIA_ROOT, with SHA-256 checksums."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=os.environ.get("BACKUP_DIR", str(settings.BASE_DIR / "backups")),
            help="Folder that receives the backup folder (default: $BACKUP_DIR or ./backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="Then delete all but the newest N backups in --output (0: keep all).",
        )

    def handle(self, *args, **options):
        settings_dict = connection.settings_dict
        sqlite_connection = None
        try:
            if engine_of(settings_dict) == "sqlite":
                connection.ensure_connection()
                sqlite_connection = connection.connection  # copies even an in-memory database
            folder = create_backup(
                options["output"],
                settings_dict=settings_dict,
                media_root=settings.MEDIA_ROOT,
                sqlite_connection=sqlite_connection,
            )
            removed = prune(options["output"], options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc))
        manifest = json.loads((folder / MANIFEST).read_text())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
        self.stdout.write(
            f"  {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
            f"{len(manifest['media'])} media files"
        )
        for name, info in sorted(manifest["files"].items()):
            self.stdout.write(f"  {name}: {info['bytes']} bytes, SHA-256 {info['sha256']}")
        self.stdout.write(f"  Check the files at any time with: cd {folder} && sha256sum -c {SUMS}")
        for path in removed:
            self.stdout.write(f"  Removed old backup {path}")
