"""`manage.py db_worker`: django-tasks-db's command (same options), running our worker, which
retries the tasks marked ``retried`` with backoff (background/retry.py) and writes a heartbeat
while it runs (background/heartbeat.py)."""

import os
import signal

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from background.heartbeat import Heartbeat
from background.worker import RetryingWorker


def run_with_heartbeat(worker):
    heartbeat = Heartbeat(worker.worker_id).start()
    try:
        worker.run()
    finally:
        heartbeat.stop()


class Command(db_worker.Command):
    help = "Run the background task worker (database backend, with retries)."

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        worker = RetryingWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":  # only the reloaded child works
                worker.configure_signals()
            run_with_reloader(run_with_heartbeat, worker)
            return
        # Put back the caller's handlers afterwards (call_command from tests or another command).
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        worker.configure_signals()
        try:
            run_with_heartbeat(worker)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
