"""/robots.txt: what crawlers may read. The listing's filter combinations and the search page's
queries are endless (every combination a page rendered afresh, never from the page cache), so
crawlers are asked to read the unfiltered listing, organization pages, the map page and the
library, and to leave queries, exports, the API and signed-in areas alone. Rules use `*`, which
the major crawlers read, so one line covers every language prefix (/km/, /th/ ...)."""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

DISALLOWED = (
    "/admin/",
    "/accounts/",
    "/api/",
    "/*directory/?",  # filtered or searched listings; /directory/ itself stays open
    "/*directory/hsds/",
    "/*/suggest/",
    "/*hsds.json",
    "/*map/?",
    "/*search/",
    "/*map/services.geojson",
    "/*map/coverage.csv",
    "/*map/coverage/*/pack/",
    "/*vcard",
)


def robots_lines():
    return ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]


@require_GET
def robots_txt(request):
    response = HttpResponse("\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
