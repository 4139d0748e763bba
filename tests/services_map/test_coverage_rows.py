"""Coverage read from stored rows (services_map.models.CoverageRow) answers exactly what the
derivation from the directory answers, for every kind of service and every viewer, and follows
every change at once: an edited service area or location, an unpublished, deleted or imported
service.

The reference, `derived`, works out each active service's places with
`coverage.service_places` and its state with `directory.freshness`, one service at a time, as
the coverage pages did on every request before the rows were stored."""

import datetime
from collections import defaultdict

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from directory.freshness import age_freshness, freshness
from directory.models import Area, AreaKind, Service, ServiceArea, ServiceAtLocation, ServiceTerm
from services_map.coverage import HOME_COUNTRY, VERIFIED, Coverage, active_services, service_places

from .conftest import add_location


def derived(staff, today=None):
    """{(area id, family): [based verified, based stale, reaching verified, reaching stale]} and
    {(area id, family): {(service id, based, state)}}, service by service."""
    today = today or timezone.localdate()
    services = active_services()
    places = service_places(services)
    provinces = set(
        Area.objects.filter(kind=AreaKind.PROVINCE, country__key=HOME_COUNTRY).values_list("pk", flat=True)
    )
    home = Area.objects.get(key=HOME_COUNTRY).pk
    cells = defaultdict(lambda: [0, 0, 0, 0])
    listed = defaultdict(set)
    for service in services.select_related("steward", "deputy"):
        state = str((freshness if staff else age_freshness)(service, today))
        families = []
        for code in ServiceTerm.objects.filter(service=service).values_list("term__code", flat=True):
            if code.split(".")[0] not in families:
                families.append(code.split(".")[0])
        place = places.get(service.pk)
        if place is None:
            continue
        areas = place.based | place.served | (provinces if home in place.nationwide else set())
        areas.discard(home)  # Cambodia as a whole is no cell of the matrix and has no page
        for area_id in areas:
            based = area_id in place.based
            for code in families:
                cells[area_id, code][(0 if based else 2) + (0 if state in VERIFIED else 1)] += 1
                listed[area_id, code].add((service.pk, based, state))
    return dict(cells), dict(listed)


def stored(coverage, areas):
    """The same two tables as `coverage` (a Coverage) reports them."""
    cells, listed = {}, {}
    for area in areas:
        for family in coverage.families:
            cell = coverage.cells(area.pk, [family.code])[0]
            counts = [cell.based_verified, cell.based_stale, cell.reaching_verified, cell.reaching_stale]
            if any(counts):
                cells[area.pk, family.code] = counts
    if not coverage.counts_only:
        for area in areas:
            for family, _cell, items in coverage.area_report(area, [f.code for f in coverage.families]):
                if items:
                    listed[area.pk, family.code] = {(i.pk, i.is_based_in(area.pk), i.freshness) for i in items}
    return cells, listed


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def seeded(make_org, make_service, steward):
    """One service of each kind the coverage rules tell apart."""
    fresh = {"steward": steward, "last_verified": days_ago(2)}
    gone = User.objects.create_user("gone-steward", is_active=False)
    # A public office in a Battambang district, serving Phnom Penh.
    public = make_org("Public office", area_key="KH:12")
    add_location(public, "KH:0203" if Area.objects.filter(key="KH:0203").exists() else "KH:02")
    make_service(public, "Public legal aid", terms=["LEGAL.ADVICE", "LEGAL.REP"], areas=["KH:12"], **fresh)
    # Offered only at a partners-only place in Siem Reap, and at a restricted one in Kampong Cham.
    tiered = make_org("Tiered places", area_key="KH:12")
    partners = add_location(tiered, "KH:17", visibility="partners", lat=13.36, lng=103.86)
    restricted = add_location(tiered, "KH:03", visibility="restricted", lat=12.0, lng=105.45)
    for location, name in ((partners, "At a partners place"), (restricted, "At a restricted place")):
        service = make_service(tiered, name, terms=["MED.CHECK"], **fresh)
        ServiceAtLocation.objects.create(service=service, location=location)
    # A shelter (confidential place: its point is never public), due for review.
    shelter = make_org("Shelter", area_key="KH:02")
    add_location(shelter, "KH:02", kind="shelter", visibility="partners", lat=13.095, lng=103.202)
    make_service(shelter, "Safe house", terms=["SHELTER.SHORT"], steward=steward, last_verified=days_ago(170))
    # Nationwide (overdue), and one whose steward is no longer active (orphaned, for staff).
    national = make_org("National line", area_key="KH:12")
    add_location(national, "KH:12")
    make_service(national, "Hotline", terms=["HELP.TIP"], areas=["KH"], steward=steward, last_verified=days_ago(400))
    make_service(national, "Orphaned", terms=["REINT"], areas=["KH:02"], steward=gone, last_verified=days_ago(1))
    # Abroad: consular help in Thailand, and return help from an organization filed only there.
    thai = make_org("Thai office", country="TH", area_key=None)
    make_service(thai, "Consular help", terms=["CONSULAR"], areas=["TH"], **fresh)
    make_service(thai, "Return help", terms=["RETURN"], **fresh)
    # Unplaced: no location, filed under a province; and one filed under no area at all.
    filed = make_org("Filed under Battambang", area_key="KH:02")
    make_service(filed, "Unplaced", terms=["REINT.PLAN"])
    nowhere = make_org("Filed nowhere", area_key=None)
    make_service(nowhere, "Nowhere", terms=["LEGAL"])
    # Never verified: just published, in its first review window (due: counts as verified),
    # long overdue; and a service without service types (counted in no cell).
    for name, published in (("New", 3), ("First review due", 175), ("Never reviewed", 400)):
        service = make_service(filed, name, terms=["MED"], areas=["KH:02"], steward=steward)
        Service.objects.filter(pk=service.pk).update(first_published_at=timezone.now() - datetime.timedelta(published))
    make_service(filed, "No types", areas=["KH:02"], **fresh)
    # Not counted: unpublished, closed organization.
    make_service(filed, "Draft", terms=["LEGAL"], live=False, **fresh)
    closed = make_org("Closed", area_key="KH:02", status="closed")
    make_service(closed, "Closed service", terms=["LEGAL"], **fresh)


def areas():
    return list(Area.objects.filter(kind=AreaKind.PROVINCE, country__key=HOME_COUNTRY)) + list(
        Area.objects.filter(kind=AreaKind.COUNTRY).exclude(key=HOME_COUNTRY)
    )


@pytest.mark.parametrize("staff", [False, True], ids=["public", "staff"])
def test_stored_rows_answer_what_the_derivation_answers(seeded, staff):
    cells, listed = derived(staff)
    assert len({state for entries in listed.values() for _pk, _based, state in entries}) >= 4
    everything = areas()
    assert stored(Coverage(staff=staff, counts_only=True), everything)[0] == cells
    full = Coverage(staff=staff)
    assert stored(full, everything) == (cells, listed)
    for key in ("KH:02", "KH:12", "KH:17", "KH:03", "TH"):
        area = Area.objects.get(key=key)
        own_cells = {k: v for k, v in cells.items() if k[0] == area.pk}
        own_listed = {k: v for k, v in listed.items() if k[0] == area.pk}
        assert stored(Coverage(staff=staff, area=area), [area]) == (own_cells, own_listed), key
    # The destination countries: only where an active service is counted.
    counted = Coverage(staff=staff, counts_only=True)
    assert [c.key for c in counted.destination_countries()] == ["TH"]
    assert counted.has_verified


@pytest.mark.parametrize("viewer", ["anonymous", "partner_client", "editor_client"])
def test_each_viewer_reads_the_matrix_and_area_pages_the_derivation_gives(seeded, viewer, request, client):
    """Pages as each tier reads them: the same cells as the derivation (staff: with orphaned)."""
    browser = client if viewer == "anonymous" else request.getfixturevalue(viewer)
    cells, _listed = derived(staff=viewer == "editor_client")
    battambang = Area.objects.get(key="KH:02")
    response = browser.get("/map/coverage/battambang/")
    assert response.status_code == 200
    report = {
        (battambang.pk, family.code): [cell.based_verified, cell.based_stale, cell.reaching_verified, cell.reaching_stale]
        for family, cell, _items in response.context["report"]
        if cell.total
    }
    assert report == {k: v for k, v in cells.items() if k[0] == battambang.pk}
    matrix = browser.get("/map/coverage/").context["rows"]
    public_cells, _ = derived(staff=False)
    assert {
        (province.pk, family.code): [c.based_verified, c.based_stale, c.reaching_verified, c.reaching_stale]
        for province, row in matrix
        for family, c in zip(Coverage(counts_only=True).families, row, strict=True)
        if c.total
    } == {k: v for k, v in public_cells.items() if k[0] in {p.pk for p, _row in matrix}}


def battambang_cell(client, family):
    """(based, reaching) services of `family` in Battambang, as the matrix page shows them."""
    rows = client.get("/map/coverage/").context["rows"]
    codes = [f.code for f in Coverage(counts_only=True).families]
    for province, cells in rows:
        if province.key == "KH:02":
            cell = cells[codes.index(family)]
            return cell.based, cell.reaching
    raise AssertionError("no Battambang row")


def listed_in_battambang(client):
    return {i.pk for _family, _cell, items in client.get("/map/coverage/battambang/").context["report"] for i in items}


@pytest.fixture
def one_service(make_org, make_service, verified):
    org = make_org("Elsewhere", area_key="KH:12")
    office = add_location(org, "KH:12")
    service = make_service(org, "Legal aid", terms=["LEGAL.ADVICE"], areas=["KH:02"], **verified(1))
    return org, office, service


def test_editing_a_service_area_shows_at_once(client, one_service):
    _org, _office, service = one_service
    assert battambang_cell(client, "LEGAL") == (0, 1)
    ServiceArea.objects.filter(service=service).delete()
    ServiceArea.objects.create(service=service, area=Area.objects.get(key="KH:17"))
    assert battambang_cell(client, "LEGAL") == (0, 0)
    assert service.pk not in listed_in_battambang(client)


def test_moving_a_location_shows_at_once(client, one_service):
    _org, office, service = one_service
    assert battambang_cell(client, "LEGAL") == (0, 1)
    office.area = Area.objects.get(key="KH:02")
    office.save()
    assert battambang_cell(client, "LEGAL") == (1, 0)  # based there now, no longer only reaching
    assert service.pk in listed_in_battambang(client)


def test_unpublishing_or_deleting_shows_at_once(client, one_service, make_service, verified):
    org, _office, service = one_service
    other = make_service(org, "Second", terms=["LEGAL.REP"], areas=["KH:02"], **verified(1))
    assert battambang_cell(client, "LEGAL") == (0, 2)
    service.live = False
    service.save()
    assert battambang_cell(client, "LEGAL") == (0, 1)
    other.delete()
    assert battambang_cell(client, "LEGAL") == (0, 0)
    assert listed_in_battambang(client) == set()


def test_an_import_shows_at_once(client, make_org):
    """A service imported from HSDS and published counts on the next read."""
    import io
    import json

    from directory.hsds.imports.apply import import_batch
    from directory.hsds.imports.read import read_upload
    from directory.models import Organization

    assert battambang_cell(client, "LEGAL") == (0, 0)
    term = ServiceTerm._meta.get_field("term").related_model.objects.get(code="LEGAL.ADVICE")
    data = {
        "id": "5b0e0c4e-7a43-4b4e-9a55-1b1d3c0c0a01",
        "name": "Imported legal aid network",
        "description": "Legal aid.",
        "services": [
            {
                "id": "5b0e0c4e-7a43-4b4e-9a55-1b1d3c0c0a02",
                "name": "Imported legal aid",
                "status": "active",
                "service_areas": [{"id": "5b0e0c4e-7a43-4b4e-9a55-1b1d3c0c0a03", "name": "Battambang"}],
                "attributes": [
                    {
                        "id": "5b0e0c4e-7a43-4b4e-9a55-1b1d3c0c0a04",
                        "taxonomy_term": {"id": str(term.pk), "code": term.code, "name": term.name_en},
                    }
                ],
            }
        ],
    }
    raw = json.dumps(data).encode()
    outcome = import_batch(read_upload(io.BytesIO(raw), "upload.json", len(raw)), dry_run=False)
    assert outcome.committed, outcome.problems
    for model in (Organization, Service):
        for record in model.objects.filter(has_unpublished_changes=True):
            record.get_latest_revision().publish()
    imported = Service.objects.get(name="Imported legal aid", live=True)
    assert imported.service_areas.exists() and ServiceTerm.objects.filter(service=imported).exists()
    based, reaching = battambang_cell(client, "LEGAL")
    assert based + reaching == 1
    assert imported.pk in listed_in_battambang(client)
