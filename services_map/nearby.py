"""Near me: the directory and the map ordered by distance from a point.

The point is a province or district the visitor chooses (its centre; the gazetteer has centres
for Cambodia's provinces only, so a district is measured from its province's centre and says so;
works without JavaScript)
or the device's position, which the browser asks for only when the visitor presses "Use my
location"; it arrives rounded to three decimals (about 100 m), is used for this one answer and
is never stored: not in the page cache, the access audit or any link meant to be shared.

Every viewer's order is measured to what the *public* may see of each place
(`placement.place_location` at the public tier): the exact point of a public location, the
centre of its district (else province) for a confidential one such as a shelter. So a shelter's
true point never moves it up or down a list, for anyone, and a distance measured to an area
centre says "approximate". Places are worked out once per search-index state (every publish
changes it) and kept per process.
"""

import math
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from directory.models import Area, AreaKind, Location, Organization, Service, ServiceAtLocation
from directory.visibility import locations_offering_confidential_services, services_of_confidential_type
from search.engines.snapshot import current_state

from .entries import LOCATION_ROW_FIELDS, LocationRow, load_areas
from .placement import Place, area_centre, place_location

DEVICE_DECIMALS = 3  # about 100 m: enough to sort a list, not enough to find a home
EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float
    area: Area | None = None  # the chosen province or district; None for the device's position
    centre_of: Area | None = None  # the area whose centre is used, when it is not `area`'s own

    @property
    def label(self):
        if self.area is None:
            return _("your location")
        if self.centre_of is not None:
            return _("%(area)s (from the centre of %(province)s)") % {
                "area": self.area.name,
                "province": self.centre_of.name,
            }
        return self.area.name

    @property
    def from_device(self):
        return self.area is None


def centre_of(area):
    """The area whose centre stands for `area`: its own, else (a district without one in the
    gazetteer) its province's; None when neither has one."""
    for candidate in (area, area.province if area.kind == AreaKind.DISTRICT else None):
        if candidate is not None and candidate.latitude is not None and candidate.longitude is not None:
            return candidate
    return None


def _number(text, low, high):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def origin_from(params):
    """(Origin or None, problem or ""): `near` (a province or district slug with a centre), or
    `lat` and `lon` (the device's position)."""
    slug = (params.get("near") or "").strip()[:120]
    if slug:
        area = (
            Area.objects.filter(slug=slug, kind__in=[AreaKind.PROVINCE, AreaKind.DISTRICT])
            .select_related("province")
            .first()
        )
        centre = centre_of(area) if area is not None else None
        if centre is None:
            return None, _(
                "That place is not a province or district we know: the list is not sorted by distance."
            )
        return Origin(centre.latitude, centre.longitude, area, None if centre == area else centre), ""
    if "lat" in params or "lon" in params:
        lat, lon = _number(params.get("lat"), -90, 90), _number(params.get("lon"), -180, 180)
        if lat is None or lon is None:
            return None, _("Your location could not be read: the list is not sorted by distance.")
        return Origin(round(lat, DEVICE_DECIMALS), round(lon, DEVICE_DECIMALS)), ""
    return None, ""


def kilometres(a_lat, a_lon, b_lat, b_lon):
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a_lat, a_lon, b_lat, b_lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Distance:
    km: float
    approximate: bool


class _Places:
    """Public places of every published organization (by translation key, as the search index
    names it) and of every published service (by id)."""

    def __init__(self):
        self.orgs = defaultdict(list)  # key -> [(lat, lon, approximate)]
        self.services = defaultdict(list)  # service pk -> [(lat, lon, approximate)]
        orgs = dict(Organization.objects.filter(live=True).values_list("pk", "translation_key"))
        org_areas = dict(Organization.objects.filter(live=True).values_list("pk", "area_id"))
        rows = Location.objects.filter(organization__in=list(orgs))
        confidential = locations_offering_confidential_services(rows)
        locations = {}
        for *values, approximate in rows.order_by().values_list(*LOCATION_ROW_FIELDS, "point_is_approximate"):
            row = LocationRow(*values, values[0] in confidential, approximate)
            locations[row.pk] = row
        areas = load_areas({r.area_id for r in locations.values()} | {a for a in org_areas.values() if a})
        public = {}
        masked = {}
        for pk, row in locations.items():
            public[pk] = _point(place_location(row, "public", areas))
            hidden = LocationRow(*[getattr(row, f) for f in LOCATION_ROW_FIELDS], True, row.approximate_point)
            masked[pk] = _point(place_location(hidden, "public", areas))
        by_org = defaultdict(list)
        for pk, row in locations.items():
            by_org[row.organization_id].append(pk)
        for org_pk, key in orgs.items():
            points = [public[pk] for pk in by_org[org_pk] if public[pk]]
            if not points and org_areas.get(org_pk):
                centre = area_centre(areas.get(org_areas[org_pk]), areas)
                if centre is not None:
                    points = [(centre.latitude, centre.longitude, True)]
            if points:
                self.orgs[str(key)] = points
        links = defaultdict(list)
        for service_id, location_id in ServiceAtLocation.objects.filter(
            service__live=True, service__organization__live=True
        ).values_list("service_id", "location_id"):
            links[service_id].append(location_id)
        services = list(
            Service.objects.filter(live=True, organization__live=True).values_list("pk", "organization_id")
        )
        shelters = services_of_confidential_type([pk for pk, _org in services if pk not in links])
        for service_pk, org_pk in services:
            own = [public[pk] for pk in links.get(service_pk, ()) if pk in public and public[pk]]
            if not own and service_pk not in links:
                # Drawn at its organization's places; a shelter service as if they were confidential.
                table = masked if service_pk in shelters else public
                own = [table[pk] for pk in by_org[org_pk] if table[pk]]
                if not own:
                    own = self.orgs.get(str(orgs[org_pk]), [])
            if own:
                self.services[service_pk] = own


def _point(place):
    if isinstance(place, Place):
        return (place.latitude, place.longitude, place.approximate)
    return None


_lock = threading.Lock()
_cached = {"token": None, "places": None}


def _places():
    token = current_state()[0]
    with _lock:
        if _cached["token"] != token or _cached["places"] is None:
            _cached["places"] = _Places()
            _cached["token"] = token
        return _cached["places"]


def forget():
    with _lock:
        _cached["token"] = _cached["places"] = None


def _nearest(points, origin):
    best = None
    for lat, lon, approximate in points:
        km = kilometres(origin.latitude, origin.longitude, lat, lon)
        if best is None or km < best.km:
            best = Distance(km, approximate)
    return best


def _distances(places, ids, origin):
    return {pk: _nearest(places[pk], origin) for pk in ids if places.get(pk)}


def organization_distances(keys, origin):
    """{translation key: Distance to its nearest public place} for the keys with a place."""
    return _distances(_places().orgs, keys, origin)


def service_distances(service_ids, origin):
    """{service id: Distance} for the services with a place (their own, else their organization's)."""
    return _distances(_places().services, service_ids, origin)


def by_distance(items, distances):
    """`items` (already in their tie order) nearest first; those without a place last, in order."""
    far = float("inf")
    return sorted(items, key=lambda item: distances[item].km if item in distances else far)


def distance_label(distance):
    """ "3.2 km", "about 40 km (approximate)": the card's words."""
    if distance is None:
        return ""
    km = distance.km
    shown = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    if distance.approximate:
        return _("about %(km)s km (approximate)") % {"km": shown}
    return _("%(km)s km") % {"km": shown}
