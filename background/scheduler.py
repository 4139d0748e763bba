"""The scheduler: periodic jobs, each run once per period, remembered in the database.

``manage.py run_scheduler`` calls ``tick()`` every SCHEDULER_INTERVAL_SECONDS. For each job,
``tick`` works out the current period (the local day for a daily job) and claims it by creating
its ``ScheduledJobRun`` row: the row's unique (job, period) constraint means a restarted
scheduler, or a second one, never runs a period that was already claimed. A run that failed is
claimed again after SCHEDULER_RETRY_MINUTES (up to SCHEDULER_MAX_ATTEMPTS in the period), and a
run left "running" by a scheduler that died counts as failed after SCHEDULER_RUN_TIMEOUT_MINUTES;
the re-claim is a conditional UPDATE, so only one scheduler wins it. The jobs themselves are
idempotent too (background/jobs.py).
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import ScheduledJobRun

logger = logging.getLogger("background.scheduler")

DAILY = "daily"
HOURLY = "hourly"


class JobFailed(Exception):
    """A job that did part of its work and must be tried again (its message says why)."""


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    every: str  # DAILY or HOURLY
    run: Callable  # run(now) -> a one-line summary; raises to fail the run

    def period(self, now):
        local = timezone.localtime(now)
        return local.strftime("%Y-%m-%dT%H") if self.every == HOURLY else local.date().isoformat()


def jobs():
    from .jobs import JOBS

    return JOBS


def _reclaim(existing, now):
    """Claim a failed or abandoned run again; None when it is not due or another scheduler won."""
    if existing.attempts >= settings.SCHEDULER_MAX_ATTEMPTS:
        return None
    retry_after = now - datetime.timedelta(minutes=settings.SCHEDULER_RETRY_MINUTES)
    abandoned = now - datetime.timedelta(minutes=settings.SCHEDULER_RUN_TIMEOUT_MINUTES)
    due = Q(status=ScheduledJobRun.FAILED, finished_at__lte=retry_after) | Q(
        status=ScheduledJobRun.RUNNING, started_at__lte=abandoned
    )
    won = ScheduledJobRun.objects.filter(due, pk=existing.pk, attempts=existing.attempts).update(
        status=ScheduledJobRun.RUNNING, attempts=F("attempts") + 1, started_at=now, finished_at=None
    )
    return ScheduledJobRun.objects.get(pk=existing.pk) if won else None


def claim(job, now):
    """The run of ``job`` for the period of ``now``, if this scheduler is to run it."""
    period = job.period(now)
    existing = ScheduledJobRun.objects.filter(job=job.name, period=period).first()
    if existing is not None:  # already run, or running, for this period
        return _reclaim(existing, now)
    try:
        with transaction.atomic():
            return ScheduledJobRun.objects.create(job=job.name, period=period, started_at=now)
    except IntegrityError:  # another scheduler claimed it a moment ago
        return None


def execute(job, run, now):
    began = timezone.now()  # finished_at is on the tick's clock (`now` may be given)
    try:
        message = job.run(now) or ""
        run.status = ScheduledJobRun.SUCCEEDED
        logger.info("Scheduled job %s (%s): %s", job.name, run.period, message)
    except Exception as exc:
        message = str(exc) if isinstance(exc, JobFailed) else f"{type(exc).__name__}: {exc}"
        run.status = ScheduledJobRun.FAILED
        logger.error(
            "Scheduled job %s (%s) failed on attempt %d: %s",
            job.name,
            run.period,
            run.attempts,
            message,
            exc_info=True,
        )
    run.message = message[:2000]
    run.finished_at = now + (timezone.now() - began)
    run.save(update_fields=["status", "message", "finished_at"])
    return run


def tick(now=None, only=None):
    """Run every job whose current period has not been run yet; the runs made, in job order."""
    now = now or timezone.now()
    done = []
    for job in jobs():
        if only and job.name not in only:
            continue
        run = claim(job, now)
        if run is not None:
            done.append(execute(job, run, now))
    return done


def last_runs():
    """[(job, its latest ScheduledJobRun or None)] for the admin report."""
    return [
        (job, ScheduledJobRun.objects.filter(job=job.name).order_by("-started_at").first()) for job in jobs()
    ]
