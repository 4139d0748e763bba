"""The client's address behind the proxy (portal/client.py) and the rate limit that uses it."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from directory.models import UpdateSuggestion
from portal.client import client_address

PROXY = "172.28.0.10"


def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=[PROXY, "10.0.0.0/8"])
def test_forwarded_for_is_ignored_from_an_untrusted_peer():
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=[PROXY, "10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop():
    # The client forged "1.1.1.1"; the proxy appended the address it really saw.
    assert client_address(request(PROXY, "1.1.1.1, 203.0.113.7")) == "203.0.113.7"
    # Two trusted proxies in a row (a load balancer in 10/8, then Caddy).
    assert client_address(request(PROXY, "1.1.1.1, 203.0.113.7, 10.1.2.3")) == "203.0.113.7"
    # Ports and IPv6 brackets as some proxies write them.
    assert client_address(request(PROXY, "[2001:db8::5]:4431")) == "2001:db8::5"
    assert client_address(request(PROXY, "203.0.113.9:5050")) == "203.0.113.9"
    # An IPv4 peer on an IPv6 socket is still the trusted proxy.
    assert client_address(request("::ffff:" + PROXY, "203.0.113.7")) == "203.0.113.7"
    # A trusted proxy without the header: the proxy is the client (e.g. a health probe).
    assert client_address(request(PROXY)) == PROXY


@override_settings(TRUSTED_PROXIES=[])
def test_with_no_trusted_proxies_the_peer_is_the_client():
    assert client_address(request(PROXY, "203.0.113.7")) == PROXY


@pytest.fixture
def org(make_org):
    return make_org("Rate Limited Centre", slug="rate-limited")


def _post(client, message, **extra):
    url = reverse("directory:organization_suggest", kwargs={"slug": "rate-limited"})
    return client.post(url, {"message": message}, **extra)


@pytest.mark.django_db
@override_settings(DIRECTORY_SUGGESTION_RATE_LIMIT=2, TRUSTED_PROXIES=[PROXY])
def test_rate_limit_counts_each_visitor_behind_the_proxy(org):
    cache.clear()
    proxy = Client(REMOTE_ADDR=PROXY)
    alice = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    bob = {"HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert [_post(proxy, f"a{n}", **alice).status_code for n in range(3)] == [302, 302, 429]
    # Bob arrives through the same proxy but is another visitor.
    assert _post(proxy, "b0", **bob).status_code == 302
    # Alice cannot escape her limit by forging a header: the proxy appends her real address.
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.7"}
    assert _post(proxy, "a-forged", **forged).status_code == 429
    assert UpdateSuggestion.objects.count() == 3


@pytest.mark.django_db
@override_settings(DIRECTORY_SUGGESTION_RATE_LIMIT=2, TRUSTED_PROXIES=[PROXY])
def test_a_spoofed_forwarded_for_from_an_untrusted_peer_does_not_reset_the_limit(org):
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.50")
    statuses = [
        _post(client, f"m{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
