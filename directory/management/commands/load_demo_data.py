import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from directory.demo.loader import DemoDataError, load_demo


class Command(BaseCommand):
    help = (
        "Load or refresh the demonstration directory (150 organizations from public evaluation "
        "reports, all marked as demo). Idempotent; needs `load_reference_data` first."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            load_demo(stdout=self.stdout)
        except DemoDataError as exc:
            raise CommandError(str(exc))
        # The loader writes rows directly (no publish signals): index what is now published.
        try:
            call_command("search_rebuild", stdout=self.stdout)
        except CommandError as exc:
            self.stderr.write(f"Search index not fully rebuilt: {exc}")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f} s."))
