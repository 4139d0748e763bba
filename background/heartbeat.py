"""Worker heartbeats: each `manage.py db_worker` process says it is alive every
WORKER_HEARTBEAT_SECONDS, from a thread of its own so that a long task does not stop the beat.

The beat is a row per worker id in the database (the cache may be down; the database is what
the worker needs anyway). A worker is alive while its last beat is younger than
WORKER_HEARTBEAT_STALE_SECONDS and it has not stopped. /healthz, `manage.py worker_health`, the
Background tasks report and the scheduler's search for tasks left running by a dead worker
(background/jobs.py) all ask here.
"""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger("background.heartbeat")


def beat(worker_id, started_at, now=None):
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": now,
            "stopped_at": None,
        },
    )


def stopped(worker_id):
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def fresh_since(now=None):
    now = now or timezone.now()
    return now - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)


def alive(now=None):
    """The heartbeats of workers that are alive at ``now``."""
    return WorkerHeartbeat.objects.filter(beat_at__gte=fresh_since(now), stopped_at__isnull=True)


def is_alive(heartbeat, now=None):
    return heartbeat.stopped_at is None and heartbeat.beat_at >= fresh_since(now)


class Heartbeat:
    """Beats at once (so a worker that cannot reach the database fails at start), then every
    WORKER_HEARTBEAT_SECONDS from a daemon thread until ``stop()``."""

    def __init__(self, worker_id):
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{worker_id}", daemon=True)

    def start(self):
        beat(self.worker_id, self.started_at)
        logger.info("Worker %s: heartbeat every %d s", self.worker_id, settings.WORKER_HEARTBEAT_SECONDS)
        self._thread.start()
        return self

    def _run(self):
        try:
            while not self._stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    beat(self.worker_id, self.started_at)
                except Exception:  # the database restarting: try again at the next beat
                    logger.warning("Worker %s could not write its heartbeat", self.worker_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        try:
            stopped(self.worker_id)
        except Exception:
            logger.warning("Worker %s could not record that it stopped", self.worker_id, exc_info=True)
