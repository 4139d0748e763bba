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

import datetime
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, F, Q
from django.utils import timezone
from wagtail.models import Locale

from directory.freshness import (
    Freshness,
    age_freshness,
    default_review_interval,
    due_soon_days,
    freshness,
)
from directory.models import (
    Area,
    AreaKind,
    Location,
    Organization,
    OrganizationStatus,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from directory.visibility import area_shown

from .entries import REVIEW_START, StewardedRow, entry_url, freshness_key, load_users
from .features import Days, fetch_raw, service_fields
from .models import CoverageRow
from .stored import build_rows, refresh_pending

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


def _midnight(day):
    """The start of `day` in the current time zone (what TruncDate compares in)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def verified_q(today):
    """Services that the public is told are verified on `today`: fresh or due
    (`directory.freshness.age_freshness`), i.e. verified at most `interval` days ago, or never
    verified and within `due soon` days of their first review (by when their review clock
    started: alias `entries.REVIEW_START` as `review_start` first; it is compared with the local
    day's bounds, not truncated to a date, so no row is converted: SQLite converts in Python).
    One condition per review interval in use (a handful), since the window depends on it.

    An SQL copy of `directory.freshness._own_age_freshness` for the VERIFIED states (the
    rule stays in Python there; made into SQL per row it would cost the matrix its index-only
    GROUP BY): a change to that rule (its clock, `review_interval`, `due_soon_days`, or which
    states count as verified) must be made here too. `test_coverage_rows.py::
    test_stored_rows_answer_what_the_derivation_answers` checks that the two agree (these
    counts against `age_freshness` service by service: fresh, due, overdue, never verified)."""
    due = due_soon_days()
    default = default_review_interval()
    intervals = Service.objects.order_by().values_list("review_interval_days", flat=True).distinct()
    verified = Q(pk__in=[])
    for value in set(intervals):
        days = value or default
        oldest, newest = today - datetime.timedelta(days), today - datetime.timedelta(days - due)
        verified |= Q(review_interval_days=value) & (
            Q(last_verified__gte=oldest)
            | Q(
                last_verified__isnull=True,
                review_start__gte=_midnight(oldest),
                review_start__lt=_midnight(newest + datetime.timedelta(1)),
            )
        )
    return verified


def active_services():
    # The organizations as a subquery: joined to them, SQLite starts from every organization of
    # the locale when the services are also asked for by id (a province's), 2.5x slower.
    organizations = Organization.objects.filter(live=True, locale=Locale.get_default()).exclude(
        status__in=INACTIVE_ORGANIZATION
    )
    return Service.objects.filter(
        live=True, status=ServiceStatus.ACTIVE, organization__in=organizations.values("pk")
    )


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

    def __init__(self, today=None, staff=False, area=None, counts_only=False):
        """`area`: only that province's or country's services are needed (its page, its pack):
        the others are left out in SQL, and the counts of `area` are the same. `counts_only`:
        only the tables are needed (cells, rows, has_verified), not the services themselves
        (`items`, `area_report`): none is built, and the counts are the same."""
        self.today = today or timezone.localdate()
        self.staff = staff
        self.area = area
        self.counts_only = counts_only
        self.families = top_families()
        self.family_by_code = {t.code: t for t in self.families}
        self.provinces = list(
            Area.objects.filter(kind=AreaKind.PROVINCE, country__key=HOME_COUNTRY).order_by("name_en")
        )
        self._load()

    # -- loading ------------------------------------------------------------------------------
    def _load(self):
        """Read the stored places (`models.CoverageRow`, kept current by `stored`) of the active
        services; whether a service is active and verified is read from it, never stored. While
        a full rebuild of the rows is pending (the task worker's, `stored.refresh_pending`), the
        places are worked out here by the same rule instead (`stored.build_rows`: slower, the
        same answer)."""
        current = refresh_pending()
        services = active_services()
        self.items = []
        self.by_area = defaultdict(list)  # province or country id -> [ServiceItem]
        self.counted_areas = set()  # province and country ids with at least one service
        self.has_verified = False  # whether any counted service is verified at all
        # Every (area id, family code) -> Cell.
        self._cells = {}
        if not current:
            rows = [(r.service_id, r.area_id, r.family, r.based, r.nationwide) for r in build_rows(services)]
            if self.area is not None:
                rows = [row for row in rows if row[1] == self.area.pk]
                # Made for the active services only: the area's are these (looked up by id).
                services = Service.objects.filter(pk__in={row[0] for row in rows})
            self._build(services, rows)
            return
        if self.counts_only and not self.staff:
            self._count(services)  # the public's counts: one GROUP BY
            return
        rows = CoverageRow.objects.all()
        if self.area is not None:
            # The area's own rows are all its counts need, and its active services those rows'.
            rows = rows.filter(area_id=self.area.pk)
            services = services.filter(pk__in=rows.values("service_id"))
        else:
            rows = rows.filter(service__in=services.values("pk"))
        fields = ("service_id", "area_id", "family", "based", "nationwide")
        self._build(services, rows.order_by("service_id", "pk").values_list(*fields))

    def _count(self, services):
        """The cells counted in SQL: (area, family, based) groups of the rows, with how many of
        them are verified on `today` (`verified_q`: the same rule as `directory.freshness`)."""
        verified_services = services.alias(review_start=REVIEW_START).filter(verified_q(self.today))
        # Read in the order of the rows' covering index (service_id + 0: SQLite would otherwise
        # look up each active service's rows and sort them all again for the GROUP BY).
        groups = (
            CoverageRow.objects.alias(sid=F("service_id") + 0)
            .filter(sid__in=services.values("pk"))
            .values_list("area_id", "family", "based")
            .annotate(
                total=Count("service_id"),
                verified=Count("service_id", filter=Q(service_id__in=verified_services.values("pk"))),
            )
            .order_by()
        )
        cells = self._cells
        for area_id, family, based, total, verified in groups:
            self.counted_areas.add(area_id)
            if not family:
                continue  # a service without service types: in the area, in no cell
            cell = cells.get((area_id, family))
            if cell is None:
                cell = cells[area_id, family] = Cell()
            if based:
                cell.based_verified += verified
                cell.based_stale += total - verified
            else:
                cell.reaching_verified += verified
                cell.reaching_stale += total - verified
        self.has_verified = verified_services.exists()

    def _build(self, services, rows):
        """The services themselves (items, by area) and their cells, counted as they are made.
        `rows`: (service id, area id, family, based, nationwide), by service as stored."""
        rows_of = defaultdict(list)
        for service_id, *row in rows:
            rows_of[service_id].append(row)
        # The freshness fields read raw, each distinct date converted once (as the map's stored
        # features read them): Django's per-row converters were a third of a province page.
        fields = ("pk", "name", "organization__name", "organization__slug")
        fields += service_fields(connections[services.db].vendor)[1:]
        services = fetch_raw(services.order_by().values_list(*fields))
        users = load_users(services, 4)
        days = Days()
        states = {}  # entries sharing steward, interval and dates share their state
        state_of = freshness if self.staff else age_freshness  # the public never reads "orphaned"
        cells = self._cells
        for pk, name, org_name, org_slug, last_verified, interval, steward, deputy, start in services:
            last_verified = days.date(last_verified)
            start = start and days.local(start)
            key = freshness_key(self.staff, last_verified, interval, steward, deputy, start)
            state = states.get(key)
            if state is None:
                state = states[key] = str(state_of(StewardedRow(*key[:4], users, key[4]), self.today))
            areas, based, codes, nationwide = set(), set(), [], False
            for area_id, family, is_based, is_nationwide in rows_of.get(pk, ()):
                areas.add(area_id)
                if is_based:
                    based.add(area_id)
                if family and family not in codes:
                    codes.append(family)
                nationwide = is_nationwide
            verified = state in VERIFIED
            self.has_verified = self.has_verified or verified
            self.counted_areas |= areas
            for area_id in areas:
                is_based = area_id in based
                for code in codes:
                    cell = cells.get((area_id, code))
                    if cell is None:
                        cell = cells[area_id, code] = Cell()
                    if is_based:
                        if verified:
                            cell.based_verified += 1
                        else:
                            cell.based_stale += 1
                    elif verified:
                        cell.reaching_verified += 1
                    else:
                        cell.reaching_stale += 1
            if self.counts_only:
                continue
            item = ServiceItem(
                pk=pk,
                name=name,
                organization_name=org_name,
                organization_slug=org_slug,
                families=codes,
                freshness=state,
                days=None if last_verified is None else (self.today - last_verified).days,
                last_verified=last_verified,
                nationwide=nationwide,
                areas=areas,
                based=based,
            )
            self.items.append(item)
            for area_id in areas:
                self.by_area[area_id].append(item)

    # -- tables -------------------------------------------------------------------------------
    def cells(self, area_id, family_codes):
        """The Cell of each family in `area_id` (counted once for all areas while loading)."""
        return [self._cells.get((area_id, code)) or Cell() for code in family_codes]

    def province_rows(self):
        codes = [f.code for f in self.families]
        return [(province, self.cells(province.pk, codes)) for province in self.provinces]

    def destination_countries(self):
        """Countries other than Cambodia where at least one active service is counted."""
        return list(
            Area.objects.filter(pk__in=self.counted_areas, kind=AreaKind.COUNTRY)
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


class Places:
    """Where one service is based and whom it serves (province and country ids)."""

    __slots__ = ("based", "served", "nationwide")

    def __init__(self):
        self.based = set()
        self.served = set()
        self.nationwide = set()  # countries served as a whole


def _based_ids(kind, province_id, country_id):
    """The province and country ids a service is based in at a place of `kind` (the based half of
    `service_places`'s rule: a location filed under a country is based in that country only)."""
    ids = [country_id] if country_id else []
    if kind != AreaKind.COUNTRY and province_id:
        ids.append(province_id)
    return tuple(ids)


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
    country = AreaKind.COUNTRY
    for service_id, kind, area_id, province_id, country_id in ServiceArea.objects.filter(
        service__in=services.values("pk")
    ).values_list("service_id", *area_fields):
        place = places[service_id]  # add("served", ...) inlined: one row per service area
        if country_id:
            place.served.add(country_id)
        if kind == country:
            place.nationwide.add(area_id)
        elif province_id:
            place.served.add(province_id)

    org_of = dict(services.order_by().values_list("pk", "organization_id"))
    # Subqueries rather than lists of 20,000 ids: binding each id as a parameter cost more
    # than the queries themselves.
    at = defaultdict(set)
    for service_id, location_id in ServiceAtLocation.objects.filter(
        service__in=services.order_by().values("pk")
    ).values_list("service_id", "location_id"):
        at[service_id].add(location_id)
    by_org, location_areas = defaultdict(list), {}
    for location_id, org_id, *area in Location.objects.filter(
        organization__in=services.order_by().values("organization_id")
    ).values_list("pk", "organization_id", "area__kind", "area_id", "area__parent_id", *area_fields[2:]):
        by_org[org_id].append(location_id)
        shown = area_shown(AreaRef(*area), False, _district_of)
        # What add("based", ...) puts in `based` for this location, worked out once per location.
        location_areas[location_id] = _based_ids(shown.kind, shown.province_id, shown.country_id)
    unplaced = set()
    for service_id, org_id in org_of.items():
        location_ids = [i for i in at.get(service_id, ()) if i in location_areas] or by_org.get(org_id, [])
        if location_ids:
            based = places[service_id].based
            for location_id in location_ids:
                based.update(location_areas[location_id])
        else:
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
