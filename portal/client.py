"""Who is asking: the client's address and whether a request came through a trusted proxy.

Behind the reverse proxy every request arrives from the proxy's address, so REMOTE_ADDR alone
would put every visitor under one rate limit. The proxy appends the address it saw to
X-Forwarded-For; anything to the left of that was written by the client and may be forged.
So the header is read only when REMOTE_ADDR is one of ``TRUSTED_PROXIES``, walking it from the
right and stopping at the first address that is not a trusted proxy.

Every rate limit and every "which client is this" question asks ``client_address(request)``.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks():
    """TRUSTED_PROXIES as networks (an address is a /32 or /128 network)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def parse_address(value):
    """An ip_address from "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443" or "2001:db8::1";
    None when it is not an address."""
    text = (value or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows as ::ffff:1.2.3.4.
    return address.ipv4_mapped or address if address.version == 6 else address


def is_trusted_proxy(value):
    address = parse_address(value) if isinstance(value, str) else value
    if address is None:
        return False
    return any(address in network for network in trusted_networks())


def from_trusted_proxy(request):
    """True when the request's immediate peer is one of TRUSTED_PROXIES."""
    return is_trusted_proxy(request.META.get("REMOTE_ADDR", ""))


def client_address(request):
    """The address of the client, as a string: REMOTE_ADDR, or behind trusted proxies the
    right-most X-Forwarded-For entry that is not itself a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not from_trusted_proxy(request):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy wrote something that is not an address: take it as it is
            # rather than trusting what lies further left.
            return hop
        if not is_trusted_proxy(address):
            return str(address)
    # Every hop is a trusted proxy (a request from inside): the left-most one asked.
    return str(parse_address(hops[0])) if hops else remote
