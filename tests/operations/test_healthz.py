"""GET /healthz: 200 when the database, cache and search answer; 503 naming what is down.

Dependencies are taken down for real where the test can: the cache and Elasticsearch are
pointed at a loopback port where nothing listens. For the database the in-process tests make
the connection's cursor fail; the last test runs a real gunicorn process whose database, Redis
and Elasticsearch are all closed ports.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from portal.settings.base import redis_cache
from tests.search.conftest import elasticsearch_url  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache_at(url):
    return {"default": redis_cache(url)}  # the portal's own Redis settings


def healthz():
    response = Client().get("/healthz")
    return response, json.loads(response.content)


def assert_no_secrets(response, *words):
    text = response.content.decode()
    for word in ("127.0.0.1", "localhost", "redis://", "http://", "postgres", *words):
        assert word not in text


@pytest.fixture
def worker_running(db):
    """A task worker's fresh heartbeat (tests/background/test_heartbeat.py checks the worker)."""
    from django.utils import timezone

    from background.heartbeat import beat

    beat("healthz-test-worker", timezone.now())


@pytest.mark.django_db
def test_all_dependencies_up(worker_running):
    response, body = healthz()
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "search": "ok", "worker": "ok"}}
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_with_redis_as_the_cache():
    with override_settings(CACHES=redis_cache_at(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11"))):
        response, body = healthz()
    assert response.status_code == 200 and body["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_cache_down(caplog, worker_running):
    port = closed_port()
    with override_settings(CACHES=redis_cache_at(f"redis://127.0.0.1:{port}/0")):
        response, body = healthz()
    assert response.status_code == 503
    assert body["status"] == "down" and body["down"] == ["cache"]
    assert body["checks"] == {"database": "ok", "cache": "down", "search": "ok", "worker": "ok"}
    assert_no_secrets(response, str(port))
    # The operator's log has the reason.
    assert any("cache is down" in r.getMessage() and r.exc_info for r in caplog.records)


@pytest.mark.django_db
def test_elasticsearch_up_and_down(elasticsearch_url):  # noqa: F811
    with override_settings(ELASTICSEARCH_URL=elasticsearch_url):
        response, body = healthz()
    assert response.status_code == 200 and body["checks"]["search"] == "ok"

    port = closed_port()
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{port}", SEARCH_ELASTICSEARCH_TIMEOUT=1):
        response, body = healthz()
    assert response.status_code == 503
    assert body["down"] == ["search"]
    assert_no_secrets(response, str(port))


@pytest.mark.django_db
def test_database_down():
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect to server")):
        response, body = healthz()
    assert response.status_code == 503
    assert body["checks"]["database"] == "down" and body["checks"]["cache"] == "ok"
    assert "could not connect" not in response.content.decode()


@pytest.mark.django_db
def test_database_index_table_missing_means_search_down():
    real_cursor = connection.cursor

    def cursor(*args, **kwargs):
        wrapped = real_cursor(*args, **kwargs)
        execute = wrapped.execute

        def guarded(sql, params=None):
            if "search_indexentry" in sql:
                raise OperationalError("no such table: search_indexentry")
            return execute(sql, params)

        wrapped.execute = guarded
        return wrapped

    with mock.patch.object(connection, "cursor", side_effect=cursor):
        response, body = healthz()
    assert response.status_code == 503 and body["down"] == ["search"]


def test_a_server_whose_dependencies_are_all_closed_ports_answers_503(tmp_path):
    port = closed_port()
    listen = closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://portal@127.0.0.1:{port}/portal",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "ELASTICSEARCH_URL": f"http://127.0.0.1:{port}",
        "SEARCH_ELASTICSEARCH_TIMEOUT": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{listen}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{listen}/healthz", timeout=10)
                pytest.fail("/healthz answered 200 with every dependency down")
            except urllib.error.HTTPError as error:
                status, body = error.code, json.loads(error.read())
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()[-3000:])
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert status == 503
    assert body["checks"] == {"database": "down", "cache": "down", "search": "down", "worker": "down"}
    assert body["down"] == ["cache", "database", "search"]
