"""The scheduler's jobs (background/scheduler.py). Each is safe to run again: reminders and
capacity notices remember what was sent, and the clean-up deletes by age."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import ScheduledJobRun
from .scheduler import DAILY, Job, JobFailed


def review_reminders(now):
    from directory.reminders import run

    result = run(today=timezone.localdate(now))
    summary = result.summary()
    if result.failed:  # the ones that went are recorded; the run is tried again for the rest
        raise JobFailed(summary)
    return summary


def stale_capacity(now):
    from .capacity import notify

    sent, named, failed = notify(timezone.localdate(now))
    summary = f"{sent} capacity notices sent ({named} services)"
    if failed:
        raise JobFailed(f"{summary}; {len(failed)} failed: " + "; ".join(f"{e}: {err}" for e, err in failed))
    return summary + "."


def clean_up(now):
    succeeded_before = now - datetime.timedelta(days=settings.TASKS_KEEP_SUCCEEDED_DAYS)
    failed_before = now - datetime.timedelta(days=settings.TASKS_KEEP_FAILED_DAYS)
    tasks, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=succeeded_before)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=failed_before)
    ).delete()
    runs_before = now - datetime.timedelta(days=settings.SCHEDULER_KEEP_RUNS_DAYS)
    runs, _ = (
        ScheduledJobRun.objects.filter(started_at__lt=runs_before)
        .exclude(status=ScheduledJobRun.RUNNING)
        .delete()
    )
    return f"Deleted {tasks} finished task results and {runs} old scheduler runs."


JOBS = [
    Job("review_reminders", "Review reminders", DAILY, review_reminders),
    Job("stale_capacity", "Stale capacity notices", DAILY, stale_capacity),
    Job("clean_up", "Clean-up of old task results", DAILY, clean_up),
]
