"""GET /healthz: can this web process serve? Used by the container health check and monitors.

Each dependency is checked with the smallest real operation: a query on the database, a
set/get round trip on the cache (Redis in production), and search: a ping to Elasticsearch when
ELASTICSEARCH_URL is set, else a read of the database index table. 200 with {"status": "ok"} when
all answer, 503 naming what is down otherwise. The task worker's heartbeat is reported too
("worker": "ok"/"down"); a stopped worker makes the status "degraded" but not a 503 (see
REQUIRED), except with ?strict=1. The body never carries error messages, host
names or URLs (anyone can ask); the log has the details.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .cache import raising

logger = logging.getLogger("portal.health")


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def check_cache():
    # The shared cache serves pages as a miss when Redis is down (portal/cache.py); here its
    # errors are raised so the log says why, and the value read back must be the one written.
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    with raising():
        cache.set(key, value, timeout=10)
        try:
            return cache.get(key) == value
        finally:
            cache.delete(key)


def check_search():
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        from search.engines import elasticsearch_engine

        return bool(elasticsearch_engine().client.ping())
    from search.models import IndexEntry

    IndexEntry.objects.values_list("pk", flat=True).first()
    return True


def check_worker():
    """A task worker wrote a heartbeat within WORKER_HEARTBEAT_STALE_SECONDS."""
    from background.heartbeat import alive

    return alive().exists()


CHECKS = {"database": check_database, "cache": check_cache, "search": check_search, "worker": check_worker}
# What this web process needs to serve. A stopped worker delays background work (index updates,
# extraction) but pages still work, and the container health check must not restart web for
# it: the worker is reported ("status": "degraded") without a 503, unless ?strict=1 is asked.
REQUIRED = ("database", "cache", "search")


def run_checks():
    results = {}
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception:
            logger.exception("Health check: %s is down", name)
            ok = False
        else:
            if not ok:
                logger.error("Health check: %s answered wrongly", name)
        results[name] = "ok" if ok else "down"
    return results


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    required = CHECKS if request.GET.get("strict") == "1" else REQUIRED
    down = sorted(name for name, state in checks.items() if state != "ok" and name in required)
    degraded = any(state != "ok" for state in checks.values())
    body = {"status": "down" if down else "degraded" if degraded else "ok", "checks": checks}
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)
