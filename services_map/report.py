"""The editors' lists: what is not on the map, or only at an area centre, and why; and which
locations are stored as public although they are confidential.

One row per published service without a location, and per (service, location) whose point
cannot be used: missing, half-given, 0,0, out of range, swapped or outside its country. A
confidential location with a bad point still shows at its area centre (so the public loses
nothing), but editors should fix the point for partners; a confidential location whose
district and province have no centre is not on the public map at all.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from directory.filters import DirectorySearch
from directory.models import Location, Service, ServiceAtLocation, ServiceTerm, Visibility
from directory.visibility import (
    confidential_term_q,
    effective_visibility,
    is_confidential,
    locations_offering_confidential_services,
)

from .entries import LOCATION_ROW_FIELDS, LocationRow, load_areas
from .placement import Problem, area_centre, point_problem

OFF_MAP = "off"
CENTRE_ONLY = "centre"
STATUS_LABELS = {
    OFF_MAP: _("Not on the map"),
    CENTRE_ONLY: _("Only at the area centre"),
}


@dataclass
class ReportRow:
    service_id: int
    service_name: str
    organization_id: int
    organization_name: str
    location: LocationRow | None
    area_name: str
    problem: str
    status: str

    @property
    def reason(self):
        return Problem.LABELS[self.problem]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def report_rows(params=None):
    """Rows for every published service (default locale) that the map cannot place exactly."""
    services = DirectorySearch(params if params is not None else QueryDict()).services()
    rows = list(
        services.order_by("organization__name", "name", "pk").values_list(
            "pk", "name", "organization_id", "organization__name"
        )
    )
    at = defaultdict(list)
    for service_id, location_id in ServiceAtLocation.objects.filter(
        service__in=services.values("pk")
    ).values_list("service_id", "location_id"):
        at[service_id].append(location_id)
    locations, by_org = {}, defaultdict(list)
    org_locations = Location.objects.filter(organization__in=services.values("organization_id"))
    confidential = locations_offering_confidential_services(org_locations)
    for values in org_locations.order_by("organization_id", "sort_order", "pk").values_list(
        *LOCATION_ROW_FIELDS
    ):
        row = LocationRow(*values, values[0] in confidential)
        locations[row.pk] = row
        by_org[row.organization_id].append(row.pk)
    areas = load_areas({row.area_id for row in locations.values()})

    out = []
    for service_id, name, org_id, org_name in rows:
        ids = [i for i in at.get(service_id, ()) if i in locations] or by_org.get(org_id, [])
        if not ids:
            out.append(ReportRow(service_id, name, org_id, org_name, None, "", Problem.NO_LOCATION, OFF_MAP))
            continue
        for location_id in ids:
            location = locations[location_id]
            area = areas.get(location.area_id)
            problem = point_problem(location.latitude, location.longitude, area.country_code if area else "")
            visibility = effective_visibility(
                location.location_type, location.visibility, location.confidential_service
            )
            public = visibility == Visibility.PUBLIC
            has_centre = area_centre(area, areas) is not None
            if not public and not has_centre:
                problem, status = Problem.NO_CENTRE, OFF_MAP  # not even approximately, for the public
            elif problem:
                status = OFF_MAP if public else CENTRE_ONLY
            else:
                continue
            area_name = area.name if area else ""
            out.append(ReportRow(service_id, name, org_id, org_name, location, area_name, problem, status))
    return out


# -- "Confidential but marked public" ---------------------------------------------------------


@dataclass
class ConfidentialRow:
    """A location whose row says public although the confidentiality rule makes it at least
    partners-only. Every view already applies the rule; editors should make the row say so."""

    location_id: int
    location_name: str
    type_label: str
    area_name: str
    organization_id: int
    organization_name: str
    shelter_type: bool
    services: list  # names of the confidential-type services offered there


def confidential_public_rows():
    """Locations stored as public that are confidential (directory.visibility.is_confidential),
    listed, never changed: one query for the locations, one for the services offered there."""
    public = Location.objects.filter(visibility=Visibility.PUBLIC)
    offering = locations_offering_confidential_services(public)
    services = defaultdict(list)
    if offering:
        confidential_services = ServiceTerm.objects.filter(confidential_term_q("term__")).values("service_id")
        for location_id, name in (
            ServiceAtLocation.objects.filter(location_id__in=offering, service_id__in=confidential_services)
            .order_by("service__name", "service_id")
            .values_list("location_id", "service__name")
            .distinct()
        ):
            services[location_id].append(name)
    rows = []
    for location in public.select_related("organization", "area").order_by(
        "organization__name", "name", "pk"
    ):
        if not is_confidential(location.location_type, location.pk in offering):
            continue
        rows.append(
            ConfidentialRow(
                location_id=location.pk,
                location_name=location.name,
                type_label=location.get_location_type_display(),
                area_name=location.area.name,
                organization_id=location.organization_id,
                organization_name=location.organization.name,
                shelter_type=is_confidential(location.location_type, False),
                services=services.get(location.pk, []),
            )
        )
    return rows


@dataclass
class UnlinkedRow:
    """A service of a confidential type with no service location: the map shows it at the area
    centre of every location of its organization (never at their points), so editors should say
    where it is offered."""

    service_id: int
    service_name: str
    organization_id: int
    organization_name: str
    public_locations: list  # names of the organization's public locations it is drawn at


def unlinked_confidential_services():
    """Live confidential-type services without ServiceAtLocation rows whose organization has
    locations the public sees exactly (where the map draws them)."""
    terms = ServiceTerm.objects.filter(confidential_term_q("term__")).values("service_id")
    services = list(
        Service.objects.filter(pk__in=terms, live=True, service_at_locations__isnull=True)
        .order_by("organization__name", "name", "pk")
        .values_list("pk", "name", "organization_id", "organization__name")
    )
    org_ids = {row[2] for row in services}
    locations = Location.objects.filter(organization_id__in=org_ids)
    offering = locations_offering_confidential_services(locations)
    public = defaultdict(list)
    for pk, org_id, name, location_type, visibility in locations.order_by("sort_order", "pk").values_list(
        "pk", "organization_id", "name", "location_type", "visibility"
    ):
        if effective_visibility(location_type, visibility, pk in offering) == Visibility.PUBLIC:
            public[org_id].append(name)
    return [
        UnlinkedRow(pk, name, org_id, org_name, public[org_id])
        for pk, name, org_id, org_name in services
        if public[org_id]
    ]
