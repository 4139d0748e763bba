"""The scheduler: each job runs once per day, across restarts and beside another scheduler; a
failed run is tried again later that day; its last run is shown to editors."""

import datetime
import logging
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background import scheduler
from background.models import CapacityNotice, ScheduledJobRun
from portal.roles import coordinators_group_name
from tests.directory.test_reminders import DUE_DAY, VERIFIED, user

FAILING_EMAIL = "tests.directory.test_reminders.FailingBackend"


def at(day, hour=9, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def run_scheduler(moment, *jobs):
    """One pass of `manage.py run_scheduler`, as a freshly started process would make it."""
    out = StringIO()
    args = ["--once", "--now", timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")]
    for job in jobs:
        args += ["--job", job]
    call_command("run_scheduler", *args, stdout=out)
    return out.getvalue()


def recipients():
    found = sorted(r for m in mail.outbox for r in m.to)
    mail.outbox.clear()
    return found


@pytest.fixture
def due_org(make_org):
    return make_org(
        "Scheduler Reminder Centre",
        steward=user("sched-stew"),
        deputy=user("sched-dep"),
        review_interval_days=30,
        last_verified=VERIFIED,
    )


@pytest.mark.django_db
def test_reminders_run_once_per_day_across_restarts(due_org):
    output = run_scheduler(at(DUE_DAY, 9), "review_reminders")
    assert "review_reminders" in output and "succeeded" in output
    assert recipients() == ["sched-stew@example.org"]

    # The scheduler is restarted the same afternoon: the day's run is remembered, not repeated.
    assert run_scheduler(at(DUE_DAY, 15), "review_reminders") == ""
    run = ScheduledJobRun.objects.get(job="review_reminders")
    assert (run.period, run.status, run.attempts) == (DUE_DAY.isoformat(), "succeeded", 1)
    assert "1 e-mails sent" in run.message

    # The next day is a new period: the job runs again, and the reminder is not sent twice.
    assert "succeeded" in run_scheduler(at(DUE_DAY + datetime.timedelta(days=1), 9), "review_reminders")
    assert recipients() == []
    assert ScheduledJobRun.objects.filter(job="review_reminders").count() == 2


@pytest.mark.django_db
def test_a_period_claimed_by_another_scheduler_is_not_run(due_org):
    now = at(DUE_DAY, 9)
    job = next(j for j in scheduler.jobs() if j.name == "review_reminders")
    ScheduledJobRun.objects.create(job=job.name, period=job.period(now), started_at=now)  # running elsewhere
    assert scheduler.tick(now=now + datetime.timedelta(minutes=5), only=[job.name]) == []
    assert recipients() == []
    # A run whose scheduler died is taken over once it has run for longer than the timeout.
    later = now + datetime.timedelta(minutes=121)
    [run] = scheduler.tick(now=later, only=[job.name])
    assert (run.status, run.attempts) == ("succeeded", 2)
    assert recipients() == ["sched-stew@example.org"]


@pytest.mark.django_db
def test_a_failed_run_is_retried_later_the_same_day_then_reported(due_org, caplog, editors_client):
    now = at(DUE_DAY, 9)
    with override_settings(EMAIL_BACKEND=FAILING_EMAIL), caplog.at_level(logging.ERROR):
        [run] = scheduler.tick(now=now, only=["review_reminders"])
    assert run.status == "failed" and "1 e-mails failed" in run.message
    assert any(r.name == "background.scheduler" and r.exc_info for r in caplog.records)

    html = editors_client.get(reverse("background_tasks")).content.decode()
    row = html[html.index('data-job="review_reminders"') :].split("</tr>")[0]
    assert DUE_DAY.isoformat() in row and "Failed" in row and "1 e-mails failed" in row

    assert scheduler.tick(now=now + datetime.timedelta(minutes=10), only=["review_reminders"]) == []
    [run] = scheduler.tick(now=now + datetime.timedelta(minutes=31), only=["review_reminders"])
    assert (run.status, run.attempts) == ("succeeded", 2)
    assert recipients() == ["sched-stew@example.org"]


@pytest.mark.django_db
def test_the_last_run_of_each_job_is_shown_to_editors(editors_client):
    run_scheduler(at(datetime.date(2026, 3, 2), 8))
    html = editors_client.get(reverse("background_tasks")).content.decode()
    for name in ("review_reminders", "stale_capacity", "clean_up"):
        row = html[html.index(f'data-job="{name}"') :].split("</tr>")[0]
        assert "2026-03-02" in row and 'data-testid="job-outcome">Succeeded' in row


@pytest.mark.django_db
def test_stale_capacity_notifies_the_steward_once_per_capacity_date(make_org, make_service):
    today = timezone.localdate()
    org = make_org("Capacity Test Org")
    steward = user("cap-stew")
    stale = make_service(
        org,
        "Old beds shelter",
        steward=steward,
        capacity_as_of=today - datetime.timedelta(days=40),
        beds_total=8,
    )
    make_service(
        org, "Fresh beds shelter", steward=steward, capacity_as_of=today - datetime.timedelta(days=3)
    )
    make_service(org, "No capacity given", steward=steward)
    orphan = make_service(org, "Orphan shelter", capacity_as_of=today - datetime.timedelta(days=45))
    coordinator = user("cap-coord")
    coordinator.groups.add(Group.objects.get(name=coordinators_group_name()))

    scheduler.tick(now=timezone.now(), only=["stale_capacity"])
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert sorted(by_recipient) == ["cap-coord@example.org", "cap-stew@example.org"]
    assert "Old beds shelter" in by_recipient["cap-stew@example.org"]
    assert "Fresh beds shelter" not in by_recipient["cap-stew@example.org"]
    assert "No capacity given" not in by_recipient["cap-stew@example.org"]
    assert "Orphan shelter" in by_recipient["cap-coord@example.org"]
    mail.outbox.clear()

    # The next day: nobody is told again about the same dates.
    scheduler.tick(now=timezone.now() + datetime.timedelta(days=1), only=["stale_capacity"])
    assert recipients() == []
    assert CapacityNotice.objects.filter(service=stale).count() == 1

    # The steward updates the capacity; when that date is stale in turn, they hear again.
    type(stale).objects.filter(pk=stale.pk).update(capacity_as_of=today - datetime.timedelta(days=31))
    type(orphan).objects.filter(pk=orphan.pk).update(capacity_as_of=today)
    scheduler.tick(now=timezone.now() + datetime.timedelta(days=2), only=["stale_capacity"])
    assert recipients() == ["cap-stew@example.org"]


@pytest.mark.django_db
def test_clean_up_deletes_old_finished_task_results_only(db_tasks, make_org):
    from search.tasks import refresh_documents

    org = make_org("Clean-up Org")
    now = timezone.now()

    def result(status, days_ago):
        task_id = refresh_documents.enqueue([f"organization:{org.translation_key}"]).id
        finished = now - datetime.timedelta(days=days_ago) if status != TaskResultStatus.READY else None
        DBTaskResult.objects.filter(pk=task_id).update(status=status, finished_at=finished)
        return task_id

    old_success = result(TaskResultStatus.SUCCESSFUL, 20)
    recent_success = result(TaskResultStatus.SUCCESSFUL, 2)
    old_failure = result(TaskResultStatus.FAILED, 20)  # failures are kept longer (60 days)
    ancient_failure = result(TaskResultStatus.FAILED, 90)
    waiting = result(TaskResultStatus.READY, 0)

    [run] = scheduler.tick(now=now, only=["clean_up"])
    assert run.status == "succeeded" and run.message.startswith("Deleted 2 finished task results")

    def kept(task_id):
        return DBTaskResult.objects.filter(pk=task_id).exists()

    assert [kept(t) for t in (old_success, recent_success, old_failure, ancient_failure, waiting)] == [
        False,
        True,
        True,
        False,
        True,
    ]
