"""Keep the coverage rows (`models.CoverageRow`) and the map's stored features
(`models.MapFeatures`, `features`) in step with the directory.

Every input of a service's places belongs to its organization: the service itself, its service
areas, locations, service types and phones, and the organization's locations, phones and area
(a ServiceAtLocation or service type also marks the organization of the locations it makes
confidential, should that be another). So a save or a
delete of any of those (through the ORM, queryset deletes included: they send the signals
once a receiver is connected) marks the organization pending (`CoveragePending`), in the
same transaction; a change to an area or a service type marks everything. Before the coverage
pages and the map read the rows, `refresh_pending` rebuilds the marked organizations' rows (a
few queries for one organization; on PostgreSQL under an advisory lock, so two requests never
rebuild the same rows at once). Marking rather than rebuilding at once keeps a publish cheap (its inline
rows each send a signal) and needs no commit hook or task queue: the next read is exact.

Not covered: a queryset `update()` of a location's area, a service area or a term (no signal);
run `manage.py rebuild_coverage` after such a script. Whether a service is active or verified
is never stored (see `models`), so publishing, unpublishing and verifying need no mark at all,
though saving them marks anyway.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from directory.models import (
    Area,
    AreaKind,
    Location,
    Organization,
    OrganizationPhone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServicePhone,
    ServiceTerm,
    TaxonomyTerm,
)

from .models import CoveragePending, CoverageRow

ALL = 0  # CoveragePending.organization_id meaning "every organization"


def build_rows(services):
    """CoverageRow objects (unsaved) for a queryset of services, by `coverage.service_places`."""
    from .coverage import HOME_COUNTRY, service_places

    places = service_places(services)
    families = defaultdict(list)
    for service_id, code in (
        ServiceTerm.objects.filter(service__in=services.order_by().values("pk"))
        .order_by("service_id", "pk")
        .values_list("service_id", "term__code")
    ):
        top = code.split(".", 1)[0]
        if top not in families[service_id]:
            families[service_id].append(top)
    home = Area.objects.filter(key=HOME_COUNTRY).values_list("pk", flat=True).first()
    home_provinces = set(
        Area.objects.filter(kind=AreaKind.PROVINCE, country__key=HOME_COUNTRY).values_list("pk", flat=True)
    )
    no_family = [""]
    rows = []
    for service_id, org_id in services.order_by("pk").values_list("pk", "organization_id"):
        place = places.get(service_id)
        if place is None:
            continue
        areas = place.based | place.served
        if home_provinces and home in place.nationwide:
            areas |= home_provinces
        areas.discard(home)  # no cell, no page: only the provinces count
        nationwide = bool(place.nationwide)
        for area_id in sorted(areas):
            based = area_id in place.based
            for code in families.get(service_id) or no_family:
                rows.append(
                    CoverageRow(
                        service_id=service_id,
                        organization_id=org_id,
                        area_id=area_id,
                        family=code,
                        based=based,
                        nationwide=nationwide,
                    )
                )
    return rows


def rebuild(organization_ids=None):
    """Rebuild the rows of `organization_ids`' services (None: all), coverage rows and the
    map's stored features (`features`); the number of coverage rows."""
    from .features import rebuild_rows as rebuild_features

    with transaction.atomic():
        _lock()
        if organization_ids is None:
            services = Service.objects.all()
            CoverageRow.objects.all().delete()
        else:
            organization_ids = sorted(set(organization_ids))
            services = Service.objects.filter(organization_id__in=organization_ids)
            # A service moved to another organization leaves rows under its old one.
            CoverageRow.objects.filter(organization_id__in=organization_ids).delete()
            CoverageRow.objects.filter(service__in=services.values("pk")).delete()
        rows = build_rows(services)
        CoverageRow.objects.bulk_create(rows, batch_size=2000)
        rebuild_features(services, organization_ids)
    return len(rows)


# Any 64-bit number of our own: PostgreSQL advisory locks are shared by the whole database.
REBUILD_LOCK = 0x6D6170_726F7773  # "map rows"


def _lock():
    """Serialize rebuilds until the transaction ends (PostgreSQL: two requests rebuilding at
    once would each delete only the rows committed before them, and insert theirs twice;
    SQLite serializes writers by itself)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])


def mark(organization_id):
    """Mark an organization's rows (ALL: every row) to be rebuilt before the next read; also
    takes a set of organization ids."""
    if isinstance(organization_id, set):
        organization_id.discard(None)
        if ALL in organization_id:
            organization_id = ALL
        else:
            CoveragePending.objects.bulk_create(CoveragePending(organization_id=i) for i in organization_id)
            return
    if organization_id is not None:
        CoveragePending.objects.create(organization_id=organization_id)


def mark_all():
    mark(ALL)


def refresh_pending():
    """Rebuild what was marked since the last read (nothing to do: one small query)."""
    if not CoveragePending.objects.exists():
        return
    with transaction.atomic():
        _lock()
        # Read again under the lock: a rebuild that held it meanwhile took its marks along.
        pending = list(CoveragePending.objects.values_list("pk", "organization_id"))
        if not pending:
            return
        organizations = {org_id for _pk, org_id in pending}
        rebuild(None if ALL in organizations else organizations)
        # Only the marks read: one made meanwhile is kept for the next read.
        CoveragePending.objects.filter(pk__in=[pk for pk, _org in pending]).delete()


def _service_organization(service_id):
    return Service.objects.filter(pk=service_id).values_list("organization_id", flat=True).first()


def _organization_of(instance):
    if isinstance(instance, Organization):
        return instance.pk
    if isinstance(instance, (Service, Location, OrganizationPhone)):
        return instance.organization_id
    if isinstance(instance, (Area, TaxonomyTerm)):
        return ALL
    # ServiceArea, ServiceAtLocation, ServiceTerm, ServicePhone: the service's organization
    # (gone when the service itself is being deleted: its rows go with it).
    organization = _service_organization(instance.service_id)
    if isinstance(instance, (ServiceAtLocation, ServiceTerm)):
        # A service of a confidential type makes the places it is offered at confidential
        # (`directory.visibility`): their organization's map features follow, whoever's they are.
        return {organization, *_other_organizations(instance, organization)}
    return organization


def _other_organizations(instance, organization):
    """Organizations of the locations `instance` (a ServiceAtLocation or ServiceTerm) touches,
    other than the service's own (the admin keeps them the same; imports might not)."""
    if isinstance(instance, ServiceAtLocation):
        locations = Location.objects.filter(pk=instance.location_id)
    else:
        locations = Location.objects.filter(
            pk__in=ServiceAtLocation.objects.filter(service_id=instance.service_id).values("location_id")
        )
    return set(locations.exclude(organization_id=organization).values_list("organization_id", flat=True))


def on_change(sender, instance, **kwargs):
    mark(_organization_of(instance))


WATCHED = (
    Organization,
    Service,
    Location,
    ServiceArea,
    ServiceAtLocation,
    ServiceTerm,
    Area,
    TaxonomyTerm,
    ServicePhone,
    OrganizationPhone,
)


def connect():
    for model in WATCHED:
        uid = f"coverage-rows-{model._meta.label}"
        post_save.connect(on_change, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(on_change, sender=model, dispatch_uid=uid + "-delete")
