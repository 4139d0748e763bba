"""The worker's heartbeat: `db_worker` records it while it runs; /healthz reports the worker
(without a 503 unless ?strict=1: web must not be restarted because the worker is down);
`manage.py worker_health` (the worker container's health check) fails when it is stale; the
Background tasks report shows each worker's last heartbeat."""

import datetime
import json
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from background import heartbeat
from background.models import WorkerHeartbeat


def healthz(query=""):
    response = Client().get("/healthz" + query)
    return response.status_code, json.loads(response.content)


def worker_health(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("worker_health", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, out.getvalue()


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


@pytest.mark.django_db
def test_db_worker_records_its_heartbeat_and_that_it_stopped(db_tasks):
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "batch-worker", stdout=StringIO())
    beat = WorkerHeartbeat.objects.get(worker_id="batch-worker")
    assert beat.hostname == socket.gethostname() and beat.beat_at >= beat.started_at
    assert beat.stopped_at is not None  # stopped cleanly: not counted as alive
    assert healthz()[1]["checks"]["worker"] == "down"


@pytest.mark.django_db
@override_settings(WORKER_HEARTBEAT_STALE_SECONDS=120)
def test_healthz_reports_the_worker_without_failing_web_unless_strict():
    status, body = healthz()
    assert status == 200
    assert body == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "ok", "search": "ok", "worker": "down"},
    }
    status, body = healthz("?strict=1")
    assert status == 503 and body["down"] == ["worker"]

    heartbeat.beat("web-test-worker", ago(minutes=10), now=ago(minutes=5))  # stale
    assert healthz()[1]["checks"]["worker"] == "down"

    heartbeat.beat("web-test-worker", ago(minutes=10))
    status, body = healthz("?strict=1")
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "search": "ok", "worker": "ok"}}

    heartbeat.stopped("web-test-worker")
    assert healthz()[1]["checks"]["worker"] == "down"


@pytest.mark.django_db
@override_settings(WORKER_HEARTBEAT_STALE_SECONDS=120)
def test_worker_health_command_fails_when_the_heartbeat_is_stale():
    code, message = worker_health()
    assert code == 1 and "No task worker with a fresh heartbeat" in message

    heartbeat.beat("container-worker", ago(minutes=30), now=ago(minutes=3))
    assert worker_health()[0] == 1

    heartbeat.beat("container-worker", ago(minutes=30))
    code, message = worker_health()
    assert code == 0 and "container-worker" in message
    assert worker_health("--worker-id", "container-worker")[0] == 0
    assert worker_health("--worker-id", "another-worker")[0] == 1

    # Only this host's workers count, unless asked otherwise.
    WorkerHeartbeat.objects.filter(worker_id="container-worker").update(hostname="another-host")
    assert worker_health()[0] == 1
    assert worker_health("--any-host")[0] == 0


@pytest.mark.django_db
@override_settings(WORKER_HEARTBEAT_STALE_SECONDS=120)
def test_the_report_shows_each_workers_last_heartbeat(db_tasks, editors_client):
    html = editors_client.get(reverse("background_tasks")).content.decode()
    assert 'data-testid="no-worker"' in html

    heartbeat.beat("alive-worker", ago(hours=1))
    heartbeat.beat("silent-worker", ago(hours=3), now=ago(hours=2))
    html = editors_client.get(reverse("background_tasks")).content.decode()
    assert 'data-testid="no-worker"' not in html
    rows = html[html.index('data-testid="workers"') :]

    def state(worker_id):
        row = rows[rows.index(f'data-worker="{worker_id}"') :]
        return row[row.index('data-testid="worker-state">') :].split(">", 1)[1].split("<", 1)[0]

    assert state("alive-worker") == "Running"
    assert state("silent-worker") == "Not responding"
    silent = WorkerHeartbeat.objects.get(worker_id="silent-worker")
    assert timezone.localtime(silent.beat_at).strftime("%Y-%m-%d %H:%M:%S") in rows
