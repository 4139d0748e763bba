"""`manage.py run_portal` (what `make run` ends with): the web server, the worker and the
scheduler start together, and SIGTERM stops every process they started."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """{pid: command line} of every process below ``pid``, read from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append((int(entry.name), cmdline))
    found, todo = {}, [pid]
    while todo:
        for child, cmdline in children.get(todo.pop(), []):
            found[child] = cmdline
            todo.append(child)
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_for(condition, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def migrated_copy(db, tmp_path):
    """A file copy of the migrated test database, so the child processes need no migrate."""
    connection.ensure_connection()
    database = tmp_path / "portal.sqlite3"
    target = sqlite3.connect(database)
    target.executescript("\n".join(connection.connection.iterdump()))
    target.close()
    return database


@pytest.mark.sqlite_only
def test_run_portal_starts_web_worker_and_scheduler_and_sigterm_stops_them_all(migrated_copy, tmp_path):
    database = migrated_copy
    log = open(tmp_path / "run_portal.log", "w+b")  # a file, not a pipe: a full pipe would block them
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "SCHEDULER_INTERVAL_SECONDS": "3600",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_portal", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def serving():
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            except urllib.error.HTTPError:
                return True  # any HTTP answer: the web server is up
            except OSError:
                return False
            return True

        assert wait_for(serving), "the web server never answered"
        started = {}

        def all_started():
            started.update(descendants(process.pid))
            commands = " | ".join(started.values())
            # runserver and the worker auto-reload in development: each is a parent and a child.
            return all(commands.count(f"manage.py {c}") >= n for c, n in (("runserver", 2), ("db_worker", 2)))

        assert wait_for(all_started), started
        assert any("manage.py run_scheduler" in c for c in started.values()), started

        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0
        assert wait_for(lambda: not any(alive(pid) for pid in started), 15), {
            pid: cmd for pid, cmd in started.items() if alive(pid)
        }
        log.seek(0)
        output = log.read().decode()
        assert "Started web" in output and "Stopped." in output
    finally:
        log.close()
        if process.poll() is None:
            process.kill()
        for pid in descendants(process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
