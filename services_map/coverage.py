"""Coverage: which service families each province (and each destination country) has, told
apart by services *based* there and services that only *reach* it.

Counted: *active* services: published (live), status "active", of a published organization
that has not closed, merged, been renamed or gone inactive (status "unknown" still counts),
in the default content locale (translations are the same service, counted once).

Where a service is, and whom it serves (``service_places``: the one place this rule lives):

* **based** in the provinces (and countries) of its locations: where it is offered, else its
  organization's locations, each taken as the public is shown it, area only
  (`directory.visibility.area_shown`: district or province, never a commune), so a count never
  rests on a place finer than every viewer may see; without any location, its organization's
  own area (the office the organization is filed under);
* **reaches** the provinces of its service areas (HSDS service_area: a district or commune
  counts in its province, a province in itself, a whole country, i.e. a national hotline, in
  every province of it) where it is not based. A nationwide hotline is therefore "reaching" in
  every province and "based" only where its office is.

Abroad, a service counts in each country the same way. Each cell counts the verified (fresh or
due for review, `directory.freshness`) and the unverified (never verified, overdue or, for staff,
orphaned) services of each kind. A cell is *ok* when a verified service is based there,
*reached* when only verified services from elsewhere reach it, *stale* when its services are
all unverified, and *none* when it has no active service.
"""

from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.utils import timezone
from wagtail.models import Locale

from directory.freshness import Freshness, age_freshness, freshness
from directory.models import (
    Area,
    AreaKind,
    Location,
    OrganizationStatus,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    ServiceTerm,
    TaxonomyTerm,
)
from directory.visibility import area_shown

from .entries import STEWARD_FIELDS, StewardedRow, entry_url, load_users, published_day

HOME_COUNTRY = "KH"
# Abroad, the services that get a Cambodian home: consular help and return (repatriation).
DESTINATION_FAMILIES = ["CONSULAR", "RETURN"]
INACTIVE_ORGANIZATION = [
    OrganizationStatus.INACTIVE,
    OrganizationStatus.MERGED,
    OrganizationStatus.RENAMED,
    OrganizationStatus.CLOSED,
]
VERIFIED = {Freshness.FRESH, Freshness.DUE}

# A location's area as coverage reads it (a commune's district shares its province and country).
AreaRef = namedtuple("AreaRef", "kind pk parent_id province_id country_id")


def _district_of(commune):
    return AreaRef(AreaKind.DISTRICT, commune.parent_id, None, commune.province_id, commune.country_id)


def active_services():
    return Service.objects.filter(
        live=True,
        status=ServiceStatus.ACTIVE,
        organization__live=True,
        organization__locale=Locale.get_default(),
    ).exclude(organization__status__in=INACTIVE_ORGANIZATION)


@dataclass
class Cell:
    based_verified: int = 0
    based_stale: int = 0
    reaching_verified: int = 0
    reaching_stale: int = 0

    def add(self, item, area_id):
        kind = "based" if area_id in item.based else "reaching"
        state = "verified" if item.is_verified else "stale"
        setattr(self, f"{kind}_{state}", getattr(self, f"{kind}_{state}") + 1)

    @property
    def verified(self):
        return self.based_verified + self.reaching_verified

    @property
    def stale(self):
        return self.based_stale + self.reaching_stale

    @property
    def based(self):
        return self.based_verified + self.based_stale

    @property
    def reaching(self):
        return self.reaching_verified + self.reaching_stale

    @property
    def state(self):
        if self.based_verified:
            return "ok"
        if self.reaching_verified:
            return "reached"
        return "stale" if self.stale else "none"

    @property
    def total(self):
        return self.verified + self.stale


@dataclass
class ServiceItem:
    pk: int
    name: str
    organization_name: str
    organization_slug: str
    families: list
    freshness: str
    days: int | None
    last_verified: object
    nationwide: bool = False
    areas: set = field(default_factory=set)  # province and country ids it is based in or reaches
    based: set = field(default_factory=set)  # those it is based in (a location there)

    @property
    def url(self):
        return entry_url(self.organization_slug, self.pk)

    @property
    def is_verified(self):
        return self.freshness in VERIFIED

    def is_based_in(self, area_id):
        return area_id in self.based


def top_families():
    """Top-level taxonomy terms (service families) in taxonomy order."""
    return list(TaxonomyTerm.objects.filter(parent__isnull=True).order_by("pk"))


class Coverage:
    """Counts for every province and destination country, computed once per request."""

    def __init__(self, today=None, staff=False):
        self.today = today or timezone.localdate()
        self.staff = staff
        self.families = top_families()
        self.family_by_code = {t.code: t for t in self.families}
        self.provinces = list(
            Area.objects.filter(kind=AreaKind.PROVINCE, country__key=HOME_COUNTRY).order_by("name_en")
        )
        self._load()

    # -- loading ------------------------------------------------------------------------------
    def _load(self):
        services = active_services()
        ids = services.values("pk")
        rows = list(
            services.order_by().values_list(
                "pk", "name", "organization_id", "organization__name", "organization__slug", *STEWARD_FIELDS
            )
        )
        users = load_users(rows, 5)
        families = defaultdict(list)
        for service_id, code in ServiceTerm.objects.filter(service__in=ids).values_list(
            "service_id", "term__code"
        ):
            top = code.split(".", 1)[0]
            if top not in families[service_id]:
                families[service_id].append(top)

        places = service_places(services)
        home_provinces = {p.pk for p in self.provinces}
        home = Area.objects.get(key=HOME_COUNTRY).pk if self.provinces else None
        self.items = []
        self.by_area = defaultdict(list)  # province or country id -> [ServiceItem]
        states = {}  # entries sharing steward, interval and dates share their state
        state_of = freshness if self.staff else age_freshness  # the public never reads "orphaned"
        for pk, name, _org_id, org_name, org_slug, *stewarding in rows:
            last_verified, interval, steward, deputy, published = stewarding
            key = (last_verified, interval, steward, deputy)
            if last_verified is None:
                key += (published_day(published),)
            if key not in states:
                states[key] = str(state_of(StewardedRow(*key[:4], users, *key[4:]), self.today))
            place = places.get(pk, Places())
            areas = place.based | place.served
            if home in place.nationwide:
                areas = areas | home_provinces
            item = ServiceItem(
                pk=pk,
                name=name,
                organization_name=org_name,
                organization_slug=org_slug,
                families=families.get(pk, []),
                freshness=states[key],
                days=None if last_verified is None else (self.today - last_verified).days,
                last_verified=last_verified,
                nationwide=bool(place.nationwide),
                areas=areas,
                based=place.based,
            )
            self.items.append(item)
            for area_id in areas:
                self.by_area[area_id].append(item)

    # -- tables -------------------------------------------------------------------------------
    def cells(self, area_id, family_codes):
        cells = {code: Cell() for code in family_codes}
        for item in self.by_area.get(area_id, ()):
            for code in item.families:
                if code in cells:
                    cells[code].add(item, area_id)
        return [cells[code] for code in family_codes]

    @property
    def has_verified(self):
        """Whether any counted service is verified at all (else the page says so in words)."""
        return any(item.is_verified for item in self.items)

    def province_rows(self):
        codes = [f.code for f in self.families]
        return [(province, self.cells(province.pk, codes)) for province in self.provinces]

    def destination_countries(self):
        """Countries other than Cambodia where at least one active service is counted."""
        ids = [area_id for area_id, items in self.by_area.items() if items]
        return list(
            Area.objects.filter(pk__in=ids, kind=AreaKind.COUNTRY)
            .exclude(key=HOME_COUNTRY)
            .order_by("name_en")
        )

    def destination_families(self):
        return [self.family_by_code[c] for c in DESTINATION_FAMILIES if c in self.family_by_code]

    def country_rows(self):
        codes = [f.code for f in self.destination_families()]
        return [(country, self.cells(country.pk, codes)) for country in self.destination_countries()]

    def area_report(self, area, family_codes):
        """For one province or country: [(family, cell, items)] with verified items first."""
        items = self.by_area.get(area.pk, [])
        report = []
        family_codes = [code for code in family_codes if code in self.family_by_code]
        for code, cell in zip(family_codes, self.cells(area.pk, family_codes), strict=True):
            family_items = [i for i in items if code in i.families]
            # Based here before reaching here, verified first, most recently verified first.
            family_items.sort(
                key=lambda i: (
                    not i.is_based_in(area.pk),
                    not i.is_verified,
                    i.days is None,
                    i.days or 0,
                    i.name.lower(),
                )
            )
            report.append((self.family_by_code[code], cell, family_items))
        return report


@dataclass
class Places:
    """Where one service is based and whom it serves (province and country ids)."""

    based: set = field(default_factory=set)
    served: set = field(default_factory=set)
    nationwide: set = field(default_factory=set)  # countries served as a whole


def service_places(services):
    """{service id: Places} for a queryset of services: the one rule for "based in" and "reaches"
    (see the module docstring). Service areas say whom it serves; locations (else the
    organization's locations, else its area) say where it is based."""
    places = defaultdict(Places)

    def add(target, kind, area_id, province_id, country_id, service_id):
        place = places[service_id]
        into = place.based if target == "based" else place.served
        if country_id:
            into.add(country_id)
        if kind == AreaKind.COUNTRY:
            if target == "served":
                place.nationwide.add(area_id)  # a location filed under a country is not nationwide
        elif province_id:
            into.add(province_id)

    area_fields = ("area__kind", "area_id", "area__province_id", "area__country_id")
    for service_id, *area in ServiceArea.objects.filter(service__in=services.values("pk")).values_list(
        "service_id", *area_fields
    ):
        add("served", *area, service_id)

    org_of = dict(services.order_by().values_list("pk", "organization_id"))
    at = defaultdict(set)
    for service_id, location_id in ServiceAtLocation.objects.filter(service_id__in=org_of).values_list(
        "service_id", "location_id"
    ):
        at[service_id].add(location_id)
    by_org, location_areas = defaultdict(list), {}
    for location_id, org_id, *area in Location.objects.filter(
        organization_id__in=set(org_of.values())
    ).values_list("pk", "organization_id", "area__kind", "area_id", "area__parent_id", *area_fields[2:]):
        by_org[org_id].append(location_id)
        shown = area_shown(AreaRef(*area), False, _district_of)
        location_areas[location_id] = (shown.kind, shown.pk, shown.province_id, shown.country_id)
    unplaced = set()
    for service_id, org_id in org_of.items():
        location_ids = [i for i in at.get(service_id, ()) if i in location_areas] or by_org.get(org_id, [])
        for location_id in location_ids:
            add("based", *location_areas[location_id], service_id)
        if not location_ids:
            unplaced.add(service_id)
    # No location at all: based where its organization is filed (or at least in its country).
    if unplaced:
        for service_id, kind, area_id, province_id, country_id, org_country in services.filter(
            pk__in=unplaced
        ).values_list(
            "pk",
            "organization__area__kind",
            "organization__area_id",
            "organization__area__province_id",
            "organization__area__country_id",
            "organization__country_id",
        ):
            add("based", kind, area_id, province_id, country_id or org_country, service_id)
    return dict(places)
