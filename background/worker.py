"""The database worker, with retries: django-tasks-db's worker loop, and our way of running
one task (see background.retry for which tasks are retried and when).

``manage.py db_worker`` (background/management/commands/db_worker.py) runs this worker; tests
run it in-process with ``run_queued_tasks()``.
"""

import logging

from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django_tasks.base import TaskContext, TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks.utils import get_exception_traceback, get_module_path
from django_tasks_db.management.commands.db_worker import Worker

from . import retry

logger = logging.getLogger("background.worker")


class WorkerDied(Exception):
    """Recorded for a task left "running" by a worker that stopped without finishing it."""


def describe(db_result):
    return f"{db_result.task_path} {db_result.args_kwargs} (id {db_result.id})"


def requeue(db_result, exc, attempt):
    """Put a task that raised back in the queue for its next attempt, keeping its last error."""
    db_result.status = TaskResultStatus.READY
    db_result.run_after = timezone.now() + retry.delay_after(attempt)
    db_result.exception_class_path = get_module_path(type(exc))
    db_result.traceback = get_exception_traceback(exc)
    db_result.save(update_fields=["status", "run_after", "exception_class_path", "traceback"])


class RetryingWorker(Worker):
    def run_task(self, db_task_result):
        self.running_task = True
        try:
            self._run(db_task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _run(self, db_result):
        try:
            task = db_result.task
            task_result = db_result.task_result
        except (ImportError, SuspiciousOperation) as exc:  # the task's code is gone or invalid
            db_result.set_failed(exc)
            logger.error("Task %s cannot be run", describe(db_result), exc_info=exc)
            return
        sender = type(task.get_backend())
        attempt = len(db_result.worker_ids)  # claim() added this worker
        attempts = retry.max_attempts(task)
        task_started.send(sender=sender, task_result=task_result)
        token = retry.running(attempt, attempts)
        try:
            args = [TaskContext(task_result=task_result)] if task.takes_context else []
            value = task.call(*args, *task_result.args, **task_result.kwargs)
            db_result.set_successful(value)  # inside the try: a value that cannot be stored fails
        except BaseException as exc:
            if attempt < attempts:
                requeue(db_result, exc, attempt)
                logger.warning(
                    "Task %s failed (attempt %d of %d, %s: %s); next attempt after %s",
                    describe(db_result),
                    attempt,
                    attempts,
                    type(exc).__name__,
                    exc,
                    db_result.run_after,
                )
            else:
                db_result.set_failed(exc)
                logger.error(
                    "Task %s failed after %d attempt(s); see the admin's Background tasks report",
                    describe(db_result),
                    attempt,
                    exc_info=exc,
                )
                task_finished.send(sender=sender, task_result=db_result.task_result)
            if not isinstance(exc, Exception):  # the worker is being stopped: let it stop
                raise
            return
        finally:
            retry.finished(token)
        task_finished.send(sender=sender, task_result=db_result.task_result)


def run_queued_tasks(backend_name="default", max_tasks=None):
    """Run every task that is due now, in this process, then return the number run (tests;
    `db_worker --batch` does the same from the command line).

    One task per worker loop: between tasks the loop calls close_old_connections(), which closes
    a connection that is inside a transaction (a test's, on PostgreSQL) as unusable.
    """
    done = 0
    while max_tasks is None or done < max_tasks:
        worker = RetryingWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=1,
            worker_id="in-process",
        )
        worker.run()
        if not worker._run_tasks:
            break
        done += worker._run_tasks
    return done
