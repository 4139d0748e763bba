"""The map's GeoJSON from stored per-tier features (`models.MapFeatures`, `models.MapPoint`).

Building every service's places and phones for a tier is most of a cold GeoJSON request at
20,000 services. What a tier is shown of a service does not change from one request to the
next, so it is worked out once per tier (public, partners, restricted) by the live path itself
(`entries.build_entries` and the placement rules, nothing re-implemented) and stored as the
features' JSON, kept current by the coverage rows' pending marks (`stored`: a save or delete of
a service, its locations, phones, areas or terms, or its organization, marks the organization;
an area or a service type marks everything). What is not stored:

* words that depend on the interface language: area labels, location types, the notes of
  approximate points, phone channels, the link's prefix: the rows hold markers
  ("\\x01KEY\\x01", a control character JSON never leaves unescaped, so user text cannot
  forge one) filled in per request from small dictionaries;
* what depends on the day or on users: freshness and days since verified (the "F" marker),
  computed from the service's dates and stewards read with the row, by the same rules;
* which services are listed: the rows are read for the directory search's services
  (published, of a published organization, in the language's locale), so an unpublished
  service is gone at once, marked or not.

Members of an organization see its restricted details: they keep the live path, as does any
viewer at a tier without rows. A bounding box reads `MapPoint` (an indexed range on the drawn
points, the same points `geojson.in_bbox` tests) instead of `geojson.near_bbox`'s shortlist.
`tests/services_map/test_map_features.py` compares the stored answer with the live one per
tier and language, after edits too.
"""

import datetime
from collections import defaultdict
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, CharField, F, When
from django.db.models.functions import Cast, TruncDate
from django.urls import get_script_prefix
from django.utils import timezone

from directory.freshness import freshness, public_freshness
from directory.models import Visibility

from .entries import (
    LOCATION_TYPE_LABELS,
    REVIEW_START,
    StewardedRow,
    Viewer,
    _organization_url_parts,
    _PhoneFormatter,
    build_entries,
    freshness_key,
    gc_paused,
    load_areas,
    load_users,
)
from .geojson import FEATURE_PROPERTIES, FEATURE_START, _encode, _string, head, near_bbox
from .geojson import render as geojson_render
from .models import MapFeatures, MapPoint
from .placement import NOTES, area_label

TIERS = (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.RESTRICTED)
MARK = "\x01"  # around a marker's key
SEPARATOR = "\x02"  # between one service's features
FRESHNESS = f"{MARK}F{MARK}"


def _marker(key):
    return f"{MARK}{key}{MARK}"


class _CodeChannels:
    """A phone formatter's channel labels that keep the code (filled in per language when read)."""

    def get(self, value, default=None):
        return value


def _phone_formatter():
    formatter = _PhoneFormatter()
    formatter.channels = _CodeChannels()
    return formatter


def _head(entry):
    """`geojson.head` with markers for the words of the language and the day."""
    if MARK in entry.organization_slug:
        raise ValueError(f"organization slug {entry.organization_slug!r}")
    return head(
        entry,
        url=f'"{_marker("U" + entry.organization_slug)}#service-{int(entry.pk)}"',  # entries.entry_url
        freshness=FRESHNESS,
        channel=lambda code: _marker("C" + code),
    )


def _place_part(place):
    """`geojson.render`'s coordinates and place properties, with markers for the words."""
    name = _string(place.name) if place.named else _marker("T" + place.location_type)
    extra = f'"w":{_marker(f"W{place.where_area_id or 0}")},"l":{name}'
    if place.approximate:
        extra += f',"a":1,"h":{_marker(f"N{place.note}:{place.where_area_id or 0}")}'
    coordinates = f"[{float(place.longitude)!r},{float(place.latitude)!r}]"
    return f"{FEATURE_START}{coordinates}{FEATURE_PROPERTIES}", f",{extra}}}}}"


def _same_words(place):
    """What a place's words are made of: places equal on this read alike in every language."""
    name = place.name if place.named else None
    return (place.latitude, place.longitude, place.where_area_id, name, place.location_type, place.note)


def build(services):
    """(MapFeatures, MapPoint) objects, unsaved, for every tier, for a queryset of services."""
    rows, points = [], []
    formatter = _phone_formatter()
    for tier in TIERS:
        entries = build_entries(services, Viewer(tier=tier), ordered=False, formatter=formatter, merge=False)
        for entry in entries:
            places, seen = [], set()
            for place in entry.places:
                key = _same_words(place)
                if key not in seen:
                    seen.add(key)
                    places.append(place)
            shared = _head(entry) if places else ""
            features = []
            for position, place in enumerate(places):
                start, end = _place_part(place)
                features.append(f"{start}{shared}{end}")
                points.append(
                    MapPoint(
                        tier=tier,
                        service_id=entry.pk,
                        organization_id=entry.organization_id,
                        position=position,
                        latitude=place.latitude,
                        longitude=place.longitude,
                    )
                )
            drawn = [(p.latitude, p.longitude) for p in places]
            rows.append(
                MapFeatures(
                    tier=tier,
                    service_id=entry.pk,
                    organization_id=entry.organization_id,
                    features=SEPARATOR.join(features),
                    approximate_only=bool(places) and all(p.approximate for p in places),
                    recheck=len(set(drawn)) < len(drawn),
                )
            )
    return rows, points


# Bump when what is stored, or how, changes: every row is rebuilt on the next read.
FORMAT = 1


def rules_key():
    """What the stored features depend on besides the data: the confidential service types
    (settings) and the stored format."""
    from directory.visibility import confidential_service_types

    return f"{FORMAT}|{','.join(sorted(confidential_service_types()))}"


def rules_match():
    """Whether the stored features were made under this process's rules (`rules_key`). Asked
    on every read, not remembered: another process (a worker not yet restarted with new
    settings) may rebuild them under its own."""
    from .models import MapFeaturesRules

    return MapFeaturesRules.objects.filter(key=rules_key()).exists()


def _rules_rebuilt():
    from .models import MapFeaturesRules

    MapFeaturesRules.objects.all().delete()
    MapFeaturesRules.objects.create(key=rules_key())


def serves(viewer):
    """Whether `viewer`'s map can be read from the stored features."""
    return not viewer.member_keys and viewer.tier in TIERS


# -- reading --------------------------------------------------------------------------------------


class _Words:
    """Marker key -> JSON text, in the current language (made once per key per request)."""

    def __init__(self, keys):
        self.keys = keys
        area_ids = set()
        for key in keys:
            if key[0] == "W":
                area_ids.add(int(key[1:]))
            elif key[0] == "N":
                area_ids.add(int(key.split(":", 1)[1]))
        area_ids.discard(0)
        self.areas = load_areas(area_ids) if area_ids else {}
        self.channels = _PhoneFormatter().channels
        self.cache = {}
        self.url = _organization_url_parts(get_script_prefix())

    def table(self):
        """{key: words} for every key given: looked up without a Python call per marker."""
        return {key: self[key] for key in self.keys}

    def __getitem__(self, key):
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = self._make(key)
        return value

    def _make(self, key):
        kind, rest = key[0], key[1:]
        if kind == "U":  # the organization's page (entries.entry_url, without the anchor)
            before, after = self.url
            return _string(f"{before}{rest}{after}")[1:-1]
        if kind == "W":
            return _string(area_label(self.areas.get(int(rest)), self.areas))
        if kind == "T":
            return _string(str(LOCATION_TYPE_LABELS.get(rest, rest)))
        if kind == "C":
            return _string(self.channels.get(rest, rest))
        if kind == "N":
            note, area_id = rest.split(":", 1)
            area = self.areas.get(int(area_id))
            said = area_label(area, self.areas) if note == "point" else area.name
            return _string(str(NOTES[note]) % {"area": said})
        raise KeyError(key)


def _fill(text, words):
    """`text` with every marker replaced by its words."""
    pieces = text.split(MARK)
    pieces[1::2] = [words[key] for key in pieces[1::2]]
    return "".join(pieces)


# The service's own fields that freshness reads (entries.STEWARD_FIELDS), read with a plain
# cursor and turned into days once per distinct value: Django's per-row converters (and
# SQLite's TruncDate, done in Python) were a third of the request. The last one is when a
# never-verified entry's review clock started: PostgreSQL gives its local day (TruncDate in
# the server, as text), SQLite the raw moment, turned into a day in Python once per hour.
# Read apart from the features: joined to them, SQLite read 20,000 wide service rows.


def service_fields(vendor):
    if vendor == "postgresql":
        start = Cast(Case(When(last_verified__isnull=True, then=TruncDate(REVIEW_START))), CharField())
        last_verified = Cast("last_verified", CharField())
    else:
        start = Case(When(last_verified__isnull=True, then=REVIEW_START))
        last_verified = "last_verified"
    return ("pk", last_verified, "review_interval_days", "steward_id", "deputy_id", start)


class Days:
    """Raw date and timestamp values (SQLite: text; PostgreSQL: date and aware datetime) as
    local days, converted once per distinct date and once per hour of timestamps."""

    def __init__(self):
        self.dates, self.hours = {None: None}, {}

    def date(self, value):
        day = self.dates.get(value, False)
        if day is False:
            day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
            self.dates[value] = day
        return day

    def local(self, value):
        """The local day of a stored moment (what TruncDate gives in the current time zone)."""
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 10:  # already a local day (PostgreSQL)
            return self.date(value)
        if isinstance(value, str):
            hour = value[:13]
        else:
            hour = _moment(value).astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
        day = self.hours.get(hour, False)
        if day is False:
            # The whole UTC hour is one local day when no offset change or midnight falls in it.
            first = timezone.localtime(_moment(hour) if isinstance(hour, str) else hour)
            last = timezone.localtime(first + datetime.timedelta(seconds=3599.999999))
            day = (
                first.date()
                if first.date() == last.date() and first.utcoffset() == last.utcoffset()
                else None
            )
            self.hours[hour] = day
        return day if day is not None else timezone.localdate(_moment(value))


def _moment(value):
    """An aware datetime from a stored moment (SQLite's UTC text, or a datetime)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value if len(value) > 13 else f"{value}:00")
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


def fetch_raw(queryset):
    """The rows of a values_list queryset, without Django's per-row converters."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. filtered by an empty list of ids
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def render(services, viewer, bbox=None, today=None):
    """The FeatureCollection as UTF-8 bytes, the same as `live` for a viewer that `serves`:
    read from the stored features, or made by `live` while they are being rebuilt."""
    from .stored import refresh_pending

    if not refresh_pending():
        return live(services, viewer, bbox, today)
    with gc_paused():
        return _render(services, viewer, bbox, today or timezone.localdate())


def live(services, viewer, bbox=None, today=None):
    """The FeatureCollection built for `viewer` from the directory (`entries.build_entries`)."""
    entries = build_entries(near_bbox(services, bbox), viewer, today, ordered=False)
    with gc_paused():  # build_entries pauses the collector itself
        return geojson_render(entries, bbox=bbox)


def _render(services, viewer, bbox, today):
    tier = viewer.tier
    services = services.order_by()
    vendor = connections[services.db].vendor
    dates = {row[0]: row[1:] for row in fetch_raw(services.values_list(*service_fields(vendor)))}
    rows = MapFeatures.objects.filter(tier=tier)
    if vendor == "sqlite":
        # service_id + 0: SQLite then reads the tier's rows in order and checks each against
        # the services (a list made once) instead of looking each service's row up.
        rows = rows.alias(sid=F("service_id") + 0).filter(sid__in=services.values("pk"))
    else:
        rows = rows.filter(service__in=services.values("pk"))
    inside = None
    if bbox is not None:
        west, south, east, north = bbox
        box = MapPoint.objects.filter(
            tier=tier, latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )
        inside = defaultdict(set)
        for service_id, position in box.values_list("service_id", "position"):
            inside[service_id].add(position)
        rows = rows.filter(service_id__in=box.values("service_id"))
    # Ordered here (by service id, as the live path orders entries): an ORDER BY made
    # PostgreSQL sort 8 MB of features on disk.
    rows = fetch_raw(rows.order_by().values_list("service_id", "features", "approximate_only", "recheck"))
    rows.sort(key=itemgetter(0))
    staff = viewer.is_staff
    users = load_users(list(dates.values()), 0) if staff else {}
    days = Days()
    state_of = freshness if staff else public_freshness
    said = {}  # freshness key -> '"f":...,"v":...' (many services share one)
    parts, recheck = [], []
    on_map = approximate = 0
    for service_id, text, approximate_only, check in rows:
        if not text:
            continue
        on_map += 1
        if approximate_only:
            approximate += 1
        last_verified, interval, steward, deputy, start = dates[service_id]
        key = freshness_key(staff, last_verified, interval, steward, deputy, start and days.local(start))
        fresh = said.get(key)
        if fresh is None:
            key = (days.date(last_verified), *key[1:])
            state = str(state_of(StewardedRow(*key[:4], users, key[4]), today))
            fresh = f'"f":{_string(state)}'
            if key[0] is not None:
                fresh += f',"v":{int((today - key[0]).days)}'
            said[(last_verified, *key[1:])] = fresh
        text = text.replace(FRESHNESS, fresh)
        if inside is not None:
            positions = inside[service_id]
            text = SEPARATOR.join(f for i, f in enumerate(text.split(SEPARATOR)) if i in positions)
        if check:
            recheck.append(len(parts))
        parts.append(text)
    pieces = SEPARATOR.join(parts).split(MARK)  # the markers' keys are at the odd places
    words = _Words(set(pieces[1::2]))
    if recheck:
        for index in recheck:  # one marker per point, as the live path merges them: by the words
            filled = (_fill(feature, words) for feature in parts[index].split(SEPARATOR))
            parts[index] = SEPARATOR.join(dict.fromkeys(filled))
        pieces = SEPARATOR.join(parts).split(MARK)
    pieces[1::2] = map(words.table().__getitem__, pieces[1::2])
    features = "".join(pieces).replace(SEPARATOR, ",")
    # Boxed, every row read has a point in the box (the services the live path keeps).
    count = len(rows) if bbox is not None else len(dates)
    meta = _encode({"services": count, "onMap": on_map, "approximate": approximate, "offMap": count - on_map})
    body = f'{{"type":"FeatureCollection","meta":{meta},"features":[{features}]}}'
    return body.encode("utf-8")


def rebuild_rows(services, organization_ids=None):
    """Replace the stored features of `services` (and of `organization_ids`' services)."""
    if organization_ids is None:
        MapFeatures.objects.all().delete()
        MapPoint.objects.all().delete()
        _rules_rebuilt()
    else:
        for model in (MapFeatures, MapPoint):
            model.objects.filter(organization_id__in=organization_ids).delete()
            model.objects.filter(service__in=services.values("pk")).delete()
    rows, points = build(services)
    MapFeatures.objects.bulk_create(rows, batch_size=2000)
    MapPoint.objects.bulk_create(points, batch_size=2000)
    return len(rows)
