"""Restore a backup made by backup_portal into a fresh database and an empty media folder.

    createdb portal_restored
    python manage.py restore_portal /backups/portal-20261130T020000Z \
        --database-url postgres://portal@db/portal_restored --media-root /srv/media-restored

Every checksum is verified before anything is written; a mismatch stops the restore.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.backup import BackupError, database_from_url, restore_backup, verify_backup


class Command(BaseCommand):
    help = "Verify a backup's checksums, then restore it into an empty database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup folder (portal-<time>/ with manifest.json).")
        parser.add_argument(
            "--database-url",
            help="The empty database to restore into (default: the portal's own DATABASE_URL, "
            "which must then be empty).",
        )
        parser.add_argument(
            "--media-root",
            help="The empty folder for the media files (default: MEDIA_ROOT, which must be empty).",
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="Only check the checksums; restore nothing."
        )

    def handle(self, *args, **options):
        try:
            manifest = verify_backup(options["backup"])
            files = ", ".join(sorted(manifest["files"]))
            self.stdout.write(f"Checksums match ({files}); backup made {manifest['created']}.")
            if options["verify_only"]:
                return
            url = options["database_url"]
            settings_dict = database_from_url(url) if url else connection.settings_dict
            if not url and connection.introspection.table_names():
                raise BackupError(
                    "The portal's own database is in use. Restore into a fresh, empty database "
                    "(createdb) with --database-url; nothing was restored."
                )
            report = restore_backup(
                options["backup"],
                settings_dict=settings_dict,
                media_root=options["media_root"] or settings.MEDIA_ROOT,
            )
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report['tables']} tables ({report['rows']} rows) and {report['media_files']} "
                "media files; row counts and media checksums match the manifest."
            )
        )
