"""ETag and Last-Modified on pages, so a repeat visit on a slow line costs a 304 and no body.

The ETag is a hash of the body together with everything else the page depends on that the body
alone might not show: the viewer's tier, their account, the interface language and the CSRF
secret. Two viewers of different tiers (or languages) never share an ETag even when their pages
happen to be equal, so a partner's copy never validates as a public one (or the other way,
after signing out on a shared computer). CSRF tokens are masked afresh on every render; the
hash skips their values (any masked form of the same secret is valid, and the secret is in
the hash), else no page would ever match.

Last-Modified is sent to anonymous visitors only: the time since which this URL, in this
language, has given this same body (kept in the shared cache per URL and language; when the
body changes a new, strictly later second starts). A client that sends only If-Modified-Since
gets a 304 only while the body is the one it was given. Signed-in viewers validate by ETag
only, which carries their account and tier.

Responses marked `no-store`, errors, streaming responses, non-text responses and responses
with an ETag of their own are left alone. Pages without a Cache-Control get `no-cache` (stored,
revalidated on every visit: without it browsers would guess a freshness from Last-Modified and
show stale pages), `private` as well for signed-in viewers.
"""

import hashlib
import time

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from directory.visibility import viewer_tier
from search.page_cache import CSRF_VALUE

from .compression import compressible

RUN_SECONDS = 7 * 24 * 3600  # how long a URL's "unchanged since" is remembered


def _cache_control(response):
    return response.get("Cache-Control", "").lower()


def wants_validators(request, response):
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and not response.has_header("ETag")
        and "no-store" not in _cache_control(response)
        and compressible(response)
    )


def page_etag(request, response, user, tier, language):
    body = response.content
    if response.get("Content-Type", "").startswith("text/html"):
        body = CSRF_VALUE.sub(rb"\1\2", body)
    digest = hashlib.blake2b(body, digest_size=16)
    account = user.pk if user is not None and user.is_authenticated else ""
    csrf = request.META.get("CSRF_COOKIE", "")
    encoding = response.get("Content-Encoding", "")
    digest.update(f"|{tier}|{account}|{language}|{csrf}|{encoding}".encode())
    # Weak: the body may differ in its CSRF token's mask (and in gzip's padding).
    return f'W/"{digest.hexdigest()}"'


def unchanged_since(request, etag, language):
    """The first second from which this URL (anonymous, in `language`) has answered `etag`."""
    url = request.get_full_path()
    key = "conditional:" + hashlib.sha256(f"{language}|{url}".encode()).hexdigest()
    stored = cache.get(key)
    if stored and stored[0] == etag:
        return stored[1]
    now = int(time.time())
    # Strictly later than the body before it: two bodies never share a second.
    since = max(now, stored[1] + 1) if stored else now
    cache.set(key, (etag, since), RUN_SECONDS)
    return since


class ConditionalPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not wants_validators(request, response):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        tier = viewer_tier(user)
        language = getattr(request, "LANGUAGE_CODE", None) or get_language() or ""
        etag = page_etag(request, response, user, tier, language)
        response["ETag"] = etag
        last_modified = None
        if not signed_in:
            last_modified = unchanged_since(request, etag, language)
            response["Last-Modified"] = http_date(last_modified)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True, **({"private": True} if signed_in else {}))
        patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
