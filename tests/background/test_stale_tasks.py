"""A task left "running" by a worker that died is found by the scheduler: a retried task is
queued again as its next attempt (with backoff) and then run by the worker; a task that is not
retried, or has had all its attempts, is marked failed with the reason and reported. A task on
a worker that is still alive (fresh heartbeat) is left alone, however long it runs."""

import datetime
import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background import heartbeat, scheduler
from background.jobs import requeue_stale_tasks
from search.tasks import refresh_documents
from tests.background.test_worker import make_due, titles


@task()
def note_something(text):  # not marked retried
    return text


def left_running(task_id, minutes_ago, *workers):
    """What a worker killed in the middle of the task leaves behind."""
    DBTaskResult.objects.filter(pk=task_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        worker_ids=list(workers),
    )


def row(task_id):
    return DBTaskResult.objects.get(pk=task_id)


@pytest.mark.django_db
@override_settings(TASKS_STALE_RUNNING_MINUTES=30, TASKS_RETRY_BASE_SECONDS=30, TASKS_MAX_ATTEMPTS=3)
def test_a_retried_task_of_a_dead_worker_is_queued_again_once_then_run(db_tasks, make_org, work, caplog):
    org = make_org("Svay Rieng Reception Centre")
    task_id = refresh_documents.enqueue([f"organization:{org.translation_key}"]).id
    left_running(task_id, 45, "killed-worker")
    assert titles("Svay Rieng Reception Centre") == []

    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="background.jobs"):
        [run] = scheduler.tick(now=now, only=["requeue_stale_tasks"])
    assert run.status == "succeeded" and run.message.startswith("1 tasks of dead workers queued again")
    queued = row(task_id)
    assert queued.status == TaskResultStatus.READY
    assert queued.run_after == now + datetime.timedelta(seconds=30)  # backoff after attempt 1
    assert queued.exception_class_path == "background.worker.WorkerDied"
    assert "killed-worker stopped while running this task" in queued.traceback
    [record] = [r for r in caplog.records if r.name == "background.jobs"]
    assert "queued again (attempt 2 of 3)" in record.getMessage()

    # Queued once: looking again finds nothing more to do.
    assert requeue_stale_tasks(timezone.now()).startswith("0 tasks of dead workers queued again, 0 marked")
    assert row(task_id).run_after == queued.run_after

    make_due(task_id)
    work()
    done = row(task_id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.worker_ids == ["killed-worker", "in-process"]
    assert titles("Svay Rieng Reception Centre") == ["Svay Rieng Reception Centre"]


@pytest.mark.django_db
@override_settings(TASKS_STALE_RUNNING_MINUTES=30, TASKS_MAX_ATTEMPTS=2)
def test_tasks_that_cannot_run_again_are_failed_and_reported(db_tasks, make_org, editors_client, caplog):
    org = make_org("Takeo Legal Aid")
    plain = note_something.enqueue("hello").id
    exhausted = refresh_documents.enqueue([f"organization:{org.translation_key}"]).id
    left_running(plain, 40, "oom-killed")
    left_running(exhausted, 40, "first-worker", "second-worker")  # attempt 2 of 2

    with caplog.at_level(logging.ERROR, logger="background.jobs"):
        summary = requeue_stale_tasks(timezone.now())
    assert summary == "0 tasks of dead workers queued again, 2 marked failed."
    for task_id in (plain, exhausted):
        failed = row(task_id)
        assert failed.status == TaskResultStatus.FAILED and failed.finished_at is not None
    assert len([r for r in caplog.records if r.name == "background.jobs"]) == 2

    html = editors_client.get(reverse("background_tasks")).content.decode()
    failed_table = html[html.index('data-testid="failed-tasks"') :]
    assert "note_something" in failed_table and "refresh_documents" in failed_table
    assert "WorkerDied: The worker oom-killed stopped while running this task" in failed_table
    assert "WorkerDied: The worker second-worker stopped while running this task" in failed_table


@pytest.mark.django_db
@override_settings(TASKS_STALE_RUNNING_MINUTES=30)
def test_running_tasks_of_live_workers_and_recent_tasks_are_left_alone(db_tasks, make_org):
    org = make_org("Kampot Outreach")
    key = f"organization:{org.translation_key}"
    long_running = refresh_documents.enqueue([key]).id
    recent = refresh_documents.enqueue([key]).id
    left_running(long_running, 90, "busy-worker")
    left_running(recent, 10, "gone-worker")
    heartbeat.beat("busy-worker", timezone.now() - datetime.timedelta(hours=2))

    assert requeue_stale_tasks(timezone.now()).startswith("0 tasks of dead workers queued again, 0 marked")
    assert row(long_running).status == TaskResultStatus.RUNNING
    assert row(recent).status == TaskResultStatus.RUNNING
