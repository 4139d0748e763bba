"""Coverage: which service families each province (and each destination country) has.

Counted: *active* services: published (live), status "active", of a published organization
that has not closed, merged, been renamed or gone inactive (status "unknown" still counts),
in the default content locale (translations are the same service, counted once).

A service counts in every province it reaches:

* its service areas (HSDS service_area): a district or commune counts in its province, a
  province in itself, a whole country (a national hotline) in every province of it;
* without service areas, the areas of its locations (where it is offered, else its
  organization's locations), each taken as the public is shown it, area only
  (`directory.visibility.area_shown`: district or province, never a commune), so a count
  never rests on a place finer than every viewer may see;
* without either, its organization's own area.

Abroad, a service counts in each country it reaches the same way. A cell is *verified* when
at least one of its services is fresh or due for review (`directory.freshness`), *stale*
when all its services are overdue or orphaned, and *none* when it has no active service.
"""

from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from directory.freshness import Freshness, freshness
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

from .entries import STEWARD_FIELDS, StewardedRow, entry_url, load_users

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
    verified: int = 0
    stale: int = 0

    @property
    def state(self):
        if self.verified:
            return "ok"
        return "stale" if self.stale else "none"

    @property
    def total(self):
        return self.verified + self.stale

    @property
    def label(self):
        """The cell in words (the table must not rely on colour)."""
        if self.state == "none":
            return _("none")
        if self.state == "stale":
            return _("%(n)s stale") % {"n": self.stale}
        return str(self.verified)


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
    areas: set = field(default_factory=set)

    @property
    def url(self):
        return entry_url(self.organization_slug, self.pk)

    @property
    def is_verified(self):
        return self.freshness in VERIFIED


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

        reach, nationwide = self._reach(services, rows)
        home_provinces = {p.pk for p in self.provinces}
        home = Area.objects.get(key=HOME_COUNTRY).pk if self.provinces else None
        self.items = []
        self.by_area = defaultdict(list)  # province or country id -> [ServiceItem]
        states = {}  # entries sharing steward, interval and date share their state
        for pk, name, _org_id, org_name, org_slug, last_verified, interval, steward, deputy in rows:
            key = (last_verified, interval, steward, deputy)
            if key not in states:
                state = freshness(StewardedRow(*key, users), self.today)
                states[key] = str(state if self.staff else public_freshness_of(state))
            areas = reach.get(pk, set())
            national = nationwide.get(pk, ())
            if home in national:
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
                nationwide=bool(national),
                areas=areas,
            )
            self.items.append(item)
            for area_id in areas:
                self.by_area[area_id].append(item)

    def _reach(self, services, rows):
        """({service id: province and country ids}, {service id: countries served nationwide})."""
        reach = defaultdict(set)
        nationwide = {}

        def add(service_id, kind, area_id, province_id, country_id):
            areas = reach[service_id]
            if country_id:
                areas.add(country_id)
            if kind == AreaKind.COUNTRY:
                nationwide.setdefault(service_id, set()).add(area_id)
            elif province_id:
                areas.add(province_id)

        area_fields = ("area__kind", "area_id", "area__province_id", "area__country_id")
        for service_id, *area in ServiceArea.objects.filter(service__in=services.values("pk")).values_list(
            "service_id", *area_fields
        ):
            add(service_id, *area)
        # Services without service areas: where they are offered.
        rest = {r[0] for r in rows} - set(reach)
        if rest:
            at = defaultdict(set)
            for service_id, location_id in ServiceAtLocation.objects.filter(service_id__in=rest).values_list(
                "service_id", "location_id"
            ):
                at[service_id].add(location_id)
            org_of = {r[0]: r[2] for r in rows if r[0] in rest}
            by_org = defaultdict(list)
            location_areas = {}
            location_rows = Location.objects.filter(organization_id__in=set(org_of.values())).values_list(
                "pk", "organization_id", "area__kind", "area_id", "area__parent_id", *area_fields[2:]
            )
            for location_id, org_id, *area in location_rows:
                by_org[org_id].append(location_id)
                shown = area_shown(AreaRef(*area), False, _district_of)
                location_areas[location_id] = (shown.kind, shown.pk, shown.province_id, shown.country_id)
            for service_id in rest:
                for location_id in at.get(service_id) or by_org.get(org_of[service_id], []):
                    if location_id in location_areas:
                        kind, *rest_of_area = location_areas[location_id]
                        # A location filed under a whole country is not a nationwide service.
                        add(service_id, None if kind == AreaKind.COUNTRY else kind, *rest_of_area)
        # Still nothing: the organization's own area (or at least its country).
        rest = {r[0] for r in rows} - set(reach)
        if rest:
            org_area = {
                pk: (kind, area_id, province_id, country_id or org_country)
                for pk, kind, area_id, province_id, country_id, org_country in services.filter(
                    pk__in=rest
                ).values_list(
                    "pk",
                    "organization__area__kind",
                    "organization__area_id",
                    "organization__area__province_id",
                    "organization__area__country_id",
                    "organization__country_id",
                )
            }
            for service_id, (kind, area_id, province_id, country_id) in org_area.items():
                if kind == AreaKind.COUNTRY:
                    kind = None  # an organization "in Cambodia" is not a nationwide service
                add(service_id, kind, area_id, province_id, country_id)
        return reach, nationwide

    # -- tables -------------------------------------------------------------------------------
    def cells(self, area_id, family_codes):
        cells = {code: Cell() for code in family_codes}
        for item in self.by_area.get(area_id, ()):
            for code in item.families:
                if code in cells:
                    if item.is_verified:
                        cells[code].verified += 1
                    else:
                        cells[code].stale += 1
        return [cells[code] for code in family_codes]

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
            family_items.sort(key=lambda i: (not i.is_verified, i.days is None, i.days or 0, i.name.lower()))
            report.append((self.family_by_code[code], cell, family_items))
        return report


def public_freshness_of(state):
    """What the public reads (orphaned shows as overdue), from an already computed state."""
    return Freshness.OVERDUE if state == Freshness.ORPHANED else state
