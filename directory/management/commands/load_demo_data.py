import time

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
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f} s."))
