"""E-mail stewards, then deputies, then coordinators about entries due for review.

Run it once a day from cron (see README, "Stewardship"). Safe to run repeatedly: a reminder is
never sent twice for the same review cycle and level, and a failed send is retried next run.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from directory.reminders import run


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.")


class Command(BaseCommand):
    help = "E-mail review reminders: stewards, then deputies, then coordinators (see README)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; send nothing.")
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--include-demo", action="store_true", help="Also remind about demonstration entries."
        )

    def handle(self, *args, **options):
        today = _date(options["today"]) if options["today"] else None
        result = run(today=today, dry_run=options["dry_run"], include_demo=options["include_demo"])
        if options["dry_run"] or options["verbosity"] > 1:
            for reminder in result.planned:
                entry = reminder.entry
                self.stdout.write(
                    f"  {reminder.level:<11} {reminder.email:<40} {entry._meta.model_name} {entry.pk}: "
                    f"{entry.name} ({reminder.state})"
                )
        for email, error, reminders in result.failed:
            self.stderr.write(f"  FAILED {email}: {error} ({len(reminders)} reminders; retried next run)")
        summary = result.summary(dry_run=options["dry_run"])
        style = self.style.WARNING if result.failed or result.no_coordinators else self.style.SUCCESS
        self.stdout.write(style(summary))
