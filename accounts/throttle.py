"""Failed sign-ins, counted per account and per client address in the shared cache.

Every step of signing in that checks a secret (password, authenticator code, recovery code,
passkey) asks ``Attempt(request, username).locked_message()`` first and calls ``failed()`` when
the secret was wrong. After PORTAL_SIGNIN_MAX_FAILURES failures for one user name, or
PORTAL_SIGNIN_MAX_FAILURES_PER_ADDRESS from one client address, within
PORTAL_SIGNIN_WINDOW_MINUTES, every attempt is refused until that window ends.

No account enumeration: the user name is counted whether or not such an account exists, the
refusal reads the same for both, and a refused attempt checks no password at all.

The counters live in the shared cache (Redis in production, so all workers count together;
portal/cache.py). With Redis down the cache forgets: sign-in then goes unthrottled (logged)
rather than locking everyone out; django-otp's own per-device back-off still slows code guessing.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from portal.client import client_address

logger = logging.getLogger("accounts.throttle")

PREFIX = "signin-failures"


def _account_key(username):
    # Hashed: user names do not sit in the cache in clear; case-folded like a typed name.
    digest = hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()[:32]
    return f"{PREFIX}:account:{digest}"


def _address_key(address):
    return f"{PREFIX}:address:{address or 'unknown'}"


def window_seconds():
    return max(1, settings.PORTAL_SIGNIN_WINDOW_MINUTES * 60)


class Attempt:
    def __init__(self, request, username):
        self.keys = {
            _account_key(username): settings.PORTAL_SIGNIN_MAX_FAILURES,
            _address_key(client_address(request)): settings.PORTAL_SIGNIN_MAX_FAILURES_PER_ADDRESS,
        }

    def locked_until(self):
        """The time (epoch seconds) until which attempts are refused, or None."""
        stored = cache.get_many([*self.keys, *(f"{key}:until" for key in self.keys)])
        until = [
            stored.get(f"{key}:until") or time.time() + window_seconds()
            for key, limit in self.keys.items()
            if limit and (stored.get(key) or 0) >= limit
        ]
        return max(until) if until else None

    def locked_message(self):
        """The message that refuses this attempt, or "" when it may go ahead."""
        until = self.locked_until()
        if until is None:
            return ""
        minutes = max(1, math.ceil((until - time.time()) / 60))
        return ngettext(
            "Too many attempts; try again in %(minutes)d minute.",
            "Too many attempts; try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}

    def failed(self):
        """Count one failure against the account and the address (the window starts at the first)."""
        window = window_seconds()
        for key in self.keys:
            cache.add(f"{key}:until", time.time() + window, window)
            cache.add(key, 0, window)
            try:
                count = cache.incr(key)
            except ValueError:  # the cache is down (or the key expired between the two calls)
                logger.warning("Sign-in failure not counted: the cache did not keep %s", key.split(":")[1])
                continue
            if count == self.keys[key]:
                logger.warning("Sign-in refused for %s minutes after %s failures (%s)",
                               window // 60, count, key.split(":")[1])

    def succeeded(self):
        """A complete sign-in clears the account's count (the address keeps its own)."""
        account = next(iter(self.keys))
        cache.delete_many([account, f"{account}:until"])
