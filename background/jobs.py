"""The scheduler's jobs (background/scheduler.py). Each is safe to run again: reminders and
capacity notices remember what was sent, and the clean-up deletes by age."""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import ScheduledJobRun, WorkerHeartbeat
from .scheduler import DAILY, HOURLY, Job, JobFailed

logger = logging.getLogger("background.jobs")


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


def requeue_stale_tasks(now):
    """Tasks left "running" by a worker that died (killed, out of memory, host restarted): a
    task started more than TASKS_STALE_RUNNING_MINUTES ago whose worker has no fresh heartbeat.
    A retried task is queued again as its next attempt, with backoff, or marked failed when it
    has had all its attempts; any other task is marked failed. Each is logged, and a failed one
    is listed in the Background tasks report with the reason."""
    from .heartbeat import alive
    from .retry import delay_after, max_attempts
    from .worker import WorkerDied, describe

    cutoff = now - datetime.timedelta(minutes=settings.TASKS_STALE_RUNNING_MINUTES)
    living = set(alive(now).values_list("worker_id", flat=True))
    requeued = failed = 0
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if worker in living:  # a long task on a live worker: leave it be
            continue
        attempt = len(row.worker_ids)
        try:
            attempts = max_attempts(row.task)
        except Exception:  # ImportError, SuspiciousOperation: its code is gone; cannot run again
            attempts = attempt
        message = (
            f"The worker {worker or '(unknown)'} stopped while running this task "
            f"(attempt {attempt}, started {row.started_at:%Y-%m-%d %H:%M:%S %Z})"
        )
        # Conditional on the row being as read: a worker that finishes it meanwhile wins.
        unchanged = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        fields = {
            "exception_class_path": f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
            "traceback": f"{WorkerDied.__module__}.{WorkerDied.__qualname__}: {message}",
        }
        if attempt < attempts:
            run_after = now + delay_after(attempt)
            if unchanged.update(status=TaskResultStatus.READY, run_after=run_after, **fields):
                requeued += 1
                logger.warning(
                    "Task %s: %s; queued again (attempt %d of %d) after %s",
                    describe(row), message, attempt + 1, attempts, run_after,
                )
        elif unchanged.update(status=TaskResultStatus.FAILED, finished_at=now, return_value=None, **fields):
            failed += 1
            logger.error(
                "Task %s: %s; marked failed (see the admin's Background tasks report)", describe(row), message
            )
    return f"{requeued} tasks of dead workers queued again, {failed} marked failed."


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
    heartbeats, _ = WorkerHeartbeat.objects.filter(beat_at__lt=succeeded_before).delete()
    return (
        f"Deleted {tasks} finished task results, {runs} old scheduler runs "
        f"and {heartbeats} heartbeats of old workers."
    )


def purge_access_log(now):
    from audit.purge import purge

    return f"Deleted {purge(now)} access-log entries older than {settings.PORTAL_ACCESS_LOG_DAYS} days."


JOBS = [
    Job("review_reminders", "Review reminders", DAILY, review_reminders),
    Job("stale_capacity", "Stale capacity notices", DAILY, stale_capacity),
    Job("clean_up", "Clean-up of old task results", DAILY, clean_up),
    Job("purge_access_log", "Purge of old access-log entries", DAILY, purge_access_log),
    # Hourly: a task of a dead worker should not wait for tomorrow's clean-up.
    Job("requeue_stale_tasks", "Tasks left running by a dead worker", HOURLY, requeue_stale_tasks),
]
