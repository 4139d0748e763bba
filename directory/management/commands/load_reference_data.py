from django.core.management.base import BaseCommand

from directory.reference import load_all


class Command(BaseCommand):
    help = "Load or update gazetteer areas, the service-type taxonomy and languages (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-communes", action="store_true", help="Skip the 1,600 communes.")

    def handle(self, *args, **options):
        counts = load_all(communes=not options["no_communes"])
        self.stdout.write(", ".join(f"{n} {label}" for label, n in counts.items()))
