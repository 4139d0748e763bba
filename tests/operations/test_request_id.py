"""Request ids: on the response, on every log record of the request, from the proxy only when
it is trusted; and X-Forwarded-Proto believed only from a trusted proxy."""

import io
import json
import logging
import re
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings

from portal.logs import JsonFormatter, RequestIdFilter

PROXY = "172.28.0.10"


@contextmanager
def captured_log(formatter):
    """The configured console handler (the one carrying the request id filter), writing into a
    buffer with `formatter` for the duration."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    buffer = io.StringIO()
    old_stream, old_formatter = handler.setStream(buffer), handler.formatter
    handler.setFormatter(formatter)
    try:
        yield buffer
    finally:
        handler.setStream(old_stream)
        handler.setFormatter(old_formatter)


@pytest.mark.django_db
def test_every_log_record_of_a_request_carries_its_id():
    with captured_log(JsonFormatter()) as buffer:
        response = Client().get("/no-such-page-here/")
        other = Client().get("/no-such-page-either/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert other["X-Request-ID"] != request_id
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    mine = [line for line in lines if "no-such-page-here" in line["message"]]
    assert mine and all(line["request_id"] == request_id for line in mine)
    assert mine[0]["level"] == "WARNING" and mine[0]["logger"] == "django.request"
    assert mine[0]["status_code"] == 404
    # Outside a request the id is "-".
    with captured_log(JsonFormatter()) as buffer:
        logging.getLogger("portal.test").warning("between requests")
    assert json.loads(buffer.getvalue())["request_id"] == "-"


@pytest.mark.django_db
def test_a_log_line_written_by_a_view_carries_the_id_in_plain_format_too():
    from tests.operations.test_healthz import closed_port, redis_cache_at

    formatter = logging.Formatter("%(levelname)s [%(request_id)s] %(message)s")
    # The cache is a Redis where nothing listens: /healthz logs why it is down.
    with captured_log(formatter) as buffer, override_settings(CACHES=redis_cache_at(f"redis://127.0.0.1:{closed_port()}/0")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert f"ERROR [{response['X-Request-ID']}] Health check: cache is down" in buffer.getvalue()


@override_settings(TRUSTED_PROXIES=[PROXY])
@pytest.mark.django_db
def test_the_proxy_id_is_kept_only_from_a_trusted_proxy():
    supplied = "5f0c6c1e-8d7a-4b8e-9a51-2f7f1c0b6a11"
    assert Client(REMOTE_ADDR=PROXY).get("/healthz", HTTP_X_REQUEST_ID=supplied)["X-Request-ID"] == supplied
    spoofed = Client(REMOTE_ADDR="203.0.113.7").get("/healthz", HTTP_X_REQUEST_ID=supplied)["X-Request-ID"]
    assert spoofed != supplied and re.fullmatch(r"[0-9a-f]{32}", spoofed)
    # Not even a trusted proxy may put a line break or markup into our logs.
    odd = Client(REMOTE_ADDR=PROXY).get("/healthz", HTTP_X_REQUEST_ID="abc<script>\tdefgh")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", odd)


@override_settings(
    TRUSTED_PROXIES=[PROXY], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_SSL_REDIRECT=True
)
@pytest.mark.django_db
def test_https_is_believed_only_from_a_trusted_proxy():
    # A client talking plain HTTP straight to gunicorn cannot claim HTTPS...
    direct = Client(REMOTE_ADDR="203.0.113.7").get("/directory/", HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301 and direct["Location"].startswith("https://")
    # ...the proxy that terminated TLS can.
    proxied = Client(REMOTE_ADDR=PROXY).get("/directory/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
