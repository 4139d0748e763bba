"""Rendered listing pages for anonymous visitors, kept in the shared cache.

The directory listing and the search page cost 20-25 ms of CPU to render with the demo data;
the same URL asked again by another anonymous visitor has the same body until the index
changes. Such a page is rendered once and served from the shared cache (Redis in production,
so every worker shares it) for `PUBLIC_PAGE_CACHE_SECONDS` (0 turns it off).

What keeps it safe:

* Only viewers of the public tier who carry no session or message cookie read or fill it:
  a signed-in viewer (partner, editor, member) always gets a fresh render, so nothing a
  higher tier sees can be stored, and nothing per-visitor (messages) can be served to another.
* The key holds everything else the body depends on: the absolute URL with its query string,
  the interface language, the local date (day-based freshness words), and the view's own
  `state`: for listings, the search index's state token, which every publish, unpublish,
  delete and re-index replaces in the same transaction. A change that hides a record therefore
  reaches the next anonymous page at once, without waiting for the expiry; the expiry bounds
  only what changes without an index write (a steward's verification date, labels of
  reference data, which are cached for five minutes per process already).
* CSRF token values (the language switch posts a form) are blanked in the stored body and a
  fresh masked token of the visitor's own secret is put in on each answer, so the cookie and
  form work as after a render (Django's CSRF middleware sets the cookie as usual).
* Only complete 200 HTML answers without `no-store` or `private` are stored.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from . import registry
from .engines import elasticsearch_engine
from .engines.snapshot import current_state

FORMAT = "1"  # bump when what is stored changes shape
# A form's CSRF token (portal/conditional.py leaves its value out of the ETag with this too).
CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _public_visitor(request):
    return (
        request.method in ("GET", "HEAD")
        and registry.viewer_tiers(request.user) == ["public"]
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request, state):
    parts = "|".join(
        # The absolute URL: pages carry links built from the host and scheme (the share link).
        (FORMAT, state, get_language() or "", timezone.localdate().isoformat(), request.build_absolute_uri())
    )
    return "page:" + hashlib.sha256(parts.encode()).hexdigest()


def _storable(response):
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and "no-store" not in cache_control
        and "private" not in cache_control
        and not response.cookies
    )


def _stored(response):
    """(content type, the view's own headers, body with CSRF values blanked)."""
    headers = [(k, v) for k, v in response.items() if k.lower() not in ("content-type", "content-length")]
    return response["Content-Type"], headers, CSRF_VALUE.sub(rb"\1\2", response.content)


def _answer(request, stored):
    content_type, headers, body = stored
    token = get_token(request).encode()
    response = HttpResponse(CSRF_VALUE.sub(rb"\g<1>" + token + rb"\g<2>", body), content_type=content_type)
    for name, value in headers:
        response[name] = value
    # A fresh render reads the session (through request.user) and says so; keep the same Vary.
    patch_vary_headers(response, ("Cookie",))
    return response


def public_page_cache(state):
    """Decorate a view whose anonymous body depends only on the request's URL and language, the
    day and `state(request)` (a string, or None for "do not cache this one")."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
            if not seconds or not _public_visitor(request):
                return view(request, *args, **kwargs)
            current = state(request)
            if current is None:
                return view(request, *args, **kwargs)
            key = _key(request, current)
            stored = cache.get(key)
            if stored is not None:
                return _answer(request, stored)
            response = view(request, *args, **kwargs)
            if _storable(response):
                cache.set(key, _stored(response), seconds)
            return response

        return wrapped

    return decorate


def index_state(_request):
    """The database index's state token: replaced by every index write, in its transaction
    (search/engines/snapshot.py). The database index is written beside Elasticsearch too."""
    return current_state()[0]


def database_index_state(request):
    """`index_state` while the database engine answers searches. With Elasticsearch in use, its
    results can change without a database write (and fall back while it is down): not cached."""
    return None if elasticsearch_engine() is not None else index_state(request)
