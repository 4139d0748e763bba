"""Compact GeoJSON for the map: one Point feature per (service, place).

Short property names keep 20,000 services small on a slow connection:

    s  service id           n  service name          o  organization name
    u  directory link       t  service families      f  freshness (fresh, due, overdue, orphaned)
    v  days since verified (absent: never verified)  x  service status, when not active
    w  area of the place    l  place name (only its type when the viewer may not see it)
    a  1 when approximate (area centre), with h: why, in words
    p  phones the viewer may see: [display, tel: link, channel, description, verified 0/1]

The collection also carries `meta`: services matched, on the map (of which only at an area
centre), off the map. With `?bbox=west,south,east,north` only services that may have a place
in the box are read (see `near_bbox`), and only services with a place the viewer is shown
inside the box are sent and counted (see `in_bbox`): a confidential location counts at its
area centre, as it is drawn, so no sequence of boxes learns more than one answer shows.
Coordinates are [longitude, latitude] rounded to 5 decimals (about 1 m).
"""

import json
from json.encoder import encode_basestring

from django.db.models import Q

from directory.models import Location, ServiceAtLocation, ServiceStatus


def _bbox_filter(bbox):
    if bbox is None:
        return lambda place: True
    west, south, east, north = bbox
    return lambda place: south <= place.latitude <= north and west <= place.longitude <= east


def in_bbox(entries, bbox):
    """The entries with a place inside `bbox`, tested on the places the viewer is shown (an
    area centre for a location they may not see exactly), never on recorded points: the
    features and every count of a boxed answer follow from this."""
    if bbox is None:
        return entries
    inside = _bbox_filter(bbox)
    return [entry for entry in entries if any(inside(place) for place in entry.places)]


def near_bbox(services, bbox):
    """`services` narrowed to those that may have a place inside `bbox`, in SQL, so a small box
    is cheap at any scale: a location whose own point, or whose district's or province's
    centre (where a confidential place is drawn), lies in the box. This is only a shortlist
    (it reads recorded points, so it may hold hidden places): `in_bbox` then keeps what the
    viewer is shown inside the box, and nothing else of the shortlist reaches the answer."""
    if bbox is None:
        return services
    west, south, east, north = bbox

    def inside(prefix):
        return Q(
            **{
                f"{prefix}latitude__gte": south,
                f"{prefix}latitude__lte": north,
                f"{prefix}longitude__gte": west,
                f"{prefix}longitude__lte": east,
            }
        )

    locations = Location.objects.filter(
        inside("") | inside("area__") | inside("area__parent__") | inside("area__province__")
    ).values("pk")
    offered_there = ServiceAtLocation.objects.filter(location__in=locations).values("service_id")
    # A service without ServiceAtLocation rows is placed at every location of its organization.
    organization_there = services.filter(
        service_at_locations__isnull=True, organization__locations__in=locations
    ).values("pk")
    return services.filter(Q(pk__in=offered_there) | Q(pk__in=organization_there))


def parse_bbox(raw):
    """'west,south,east,north' in degrees, or None when absent or malformed."""
    if not raw:
        return None
    try:
        west, south, east, north = (float(v) for v in raw.split(",")[:5])
    except ValueError:
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


FEATURE_START = '{"type":"Feature","geometry":{"type":"Point","coordinates":'
FEATURE_PROPERTIES = '},"properties":'
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_string = encode_basestring  # the C-accelerated JSON string encoder


def _freshness(entry):
    said = f'"f":{_string(str(entry.freshness))}'
    return said if entry.days is None else f'{said},"v":{int(entry.days)}'


def head(entry, url=None, freshness=None, channel=_string):
    """The service's shared properties as the start of a JSON object (no closing brace),
    assembled by hand: 20,000 json.dumps calls of small dicts were a third of the time.
    `url`, `freshness` and `channel` (JSON text) default to the entry's own words; the stored
    features (`features._head`) pass markers filled in when read."""
    parts = [
        f'{{"s":{int(entry.pk)},"n":{_string(entry.name)},"o":{_string(entry.organization_name)}',
        f'"u":{_string(entry.url) if url is None else url}',
    ]
    if entry.families:
        parts.append(f'"t":[{",".join(_string(f) for f in entry.families)}]')
    parts.append(_freshness(entry) if freshness is None else freshness)
    if entry.status != ServiceStatus.ACTIVE:
        parts.append(f'"x":{_string(str(entry.status))}')
    if entry.phones:
        phones = [
            f"[{_string(p.display)},{_string(p.tel_uri)},{channel(p.channel)},"
            f"{_string(p.description)},{int(p.verified)}]"
            for p in entry.phones
        ]
        parts.append(f'"p":[{",".join(phones)}]')
    return ",".join(parts)


def render(entries, bbox=None):
    """The FeatureCollection as UTF-8 bytes. Built from JSON-encoded pieces rather than one big
    dict: at 20,000 services that halves the time, and the output is the same JSON."""
    entries = in_bbox(entries, bbox)
    inside = _bbox_filter(bbox)
    features = []
    place_parts = {}  # one location serves many services: encode its part once
    for entry in entries:
        if not entry.places:
            continue
        shared = None
        for place in entry.places:
            if not inside(place):
                continue
            part = place_parts.get(id(place))
            if part is None:
                extra = {"w": place.where, "l": place.name}
                if place.approximate:
                    extra["a"] = 1
                    extra["h"] = place.hidden_note
                coordinates = f"[{float(place.longitude)!r},{float(place.latitude)!r}]"
                part = place_parts[id(place)] = (coordinates, _encode(extra)[1:])
            if shared is None:
                shared = head(entry)
            features.append(f"{FEATURE_START}{part[0]}{FEATURE_PROPERTIES}{shared},{part[1]}}}")
    on_map = sum(1 for e in entries if e.places)
    approximate = sum(1 for e in entries if e.approximate_only)
    meta = _encode(
        {
            "services": len(entries),
            "onMap": on_map,
            "approximate": approximate,
            "offMap": len(entries) - on_map,
        }
    )
    body = f'{{"type":"FeatureCollection","meta":{meta},"features":[{",".join(features)}]}}'
    return body.encode("utf-8")
