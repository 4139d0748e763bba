from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from library.demo.loader import LibraryDemoError, load_library_demo


class Command(BaseCommand):
    help = "Load the demonstration library records (idempotent) and reindex the library."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-index", action="store_true", help="Do not rebuild the library's search index."
        )

    def handle(self, *args, **options):
        try:
            load_library_demo(stdout=self.stdout)
        except LibraryDemoError as exc:
            raise CommandError(str(exc))
        if not options["no_index"]:
            call_command("search_rebuild", kinds=["document"], stdout=self.stdout)
