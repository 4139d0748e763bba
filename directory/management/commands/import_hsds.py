"""manage.py import_hsds FILE [--commit]: import HSDS 3.0 (or 2.x) JSON, NDJSON or a datapackage
zip. A dry run unless --commit: every problem is listed by file, row and field, and nothing is
written. With --commit, everything is written or, on any problem, nothing. Records not yet in
the directory become drafts; matched ones get a new draft revision; nothing is published."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.hsds.imports.apply import import_batch
from directory.hsds.imports.read import read_upload


class Command(BaseCommand):
    help = "Check (default) or import (--commit) an HSDS JSON file or datapackage zip."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="Write the records (default: dry run).")
        parser.add_argument("--user", help="Username the draft revisions are recorded under.")

    def handle(self, *args, **options):
        path = options["file"]
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            size = os.path.getsize(path)
            with open(path, "rb") as handle:
                batch = read_upload(handle, os.path.basename(path), size)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        outcome = import_batch(batch, user=user, dry_run=not options["commit"])
        for line in outcome.created:
            self.stdout.write(f"{'created' if outcome.committed else 'would create'}: {line}")
        for line in outcome.updated:
            self.stdout.write(f"{'updated' if outcome.committed else 'would update'}: {line}")
        for warning in outcome.warnings:
            self.stdout.write(f"warning: {warning}")
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(f"problem: {problem}")
            raise CommandError(f"{len(outcome.problems)} problem(s): nothing was imported.")
        if outcome.committed:
            self.stdout.write(self.style.SUCCESS(f"Imported {batch.records} record(s) as drafts."))
        else:
            self.stdout.write(f"Check passed ({batch.records} record(s)); run again with --commit to import.")
