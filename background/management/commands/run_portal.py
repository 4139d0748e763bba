"""`manage.py run_portal [addr:port]`: the development stack in one command (`make run`).

Starts the web server (runserver), the task worker (db_worker) and the scheduler
(run_scheduler) as child processes, each in its own process group, and stops them all when it
gets Ctrl-C or SIGTERM, or when one of them exits (the others are then stopped too, and the exit
status says which one failed). A whole group is signalled, so runserver's and the worker's
auto-reloader children stop with their parents and nothing is left running.
"""

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 10


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):  # the whole group is gone already
        pass


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together (Ctrl-C stops all three)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="No auto-reload on code changes.")

    def commands(self, addrport, noreload):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        return {
            "web": [*manage, "runserver", addrport, *(["--noreload"] if noreload else [])],
            "worker": [
                *manage,
                "db_worker",
                "--reload" if settings.DEBUG and not noreload else "--no-reload",
            ],
            "scheduler": [*manage, "run_scheduler"],
        }

    def handle(self, *args, addrport, noreload, **options):
        stop = threading.Event()
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        for sig in previous:
            signal.signal(sig, lambda *_: stop.set())
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        children = {}
        try:
            for name, command in self.commands(addrport, noreload).items():
                children[name] = subprocess.Popen(command, env=env, start_new_session=True)
                self.stdout.write(f"Started {name} (pid {children[name].pid}): {' '.join(command[1:])}")
            self.stdout.write("Press Ctrl-C to stop the web server, the worker and the scheduler.")
            ended = None
            while not stop.wait(0.5):
                ended = next((name for name, p in children.items() if p.poll() is not None), None)
                if ended:
                    break
        finally:
            self.stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if ended:
            raise CommandError(
                f"The {ended} process exited (status {children[ended].returncode}); stopped the rest."
            )
        self.stdout.write("Stopped.")

    def stop_all(self, children):
        for process in children.values():
            _signal_group(process, signal.SIGTERM)
        for name, process in children.items():
            try:
                process.wait(GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop within {GRACE_SECONDS} s: killing it.")
                _signal_group(process, signal.SIGKILL)
                process.wait()
            _signal_group(process, signal.SIGKILL)  # anything its group left behind
