"""Which tasks are retried, when the next attempt runs, and whether this attempt is the last.

    @task()
    @retried
    def refresh_documents(keys): ...

A task marked ``retried`` that raises is queued again by the worker (background.worker) after
TASKS_RETRY_BASE_SECONDS * 2 ** (attempt - 1), until TASKS_MAX_ATTEMPTS attempts have been
made; then it is marked failed, logged and listed in the admin's "Background tasks" report. A
task that is not marked fails at its first error. Retried tasks must be idempotent: an attempt
may have done part of its work before it raised.
"""

import contextvars
import datetime

from django.conf import settings

_current = contextvars.ContextVar("background_task_attempt", default=None)


def retried(func):
    func.retry_on_failure = True
    return func


def max_attempts(task):
    return max(1, settings.TASKS_MAX_ATTEMPTS) if getattr(task.func, "retry_on_failure", False) else 1


def delay_after(attempt):
    """The wait before the attempt that follows failed attempt number ``attempt`` (1-based)."""
    return datetime.timedelta(seconds=settings.TASKS_RETRY_BASE_SECONDS * 2 ** (attempt - 1))


def running(attempt, of):
    """Context for the worker: the task now running is attempt ``attempt`` of ``of``."""
    return _current.set((attempt, of))


def finished(token):
    _current.reset(token)


def is_last_attempt():
    """False while the worker will run this task again if it raises. Outside the worker (the
    immediate backend, a direct call) there is no next attempt."""
    state = _current.get()
    return state is None or state[0] >= state[1]
