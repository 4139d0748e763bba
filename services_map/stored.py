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
rebuild the same rows at once). Marking rather than rebuilding at once keeps a publish cheap
(its inline rows each send a signal): the next read is exact.

Everything marked (an area or a service type saved, the migration, rows made under other
confidential service types) is a full rebuild: 15-25 s at 20,000 services, too long for a web
request. The change queues it for the task worker once its transaction commits
(`tasks.rebuild_map_rows`; a read that finds it marked and not queued queues it too), and until
it has run `refresh_pending` says the rows are not to be read: the readers take the live path
(`features.live`, `coverage.Coverage` from `build_rows`), slower and always right for the
viewer, so rows made before a place became confidential are never served.

Not covered: a queryset `update()` of a location's area, a service area or a term (no signal);
run `manage.py rebuild_coverage` after such a script. Whether a service is active or verified
is never stored (see `models`), so publishing, unpublishing and verifying need no mark at all,
though saving them marks anyway.
"""

import logging
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

logger = logging.getLogger(__name__)


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
    takes a set of organization ids. Marking ALL queues the worker's full rebuild on commit."""
    if isinstance(organization_id, set):
        organization_id.discard(None)
        if ALL in organization_id:
            organization_id = ALL
        else:
            CoveragePending.objects.bulk_create(CoveragePending(organization_id=i) for i in organization_id)
            return
    if organization_id is not None:
        CoveragePending.objects.create(organization_id=organization_id)
    if organization_id == ALL:
        _queue_on_commit()


def mark_all():
    mark(ALL)


def _queue_on_commit():
    """Queue the full rebuild when this transaction commits, once per transaction (a loader
    saving hundreds of areas in one queues one rebuild)."""
    connection = transaction.get_connection()
    if not any(func is queue_full_rebuild for _ids, func, _robust in connection.run_on_commit):
        transaction.on_commit(queue_full_rebuild)


def queue_full_rebuild(running_too=False):
    """Queue `tasks.rebuild_map_rows` unless one is already waiting (or, `running_too`,
    running: it would only start again once that one is done). The immediate task backend
    (tests) runs it here and now."""
    from .tasks import rebuild_map_rows

    try:
        if not _queued(rebuild_map_rows, running_too):
            rebuild_map_rows.enqueue()
    except Exception:  # a broken queue must not break a save or a page: the next read tries again
        logger.exception("Could not queue a rebuild of the map's stored rows")


def _queued(task, running_too):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    statuses = [TaskResultStatus.READY] + ([TaskResultStatus.RUNNING] if running_too else [])
    return DBTaskResult.objects.filter(task_path=task.module_path, status__in=statuses).exists()


def refresh_pending():
    """Whether the stored rows may be read now; the organizations marked since the last read
    are rebuilt first (nothing marked: one small query, and one for the rules).

    Not when a full rebuild is marked, or the stored map features were made under other
    confidential service types than this process's (`features.rules_match`: then everything is
    marked): that rebuild is the task worker's, queued here if it is not, and until it has run
    the answer is False and the caller takes the live path."""
    from .features import rules_match

    marks = set(CoveragePending.objects.values_list("organization_id", flat=True).distinct())
    full = ALL in marks
    if not full and not rules_match():
        logger.warning("The map's stored features were made under other rules: rebuilding them all")
        mark_all()
        full = True
    if full:
        queue_full_rebuild(running_too=True)
        # Still marked, unless the task backend ran it at once (tests).
        if CoveragePending.objects.filter(organization_id=ALL).exists() or not rules_match():
            return False
    elif not marks:
        return True
    return rebuild_marked(full=False)


def rebuild_marked(full=True):
    """Rebuild what is marked (the task worker's full rebuild; `full=False`: only organizations'
    marks, for a web request, and False when everything is marked); True when done."""
    with transaction.atomic():
        _lock()
        # Read under the lock: a rebuild that held it meanwhile took its marks along.
        pending = list(CoveragePending.objects.values_list("pk", "organization_id"))
        organizations = {org_id for _pk, org_id in pending}
        if ALL in organizations and not full:
            return False
        if organizations:
            rebuild(None if ALL in organizations else organizations)
            # Only the marks read: one made meanwhile is kept for the next read.
            CoveragePending.objects.filter(pk__in=[pk for pk, _org in pending]).delete()
    return True


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
