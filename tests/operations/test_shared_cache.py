"""The suggestion rate limit counts across processes when they share Redis.

Two real Django processes (as two gunicorn workers would be) each run the portal's rate limit
(`directory.suggestions.over_limit`) on requests that arrive through the trusted proxy; the
requests alternate between the processes. With Redis the limit trips at the configured total;
with each process's own memory cache it would trip only at twice that.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
# Not db 9: CI's PostgreSQL pass runs beside this one with db 9 as its cache and empties it
# between tests (cache.clear() is FLUSHDB), which removed this test's counter mid-run.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
PROXY = "172.28.0.10"
LIMIT = 4

CHILD = """
import sys
from django.test import RequestFactory
from directory.suggestions import over_limit
factory = RequestFactory()
print("ready", flush=True)
for line in sys.stdin:
    remote, forwarded = line.split()
    request = factory.post("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    print("limited" if over_limit(request) else "allowed", flush=True)
"""


class Worker:
    def __init__(self, env):
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", CHILD],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        first = self.proc.stdout.readline().strip()
        if first != "ready":
            self.proc.kill()
            raise RuntimeError(f"worker did not start: {first!r} {self.proc.stderr.read()[-2000:]}")

    def ask(self, remote, forwarded):
        self.proc.stdin.write(f"{remote} {forwarded}\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def run_alternately(redis_url, prefix, visitor, attempts):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "SECRET_KEY": "shared-cache-test-key",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "TRUSTED_PROXIES": PROXY,
        "DIRECTORY_SUGGESTION_RATE_LIMIT": str(LIMIT),
    }
    workers = [Worker(env), Worker(env)]
    try:
        answers = [workers[n % 2].ask(PROXY, visitor) for n in range(attempts)]
    finally:
        for worker in workers:
            worker.close()
    return answers


@pytest.fixture
def redis_prefix():
    prefix = f"ops-test-{secrets.token_hex(6)}"
    server = redis.Redis.from_url(REDIS_URL)
    server.ping()  # Redis runs on these machines and in CI; a missing server is a failure
    yield prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


def test_rate_limit_counts_across_two_processes_sharing_redis(redis_prefix):
    answers = run_alternately(REDIS_URL, redis_prefix, "203.0.113.7", LIMIT + 2)
    assert answers == ["allowed"] * LIMIT + ["limited"] * 2
    # The count is in Redis under this environment's prefix, not in either process.
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(f"{redis_prefix}:*directory:suggest:*"))
    assert len(keys) == 1 and int(server.get(keys[0])) == LIMIT + 2


def test_without_a_shared_cache_each_process_counts_alone(redis_prefix):
    # The failure the shared cache fixes: per-process memory lets twice the limit through.
    answers = run_alternately("", redis_prefix, "203.0.113.8", 2 * LIMIT + 2)
    assert answers == ["allowed"] * (2 * LIMIT) + ["limited"] * 2
