"""`manage.py worker_health`: exit 0 when a task worker on this host wrote a heartbeat within
WORKER_HEARTBEAT_STALE_SECONDS, 1 otherwise (the worker container's health check).

A worker that is stuck (its process is there but its heartbeat thread cannot reach the
database) shows as unhealthy, which a check of the process list alone would miss.
"""

import socket

from django.core.management.base import BaseCommand

from background.heartbeat import alive


class Command(BaseCommand):
    help = "Exit 0 when a task worker on this host has a fresh heartbeat, 1 when not."

    def add_arguments(self, parser):
        parser.add_argument("--any-host", action="store_true", help="A worker on any host will do.")
        parser.add_argument("--worker-id", help="This worker only.")

    def handle(self, *args, any_host=False, worker_id=None, **options):
        beats = alive()
        if worker_id:
            beats = beats.filter(worker_id=worker_id)
        elif not any_host:
            beats = beats.filter(hostname=socket.gethostname()[:255])
        latest = beats.order_by("-beat_at").first()
        if latest is None:
            self.stderr.write("No task worker with a fresh heartbeat.")
            raise SystemExit(1)
        self.stdout.write(f"Worker {latest.worker_id} (pid {latest.pid}) alive, last beat {latest.beat_at}.")
