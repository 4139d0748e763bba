"""What every HSDS API response shares: JSON errors, CORS for GET, ETag/Last-Modified, the
anonymous throttle, and the request's language.

Throttle: anonymous requests are counted per client address in the shared cache (Redis in
production, so every worker counts together), HSDS_API_ANONYMOUS_PER_MINUTE per minute (default
120). Past it the answer is 429 with `Retry-After` (seconds to the end of the minute). Signed-in
users are not throttled here. With the cache down the counter forgets (portal/cache.py) and the
API answers unthrottled rather than refusing everyone.
"""

import hashlib
import json
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date
from django.utils.translation.trans_real import parse_accept_lang_header

from portal.client import client_address

THROTTLE_WINDOW = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Language, Retry-After",
    "Access-Control-Max-Age": "86400",
}


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def bad_request(message):
    return ApiError(400, message)


def not_found(message="No such record or path in this API."):
    return ApiError(404, message)


def _with_headers(response, language=None):
    for key, value in CORS_HEADERS.items():
        response[key] = value
    # The session cookie decides the tier; the language may come from Accept-Language.
    response["Vary"] = "Cookie, Accept-Language"
    if language:
        response["Content-Language"] = language
    return response


def error_response(status, message):
    response = JsonResponse({"error": message, "status": status}, status=status)
    return _with_headers(response)


def json_response(request, data, last_modified=None, language=None):
    """A JSON answer with an ETag over its bytes (304 on a matching If-None-Match)."""
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    matches = request.headers.get("If-None-Match", "")
    if etag in [tag.strip().removeprefix("W/") for tag in matches.split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return _with_headers(response, language)


def streaming_response(response, language=None):
    return _with_headers(response, language)


def _throttled(request):
    """Seconds to wait when this anonymous client is over its budget, else 0."""
    if request.user.is_authenticated:
        return 0
    limit = getattr(settings, "HSDS_API_ANONYMOUS_PER_MINUTE", 120)
    now = time.time()
    window = int(now // THROTTLE_WINDOW)
    key = f"hsds-api:{client_address(request) or 'unknown'}:{window}"
    cache.add(key, 0, THROTTLE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr, or the cache is down
        return 0
    if count > limit:
        return max(1, int((window + 1) * THROTTLE_WINDOW - now) + 1)
    return 0


def api_view(view):
    """GET/HEAD/OPTIONS only, CORS headers, JSON errors, the anonymous throttle."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return _with_headers(HttpResponse(status=204))
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, "This API is read-only: GET, HEAD or OPTIONS.")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        wait = _throttled(request)
        if wait:
            response = error_response(429, f"Too many requests; try again in {wait} seconds.")
            response["Retry-After"] = str(wait)
            return response
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)

    wrapped.csrf_exempt = True
    return wrapped


def request_language(request):
    """`?lang=` (must be one of the portal's languages), else the first supported language of
    Accept-Language, else English."""
    supported = dict(settings.LANGUAGES)
    if "lang" in request.GET:
        code = request.GET["lang"].strip().lower()
        if code not in supported:
            raise bad_request(f"lang must be one of: {', '.join(supported)}.")
        return code
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = code.split("-")[0].lower()
        if code in supported:
            return code
    return settings.LANGUAGE_CODE
