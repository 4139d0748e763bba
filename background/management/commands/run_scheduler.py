"""`manage.py run_scheduler`: run the periodic jobs (background/jobs.py) for as long as it runs.

Every SCHEDULER_INTERVAL_SECONDS it runs the jobs whose period (day) has not been run yet; the
database remembers what ran, so a restart or a second scheduler never repeats a period. Stops
cleanly on SIGTERM or Ctrl-C (after the job that is running, if any).
"""

import datetime
import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from background import scheduler

logger = logging.getLogger("background.scheduler")


def _moment(value):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now must be a date and time like 2026-01-17T09:00, not {value!r}.")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Run the scheduled jobs (review reminders, stale capacity, clean-up) periodically."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument(
            "--now", help="With --once: run as if it were this local time (YYYY-MM-DDTHH:MM)."
        )
        parser.add_argument("--job", action="append", help="Only this job (repeatable).")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between checks (default SCHEDULER_INTERVAL_SECONDS).",
        )

    def handle(self, *args, once=False, now=None, job=None, interval=None, **options):
        names = {j.name for j in scheduler.jobs()}
        unknown = set(job or []) - names
        if unknown:
            raise CommandError(f"Unknown job {', '.join(sorted(unknown))}; jobs: {', '.join(sorted(names))}.")
        if now and not once:
            raise CommandError("--now only goes with --once.")
        if once:
            self.report(scheduler.tick(now=_moment(now) if now else None, only=job))
            return
        stop = threading.Event()
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        for sig in previous:
            signal.signal(sig, lambda *_: stop.set())
        interval = settings.SCHEDULER_INTERVAL_SECONDS if interval is None else interval
        self.stdout.write(f"Scheduler started: {', '.join(sorted(names))}; checking every {interval:g} s.")
        try:
            while not stop.is_set():
                try:
                    self.report(scheduler.tick(only=job))
                except Exception:  # e.g. the database restarting: keep going, try again next time
                    logger.exception("Scheduler check failed; trying again in %g s", interval)
                finally:
                    close_old_connections()  # drop a connection the database has closed
                stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Scheduler stopped.")

    def report(self, runs):
        for run in runs:
            style = self.style.SUCCESS if run.status == run.SUCCEEDED else self.style.ERROR
            self.stdout.write(
                style(f"{run.job} {run.period} (attempt {run.attempts}): {run.status}. {run.message}")
            )
        self.stdout.flush()
