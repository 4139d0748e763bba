"""Map entries: published services with their places, phones and freshness, cut to one viewer.

The map page (its list), the GeoJSON endpoint and the editors' report all read
`build_entries`, so the list beside the map and the markers cannot disagree. Everything is
fetched with a handful of flat queries (``values_list``), because the map must answer for
20,000 services in a few hundred milliseconds; hidden values are dropped here, before any
template or serializer sees them.
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db.models import Case, When
from django.db.models.functions import Coalesce, TruncDate
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.freshness import Freshness, freshness, public_freshness
from directory.models import (
    Area,
    Channel,
    Location,
    LocationType,
    Organization,
    OrganizationMember,
    OrganizationPhone,
    ServiceAtLocation,
    ServicePhone,
    ServiceStatus,
    ServiceTerm,
    Visibility,
)
from directory.visibility import (
    allowed_tiers,
    locations_offering_confidential_services,
    services_of_confidential_type,
    viewer_tier,
)

from .placement import AreaInfo, Place, Problem, Unplaced, place_location

LOCATION_TYPE_LABELS = dict(LocationType.choices)
PHONES_PER_CARD = 3


class Viewer:
    """Who is looking: the site-wide tier, and the organizations whose members they are (who
    see that organization's restricted details, as on its page)."""

    def __init__(self, user=None, tier=None):
        self.user = user
        self.tier = tier or viewer_tier(user)
        self.member_keys = set()
        if user is not None and user.is_authenticated and self.tier != Visibility.RESTRICTED:
            self.member_keys = set(
                OrganizationMember.objects.filter(user=user, organization__live=True).values_list(
                    "organization__translation_key", flat=True
                )
            )

    def tier_for(self, translation_key):
        return Visibility.RESTRICTED if translation_key in self.member_keys else self.tier

    @property
    def is_staff(self):
        """Editors are told when an entry is orphaned; everyone else reads its verification age."""
        return self.tier == Visibility.RESTRICTED


class StewardedRow:
    """The fields `directory.freshness` reads from a Service, without building 20,000 models."""

    __slots__ = (
        "last_verified",
        "review_interval_days",
        "steward_id",
        "deputy_id",
        "steward",
        "deputy",
        "first_published_at",
    )

    def __init__(self, last_verified, review_interval_days, steward_id, deputy_id, users, published=None):
        self.last_verified = last_verified
        self.first_published_at = published  # a never-verified entry's review clock starts here
        self.review_interval_days = review_interval_days
        self.steward_id = steward_id
        self.deputy_id = deputy_id
        self.steward = users.get(steward_id)
        self.deputy = users.get(deputy_id)


# The last one: the local day a never-verified entry's review clock started (first published,
# else created), in the current time zone, worked out in SQL and only for never-verified
# entries (None for the others): converting 20,000 timestamps in Python cost more than the
# freshness rules themselves.
# When a never-verified entry's review clock started (directory.freshness.review_start), in SQL.
REVIEW_START = Coalesce("first_published_at", "created_at")

STEWARD_FIELDS = (
    "last_verified",
    "review_interval_days",
    "steward_id",
    "deputy_id",
    Case(When(last_verified__isnull=True, then=TruncDate(REVIEW_START))),
)


def freshness_key(staff, last_verified, interval, steward_id, deputy_id, review_start_day):
    """What a service's freshness depends on (a STEWARD_FIELDS row), as a key: rows sharing it
    share their state, computed once. The public's state does not read the stewards."""
    if not staff:
        steward_id = deputy_id = None
    return (last_verified, interval, steward_id, deputy_id, review_start_day)


def load_users(rows, offset):
    """Steward and deputy users of `rows` (fields at rows[offset+2], rows[offset+3]), by id."""
    ids = {r[offset + 2] for r in rows} | {r[offset + 3] for r in rows}
    ids.discard(None)
    if not ids:
        return {}
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=ids).only("pk", "is_active")}


LOCATION_ROW_FIELDS = (
    "pk",
    "organization_id",
    "name",
    "location_type",
    "visibility",
    "latitude",
    "longitude",
    "area_id",
)


@dataclass(slots=True)
class LocationRow:
    pk: int
    organization_id: int
    name: str
    location_type: str
    visibility: str
    latitude: float | None
    longitude: float | None
    area_id: int
    # A service of a confidential type is offered here (directory.visibility decides what follows).
    confidential_service: bool = False
    # The point marks the town or province seat, not the address (Location.point_is_approximate).
    approximate_point: bool = False

    @property
    def type_label(self):
        return str(LOCATION_TYPE_LABELS.get(self.location_type, self.location_type))


@dataclass(slots=True)
class PhoneView:
    display: str
    tel_uri: str
    channel: str
    description: str
    verified: bool
    visibility: str


@dataclass(slots=True)
class MapEntry:
    pk: int
    name: str
    status: str
    organization_id: int
    organization_name: str
    organization_slug: str
    families: list
    freshness: str
    days: int | None
    last_verified: object
    url: str
    phones: list = field(default_factory=list)
    places: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # Unplaced, for the editors' report
    distance: object = None  # services_map.nearby.Distance, on a list sorted nearest first

    @property
    def distance_label(self):
        from .nearby import distance_label

        return distance_label(self.distance)

    @property
    def on_map(self):
        return bool(self.places)

    @property
    def approximate_only(self):
        return bool(self.places) and all(p.approximate for p in self.places)

    @property
    def is_overdue(self):
        return self.freshness in (Freshness.OVERDUE, Freshness.ORPHANED)

    @property
    def is_active(self):
        return self.status == ServiceStatus.ACTIVE

    @property
    def off_map_reason(self):
        if self.places:
            return ""
        if not self.problems or all(p.problem == Problem.NO_LOCATION for p in self.problems):
            return Problem.LABELS[Problem.NO_LOCATION]
        if any(p.problem == Problem.NO_CENTRE for p in self.problems):
            return _("Confidential address, and its area has no point on the map")
        return _("No map point recorded")


@lru_cache(maxsize=8)
def _organization_url_parts(script_prefix):
    url = reverse("directory:organization", kwargs={"slug": "slug-placeholder"})
    return tuple(url.split("slug-placeholder", 1))


def entry_url(slug, service_pk, parts=None):
    """The service on its organization's page (a reverse() per entry is slow at 20,000)."""
    before, after = parts or _organization_url_parts(get_script_prefix())
    return f"{before}{slug}{after}#service-{service_pk}"


@lru_cache(maxsize=100_000)
def phone_display(number):
    """National format for Cambodian numbers, international otherwise (parsing is slow: cached)."""
    return ServicePhone(number=number).display


def load_areas(area_ids):
    """AreaInfo for `area_ids` and their district and province (one or two queries)."""
    fields = ("pk", "kind", "name_en", "name_km", "latitude", "longitude", "parent_id", "province_id")
    areas = {}
    wanted = set(area_ids)
    for _round in range(2):  # the areas, then the parents and provinces they point to
        wanted -= set(areas)
        if not wanted:
            break
        rows = Area.objects.filter(pk__in=wanted).values_list(*fields, "country__key")
        for pk, kind, name_en, name_km, lat, lng, parent_id, province_id, country_key in rows:
            area = Area(name_en=name_en, name_km=name_km)  # for the language-aware `name`
            areas[pk] = AreaInfo(
                pk, kind, area.name, lat, lng, parent_id, province_id, (country_key or "").split(":")[0]
            )
        wanted = {a.parent_id for a in areas.values()} | {a.province_id for a in areas.values()}
        wanted.discard(None)
    return areas


class _PhoneFormatter:
    """Phone views for one request: channel labels translated once per request."""

    def __init__(self):
        self.channels = {value: str(label) for value, label in Channel.choices}

    def __call__(self, number, extension, channel, description, verified_on, visibility):
        tel = f"tel:{number}" if number else ""
        return PhoneView(
            display=phone_display(number),
            tel_uri=f"{tel};ext={extension}" if tel and extension else tel,
            channel=self.channels.get(channel, channel),
            description=description,
            verified=bool(number and verified_on),
            visibility=visibility,
        )


def _phones(model, owner_field, owners, viewer, org_keys, formatter):
    """Visible phones of `owners` (a queryset of ids), grouped by owner id, in order."""
    tiers = allowed_tiers(Visibility.RESTRICTED if viewer.member_keys else viewer.tier)
    rows = (
        model.objects.filter(**{f"{owner_field}__in": owners, "visibility__in": tiers})
        .order_by(owner_field, "sort_order", "pk")
        .values_list(
            owner_field, "number", "extension", "channel", "description", "verified_on", "visibility"
        )
    )
    grouped = defaultdict(list)
    site_tiers = allowed_tiers(viewer.tier)
    for owner_id, number, extension, channel, description, verified_on, visibility in rows:
        if visibility not in site_tiers and viewer.tier_for(org_keys(owner_id)) != Visibility.RESTRICTED:
            continue  # a member's restricted phones show only on their own organization
        if len(grouped[owner_id]) < PHONES_PER_CARD:
            grouped[owner_id].append(
                formatter(number, extension, channel, description, verified_on, visibility)
            )
    return grouped


@contextmanager
def gc_paused():
    """Building 20,000 entries allocates hundreds of thousands of small objects, none of them
    cyclic garbage; the collector's passes over them cost ~40% of the time, so it waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_entries(services, viewer, today=None, phones=True, ordered=True, *, formatter=None, merge=True):
    """MapEntry for each service in the `services` queryset, sorted like the directory
    (organization, then service name), or by id when `ordered` is false. For the stored map
    features (`services_map.features`): `formatter` makes the phone views (channel labels),
    and with `merge` false places drawn alike are kept apart (the words that tell them apart
    are filled in later, per language)."""
    with gc_paused():
        return _build_entries(services, viewer, today, phones, ordered, formatter, merge)


def _build_entries(services, viewer, today, phones, ordered, formatter=None, merge=True):
    # By id even when the caller needs no order: a database's physical row order follows the
    # table's history (PostgreSQL moves an updated row), hidden rows' edits included, and the
    # map's features must not shift with what a viewer cannot see.
    rows = list(
        services.order_by("pk").values_list("pk", "name", "status", "organization_id", *STEWARD_FIELDS)
    )
    if not rows:
        return []
    users = load_users(rows, 3)
    service_ids = services.order_by().values("pk")
    org_ids = services.order_by().values("organization_id")

    orgs = {
        pk: (name, slug, key)
        for pk, name, slug, key in Organization.objects.filter(pk__in=org_ids).values_list(
            "pk", "name", "slug", "translation_key"
        )
    }
    families = defaultdict(list)
    for service_id, code in (
        ServiceTerm.objects.filter(service__in=service_ids)
        .order_by("service_id", "sort_order", "pk")
        .values_list("service_id", "term__code")
    ):
        top = code.split(".", 1)[0]
        if top not in families[service_id]:
            families[service_id].append(top)

    at_locations = defaultdict(list)
    for service_id, location_id in (
        ServiceAtLocation.objects.filter(service__in=service_ids)
        .order_by("service_id", "sort_order", "pk")
        .values_list("service_id", "location_id")
    ):
        at_locations[service_id].append(location_id)
    locations = {}
    org_locations = defaultdict(list)
    org_location_rows = Location.objects.filter(organization__in=org_ids)
    confidential = locations_offering_confidential_services(org_location_rows)  # one query
    for *values, approximate in org_location_rows.order_by("organization_id", "sort_order", "pk").values_list(
        *LOCATION_ROW_FIELDS, "point_is_approximate"
    ):
        row = LocationRow(*values, values[0] in confidential, approximate)
        locations[row.pk] = row
        org_locations[row.organization_id].append(row.pk)
    areas = load_areas({row.area_id for row in locations.values()})

    confidential_services = services_of_confidential_type(service_ids)  # one query
    placed = {}  # (location id, masked) -> Place or Unplaced (a location belongs to one organization)

    def place(location_id, masked=False):
        """`masked`: place the location as a confidential one (a shelter service drawn at its
        organization's locations because it records none of its own)."""
        if (location_id, masked) not in placed:
            row = locations[location_id]
            if masked and not row.confidential_service:
                row = replace(row, confidential_service=True)
            tier = viewer.tier_for(orgs[row.organization_id][2])
            placed[location_id, masked] = place_location(row, tier, areas)
        return placed[location_id, masked]

    service_phones = org_phones = {}
    if phones:
        service_org = {r[0]: r[3] for r in rows}
        formatter = formatter or _PhoneFormatter()
        service_phones = _phones(
            ServicePhone, "service_id", service_ids, viewer, lambda sid: orgs[service_org[sid]][2], formatter
        )
        org_phones = _phones(
            OrganizationPhone, "organization_id", org_ids, viewer, lambda oid: orgs[oid][2], formatter
        )

    today = today or timezone.localdate()
    state_of = freshness if viewer.is_staff else public_freshness
    states = {}  # many entries share a steward, interval and date: compute each state once
    url_parts = _organization_url_parts(get_script_prefix())
    entries = []
    for pk, name, status, org_id, last_verified, interval, steward_id, deputy_id, published in rows:
        org_name, org_slug, _key = orgs[org_id]
        key = freshness_key(viewer.is_staff, last_verified, interval, steward_id, deputy_id, published)
        if key not in states:
            states[key] = str(state_of(StewardedRow(*key[:4], users, key[4]), today))
        entry = MapEntry(
            pk=pk,
            name=name,
            status=status,
            organization_id=org_id,
            organization_name=org_name,
            organization_slug=org_slug,
            families=families.get(pk, []),
            freshness=states[key],
            days=None if last_verified is None else (today - last_verified).days,
            last_verified=last_verified,
            url=entry_url(org_slug, pk, url_parts),
            phones=service_phones.get(pk) or org_phones.get(org_id) or [],
        )
        # Where the service is offered; else wherever its organization is. A confidential-type
        # service (a shelter) with no location of its own must not pin the organization's public
        # office as the shelter's point: there it is drawn as a confidential place (area only).
        location_ids = [i for i in at_locations.get(pk, ()) if i in locations]
        masked = not location_ids and pk in confidential_services
        location_ids = location_ids or org_locations.get(org_id, [])
        if not location_ids:
            entry.problems.append(Unplaced(None, Problem.NO_LOCATION))
        shown = set()
        for location_id in location_ids:
            result = place(location_id, masked)
            if isinstance(result, Place):
                # Two places projected to the same area centre are one marker and one line.
                key = (result.latitude, result.longitude, result.where, result.name, result.hidden_note)
                if not merge:
                    key = result
                if key not in shown:
                    shown.add(key)
                    entry.places.append(result)
            else:
                entry.problems.append(result)
        entries.append(entry)
    if ordered:
        entries.sort(key=lambda e: (e.organization_name.lower(), e.name.lower(), e.pk))
    return entries
