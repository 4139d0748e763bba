"""Container health checks.

    python docker/healthcheck.py            web: GET /healthz on this container's gunicorn, with a
                                            Host it accepts; healthy when the portal says "ok"
                                            (database, cache and search reachable)
    python docker/healthcheck.py run_scheduler
                                            scheduler: the container's main process is still
                                            that command (it exits on a fatal error, and the
                                            restart policy starts it again). The worker checks
                                            its heartbeat instead: `manage.py worker_health`.
"""

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path


def web():
    allowed = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    hosts = [h.lstrip(".") for h in allowed if h not in ("", "*")]
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    request = urllib.request.Request(url, headers={"Host": hosts[0] if hosts else "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except urllib.error.HTTPError as error:
        print(error.read().decode("utf-8", "replace")[:500])
    except OSError as error:
        print(error)
    return False


def process(name):
    arguments = Path("/proc/1/cmdline").read_bytes().split(b"\0")
    return name.encode() in arguments


if __name__ == "__main__":
    sys.exit(0 if (process(sys.argv[1]) if len(sys.argv) > 1 else web()) else 1)
