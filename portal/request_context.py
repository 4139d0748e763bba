"""Per-request context: a request id, and proxy headers only from trusted proxies.

The middleware runs first. It

* drops X-Forwarded-Proto unless the request came from one of TRUSTED_PROXIES, so a client
  cannot claim HTTPS (SECURE_PROXY_SSL_HEADER) by sending the header itself;
* takes the request id from the proxy's X-Request-ID (trusted proxies only) or makes one, keeps
  it in a context variable for the log filter (portal/logs.py) and returns it in the response's
  X-Request-ID header, so an operator can find a visitor's error in the logs.

The id stays set until the response is closed: Django logs 4xx/5xx responses after the
middleware chain has returned, and those lines should carry the id too.
"""

import contextvars
import re
import uuid

from .client import from_trusted_proxy

HEADER = "X-Request-ID"
_request_id = contextvars.ContextVar("portal_request_id", default=None)
# What a proxy may hand us: UUIDs, hex, and the usual tracing formats; nothing that could
# break a log line or a header.
VALID_ID = re.compile(r"^[A-Za-z0-9._:+=/-]{8,128}$")


def current_request_id():
    return _request_id.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = from_trusted_proxy(request)
        if not trusted:
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        supplied = request.META.get("HTTP_X_REQUEST_ID", "") if trusted else ""
        request_id = supplied if VALID_ID.match(supplied) else uuid.uuid4().hex
        request.request_id = request_id
        _request_id.set(request_id)
        try:
            response = self.get_response(request)
        except BaseException:
            _request_id.set(None)
            raise
        response[HEADER] = request_id
        response._resource_closers.append(lambda: _request_id.set(None))
        return response
