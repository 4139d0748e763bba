"""A visitor's device position ("Use my location": services_map/nearby.py) arrives as `lat` and
`lon` in the address of their own page. It is never stored: pages holding it are not cached, and
the addresses kept or shown to others (access log, hreflang links) leave it out."""

PARAMETERS = ("lat", "lon")


def has_position(request):
    return any(key in request.GET for key in PARAMETERS)


def path_without_position(request):
    """`request.get_full_path()` less the device position."""
    if not has_position(request):
        return request.get_full_path()
    query = request.GET.copy()
    for key in PARAMETERS:
        query.pop(key, None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path
