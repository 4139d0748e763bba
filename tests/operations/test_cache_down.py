"""With Redis down, pages are served without the cache (portal/cache.py): no 500, a warning in
the log, the suggestion rate limit fails open (logged), and /healthz still says the cache is down.

Redis is taken down for real: the portal's own cache settings (portal.settings.base.redis_cache)
point at a loopback port that was bound and closed, so nothing listens there.
"""

import json
import logging
import socket

import pytest
from django.test import Client, override_settings

from directory.models import UpdateSuggestion
from portal.settings.base import redis_cache


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down():
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/0")}):
        yield


@pytest.fixture
def org(make_org):
    return make_org("Cache Down Shelter Network", slug="cache-down-network", description="Open every day.")


def cache_warnings(caplog):
    return [r for r in caplog.records if r.name == "portal.cache" and r.levelno == logging.WARNING]


@pytest.mark.django_db
def test_pages_answer_without_redis(redis_down, org, caplog):
    client = Client(raise_request_exception=False)
    for url in ("/", "/directory/", "/directory/cache-down-network/", "/map/", "/map/services.geojson",
                "/map/coverage/"):
        response = client.get(url)
        assert response.status_code < 400, (url, response.status_code)
    features = json.loads(Client().get("/map/services.geojson").content)["features"]
    assert isinstance(features, list)
    warnings = cache_warnings(caplog)
    assert warnings and "is down" in warnings[0].getMessage()
    # Rate-limited in the log: one warning for the whole visit, not one per cache call.
    assert len(warnings) == 1
    assert "127.0.0.1" in warnings[0].getMessage()


@pytest.mark.django_db
def test_a_suggestion_is_taken_when_redis_is_down_and_the_rate_limit_fails_open(redis_down, org, caplog):
    client = Client(raise_request_exception=False, REMOTE_ADDR="203.0.113.50")
    with override_settings(DIRECTORY_SUGGESTION_RATE_LIMIT=1):
        statuses = [
            client.post("/directory/cache-down-network/suggest/", {"message": f"Hours changed {n}"}).status_code
            for n in range(3)
        ]
    assert statuses == [302, 302, 302]  # fail open: the limit of 1 is not enforced without a cache
    assert UpdateSuggestion.objects.filter(organization=org).count() == 3
    assert any("rate limit not applied" in r.getMessage() for r in caplog.records)
    assert cache_warnings(caplog)


@pytest.mark.django_db
def test_healthz_names_the_cache_when_redis_is_down(redis_down, caplog):
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["down"] == ["cache"] and body["checks"]["cache"] == "down"
    assert any("cache is down" in r.getMessage() and r.exc_info for r in caplog.records)
