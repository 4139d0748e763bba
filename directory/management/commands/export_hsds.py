"""manage.py export_hsds [--output FILE] [--ndjson]: the public HSDS 3.0 datapackage zip (or
NDJSON, one full organization per line) of the whole directory."""

import sys

from django.core.management.base import BaseCommand

from directory.hsds import export


class Command(BaseCommand):
    help = "Write the public HSDS 3.0 datapackage zip (or NDJSON with --ndjson) of the directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help="File to write (default datapackage.zip / hsds.ndjson; - for stdout)."
        )
        parser.add_argument("--ndjson", action="store_true", help="One full organization per line instead.")
        parser.add_argument("--base-url", default="", help="Site address for organization URIs.")

    def handle(self, *args, **options):
        if options["ndjson"]:
            data, default = export.build_ndjson(options["base_url"]), "hsds.ndjson"
        else:
            data, default = export.build_zip(options["base_url"]), export.FILENAME
        target = options["output"] or default
        if target == "-":
            sys.stdout.buffer.write(data)
            return
        with open(target, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"Wrote {target} ({len(data):,} bytes).")
