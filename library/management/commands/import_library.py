"""manage.py import_library FILE [--format csv|ris] [--commit] [--publish] [--parent PAGE_ID]

Without --commit this is a dry run: it reports per-row errors and what would be created, and
writes nothing. With --commit it imports all rows or, if any row has an error, none.
"""

from django.core.management.base import BaseCommand, CommandError

from library.importers import parse_file
from library.importers.apply import import_records
from library.models import LibraryIndexPage


class Command(BaseCommand):
    help = "Import library records from a CSV (library-records columns) or RIS file; dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csv", "ris"], help="Default: from the file's extension.")
        parser.add_argument("--commit", action="store_true", help="Write the items (all or nothing).")
        parser.add_argument("--publish", action="store_true", help="Publish the items (default: drafts).")
        parser.add_argument("--parent", type=int, help="Library index page id (default: the first one).")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as handle:
                report = parse_file(handle, options["file"], options["format"])
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.")
        for warning in report.warnings:
            self.stdout.write(f"Warning: {warning}")
        for error in report.errors:
            self.stderr.write(f"Error: {error}")
        if report.errors:
            raise CommandError(f"Nothing imported: {len(report.errors)} error(s) in {report.rows} record(s).")
        if options["parent"]:
            parent = LibraryIndexPage.objects.filter(pk=options["parent"]).first()
        else:
            parent = LibraryIndexPage.objects.first()
        if parent is None:
            raise CommandError("No library index page: create one (or run load_library_demo) first.")
        result = import_records(
            report.records, parent, dry_run=not options["commit"], publish=options["publish"]
        )
        for error in result.errors:
            self.stderr.write(f"Error: {error}")
        if result.errors:
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        state = "published" if options["publish"] else "draft"
        if options["commit"]:
            self.stdout.write(f"Imported {len(result.created)} {state} item(s) under {parent.url_path}.")
        else:
            for item in result.created:
                self.stdout.write(f"Would create: {item['title']} ({item['document_type']})")
            self.stdout.write(
                f"Dry run: {len(result.created)} item(s) would be created; nothing was written. "
                "Run again with --commit to import."
            )
