"""The shared cache (Redis) that degrades instead of failing: with Redis down, pages are served
without the cache.

Every operation that Redis cannot answer (refused, timed out, broken reply) behaves like a miss
on an empty cache: ``get`` returns the default, ``get_many`` nothing, ``add``/``set``/``delete``
do nothing, ``has_key`` is False, ``incr``/``decr`` raise ValueError as for a missing key. A
warning goes to the log when Redis is first found down and then at most once per
CACHE_DOWN_LOG_SECONDS per server (not once per call). After a failure the server is not asked
again for CACHE_DOWN_RETRY_SECONDS, so a dead Redis costs each request nothing at all rather than
a connect timeout per cache call.

/healthz must still see the truth: inside ``raising()`` errors propagate and the pause is
ignored (portal/health.py).
"""

import contextlib
import contextvars
import logging
import threading
import time
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("portal.cache")

ERRORS = (redis.exceptions.RedisError, OSError)

_raising = contextvars.ContextVar("portal_cache_raising", default=False)
_lock = threading.Lock()
_down = {}  # server -> {"until": monotonic time to try again, "logged": monotonic time of last warning}


@contextlib.contextmanager
def raising():
    """Inside this block the cache raises Redis errors (and always asks Redis)."""
    token = _raising.set(True)
    try:
        yield
    finally:
        _raising.reset(token)


def _safe_location(servers):
    """The server list without passwords (for the log)."""
    shown = []
    for server in servers:
        parts = urlsplit(server)
        host = parts.hostname or ""
        shown.append(f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}")
    return ",".join(shown)


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._where = _safe_location(self._servers)

    @property
    def is_down(self):
        """True while this server is known to be down (callers may say what they skipped)."""
        with _lock:
            state = _down.get(self._where)
        return state is not None and state["until"] > time.monotonic()

    def _guarded(self, operation, fallback, call):
        if _raising.get():
            value = call()
            self._mark_up()
            return value
        if self.is_down:
            return fallback()
        try:
            value = call()
        except ERRORS as exc:
            self._mark_down(operation, exc)
            return fallback()
        self._mark_up()
        return value

    def _mark_down(self, operation, exc):
        now = time.monotonic()
        retry_after = getattr(settings, "CACHE_DOWN_RETRY_SECONDS", 5)
        log_every = getattr(settings, "CACHE_DOWN_LOG_SECONDS", 60)
        with _lock:
            state = _down.setdefault(self._where, {"logged": None})
            state["until"] = now + retry_after
            tell = state["logged"] is None or now - state["logged"] >= log_every
            if tell:
                state["logged"] = now
        if tell:
            logger.warning(
                "Cache %s is down (%s on %s: %s); serving without the cache, asking again every %g s",
                self._where,
                type(exc).__name__,
                operation,
                exc,
                retry_after,
            )

    def _mark_up(self):
        if self._where in _down:  # cheap check first: the usual case is "never down"
            with _lock:
                was = _down.pop(self._where, None)
            if was is not None:
                logger.warning("Cache %s answers again", self._where)

    # --- Django's cache API, each operation guarded -------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guarded("add", lambda: False, lambda: parent.add(key, value, timeout, version))

    def get(self, key, default=None, version=None):
        parent = super()
        return self._guarded("get", lambda: default, lambda: parent.get(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        self._guarded("set", lambda: None, lambda: parent.set(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guarded("touch", lambda: False, lambda: parent.touch(key, timeout, version))

    def delete(self, key, version=None):
        parent = super()
        return self._guarded("delete", lambda: False, lambda: parent.delete(key, version))

    def get_many(self, keys, version=None):
        parent = super()
        return self._guarded("get_many", dict, lambda: parent.get_many(keys, version))

    def has_key(self, key, version=None):
        parent = super()
        return self._guarded("has_key", lambda: False, lambda: parent.has_key(key, version))

    def incr(self, key, delta=1, version=None):
        """Like a missing key when Redis is down (decr and incr_version go through here)."""
        parent = super()

        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is down)")

        return self._guarded("incr", missing, lambda: parent.incr(key, delta, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guarded("set_many", lambda: list(data), lambda: parent.set_many(data, timeout, version))

    def delete_many(self, keys, version=None):
        parent = super()
        self._guarded("delete_many", lambda: None, lambda: parent.delete_many(keys, version))

    def clear(self):
        parent = super()
        return self._guarded("clear", lambda: False, lambda: parent.clear())
