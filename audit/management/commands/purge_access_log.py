from django.conf import settings
from django.core.management.base import BaseCommand

from audit.purge import purge


class Command(BaseCommand):
    help = "Delete access-log entries older than PORTAL_ACCESS_LOG_DAYS (the scheduler runs this daily)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Days to keep instead of the setting")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            self.stderr.write("--days must be 0 or more.")
            return
        deleted = purge(days=days)
        kept = settings.PORTAL_ACCESS_LOG_DAYS if days is None else days
        self.stdout.write(f"Deleted {deleted} access-log entries older than {kept} days.")
