"""/map/: the map page (filters, map, list) and its GeoJSON.

The filters are the directory's (`directory.filters.DirectorySearch`), read from the same GET
parameters, so /map/?province=battambang&type=SHELTER and /directory/?province=battambang&type=SHELTER
show the same services. The list beside the map is rendered here, from the same entries as the
GeoJSON, and works without JavaScript.
"""

import gzip
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from audit.services_map import record_map
from directory.filters import DirectorySearch
from directory.models import Area, AreaKind, Service
from directory.near_choices import near_choices

from .. import cache as map_cache
from .. import features, geojson, nearby
from ..coverage import top_families
from ..entries import Viewer, build_entries


def map_url(search, name="services_map:index", without=None, shared=False, **extra):
    """A map link with the search's filters, less `without` (key, value), plus `extra`;
    `shared`: for someone else (without the device's position, services_map.nearby)."""
    params = [p for p in search.url_params() if p != without]
    if not shared:
        params += search.device_params()  # this visitor's own links keep their position
    params += [(k, v) for k, v in extra.items() if v is not None]
    path = reverse(name)
    return f"{path}?{urlencode(params)}" if params else path


def active_filters(search):
    """The directory's active filters (same labels, same order), each linking to the map without it."""
    return [
        (key, facet_label, value_label, map_url(search, without=param))
        for param, (key, facet_label, value_label, _url) in zip(
            [p for p in search.url_params() if p[0] not in ("sort", "near")],
            search.active_filters(),
            strict=True,
        )
    ]


def province_labels():
    """Province names at their centres: the map's own labels when there are no tiles."""
    return [
        {"n": a.name, "c": [round(a.longitude, 3), round(a.latitude, 3)]}
        for a in Area.objects.filter(kind=AreaKind.PROVINCE, country__key="KH", latitude__isnull=False)
    ]


def js_strings():
    """Interface text the map script needs, translated on the server."""
    return {
        "approximate": _("Approximate location"),
        "lastVerifiedOne": ngettext("Last verified %(days)s day ago", "Last verified %(days)s days ago", 1),
        "lastVerified": ngettext("Last verified %(days)s day ago", "Last verified %(days)s days ago", 2),
        "verifiedToday": _("Verified today"),
        "neverVerified": _("Not yet verified"),
        "overdue": _("Overdue for review"),
        "orphaned": _("No active steward"),
        "due": _("Due for review"),
        "unverifiedNumber": _("number not yet verified"),
        "open": _("Open in the directory"),
        "status": _("Status"),
        "noTiles": _("No background map: markers and province names only."),
        "loading": _("Loading the map…"),
        "loaded": _("%(on)s of %(n)s services on the map (%(approx)s only at the centre of their area)."),
        "failed": _("The map data could not be loaded. The list has the same services."),
        "showOnMap": _("Show on map"),
        "families": {term.code: term.name for term in top_families()},
    }


@require_GET
def map_index(request):
    search = DirectorySearch(request.GET)
    viewer = Viewer(request.user)
    # Page through service ids in SQL, then build entries for one page only: the page stays
    # fast at 20,000 services. How many are on the map comes with the GeoJSON (shown by the
    # script); each listed entry says whether and how it is placed.
    ordered = (
        search.services()
        .order_by(Lower("organization__name"), Lower("name"), "pk")
        .values_list("pk", flat=True)
    )
    distances = None
    if search.origin:
        # Nearest first, measured to what the public may see of each place (services_map.nearby).
        ordered = list(ordered)
        distances = nearby.service_distances(ordered, search.origin)
        ordered = nearby.by_distance(ordered, distances)
    paginator = Paginator(ordered, settings.MAP_LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = build_entries(
        Service.objects.filter(pk__in=list(page.object_list)), viewer, phones=False
    )
    if distances is not None:
        position = {pk: i for i, pk in enumerate(paginator.page(page.number).object_list)}
        page.object_list.sort(key=lambda entry: position.get(entry.pk, len(position)))
        for entry in page.object_list:
            entry.distance = distances.get(entry.pk)
    context = {
        "search": search,
        "q": search.q,
        "facets": search.facets(),
        "active_filters": active_filters(search),
        "page_obj": page,
        "paginator": paginator,
        "page_links": [
            (number, None if number == paginator.ELLIPSIS else map_url(search, page=number))
            for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ],
        "previous_url": map_url(search, page=page.previous_page_number()) if page.has_previous() else "",
        "next_url": map_url(search, page=page.next_page_number()) if page.has_next() else "",
        "geojson_url": map_url(search, "services_map:geojson", shared=True),
        "directory_url": search.query_string(),
        "share_url": request.build_absolute_uri(map_url(search, shared=True)),
        "near_choices": near_choices(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_max_zoom": settings.MAP_TILE_MAX_ZOOM,
        "province_labels": province_labels(),
        "map_strings": js_strings(),
    }
    return render(request, "services_map/map.html", context)


_GZIP = re.compile(r"\bgzip\b")


@require_GET
def services_geojson(request):
    """The map's markers. Compressed once and cached (see services_map.cache): the body is the
    same for every viewer at one tier with the same filters, on the same day."""
    search = DirectorySearch(request.GET)
    viewer = Viewer(request.user)
    bbox = geojson.parse_bbox(request.GET.get("bbox"))
    # "Open now" answers for this minute: its markers are kept no longer than that.
    minute = f"{timezone.now():%Y%m%d%H%M}" if search.open else ""
    key = map_cache.viewer_key("geojson", viewer, (search.url_params(), bbox, minute))
    compressed = map_cache.get(key)
    if compressed is None:
        if features.serves(viewer):  # the tier's stored features, words filled in (same body)
            body = features.render(search.services(), viewer, bbox)
        else:  # a member sees their organization's restricted details: built for them
            body = features.live(search.services(), viewer, bbox)
        compressed = gzip.compress(body, compresslevel=5, mtime=0)
        map_cache.set(key, compressed)
    record_map(request, viewer, search.url_params(), bbox)
    if _GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(compressed, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type="application/geo+json")
    response["Content-Length"] = str(len(response.content))
    # What is in it depends on who asks: never share one viewer's answer with another.
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    patch_cache_control(response, private=True, max_age=60)
    return response
