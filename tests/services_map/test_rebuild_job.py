"""A full rebuild of the stored map rows (an area or a service type saved, other confidential
service types) is the task worker's job (services_map.tasks), never a web request's: the save
queues it, the pages read the live path meanwhile (the same answer, and never a place drawn
under the old rules), and once the job has run they read the rows again. The map cache keys
carry the rules, so a change of the confidential types is never answered from a body cached
before it."""

import re

import pytest
from django.db.models import Max
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.worker import run_queued_tasks
from directory.models import Area, Service, ServiceAtLocation, TaxonomyTerm
from services_map import features, stored
from services_map.entries import Viewer
from services_map.models import CoveragePending, CoverageRow, MapFeatures
from services_map.tasks import rebuild_map_rows

from .conftest import add_location

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OFFICE_POINT = re.compile(r"13\.123|103\.456")  # the office's exact point, in any form


@pytest.fixture
def db_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def office_service(make_org, make_service, verified, db_tasks):
    """A reintegration service at an office with an exact point, rows built by the worker."""
    org = make_org("Office org", area_key="KH:02")
    office = add_location(org, "KH:02", lat=13.123, lng=103.456, name="Riverside office")
    service = make_service(org, "Case work", terms=["REINT.PLAN"], **verified())
    ServiceAtLocation.objects.create(service=service, location=office)
    stored.rebuild_marked()
    assert stored.refresh_pending()
    assert OFFICE_POINT.search(stored_public_features(service))
    return service


def stored_public_features(service):
    return MapFeatures.objects.get(tier="public", service=service).features


def queued_jobs(status=TaskResultStatus.READY):
    return DBTaskResult.objects.filter(task_path=rebuild_map_rows.module_path, status=status)


def run_the_worker():
    """Run every queued task (the saves queue others too); the rebuild ran once, and well."""
    run_queued_tasks()
    assert queued_jobs(TaskResultStatus.SUCCESSFUL).count() == 1
    assert not queued_jobs().exists()


def coverage_page(client):
    """A province page's entries and cells (not its CSRF token)."""
    page = client.get("/map/coverage/battambang/").content.decode()
    return re.findall(r'<li data-testid="coverage-service".*?</li>|<[^>]* data-state="[^"]*"[^>]*>', page, re.S)


def public_map_body(client):
    response = client.get("/map/services.geojson")
    assert response.status_code == 200
    return response.content.decode()


def live_public_body():
    services = Service.objects.filter(live=True, organization__live=True)
    return features.live(services, Viewer(tier="public")).decode()


def test_a_service_type_made_confidential_is_never_drawn_exactly_before_or_after_the_job(
    client, office_service, django_capture_on_commit_callbacks
):
    assert OFFICE_POINT.search(public_map_body(client))
    rows_before = CoverageRow.objects.aggregate(last=Max("pk"))["last"]
    # An editor files the reintegration plans under shelters: a confidential family.
    term = TaxonomyTerm.objects.get(code="REINT.PLAN")
    with django_capture_on_commit_callbacks(execute=True):
        term.code = "SHELTER.PLAN"
        term.save()
    assert queued_jobs().count() == 1  # queued by the save, once

    # Before the job: the live path, without the exact point; nothing rebuilt inline.
    body = public_map_body(client)
    assert not OFFICE_POINT.search(body)
    assert "Riverside office" not in body
    assert body == live_public_body()
    page = client.get("/map/coverage/battambang/").content.decode()
    assert "Case work" in page
    assert not OFFICE_POINT.search(page) and "Riverside office" not in page
    assert OFFICE_POINT.search(stored_public_features(office_service))  # the old rows, unread
    assert CoverageRow.objects.aggregate(last=Max("pk"))["last"] == rows_before
    assert queued_jobs().count() == 1  # the reads queued no second job

    run_the_worker()
    assert not CoveragePending.objects.exists()
    assert not OFFICE_POINT.search(stored_public_features(office_service))
    assert stored.refresh_pending()  # the rows are read again
    body = public_map_body(client)
    assert not OFFICE_POINT.search(body)
    assert body == live_public_body()
    assert "Case work" in client.get("/map/coverage/battambang/").content.decode()


def test_other_confidential_types_in_the_settings_are_never_read_from_older_rows(
    client, office_service, settings
):
    settings.DIRECTORY_CONFIDENTIAL_SERVICE_TYPES = ["SHELTER", "REINT"]
    body = public_map_body(client)
    assert not OFFICE_POINT.search(body)
    assert body == live_public_body()
    assert OFFICE_POINT.search(stored_public_features(office_service))  # not rebuilt inline
    assert queued_jobs().count() == 1  # the read marked everything and queued the job
    public_map_body(client)
    assert queued_jobs().count() == 1

    run_the_worker()
    assert stored.refresh_pending()
    assert not OFFICE_POINT.search(stored_public_features(office_service))
    assert not OFFICE_POINT.search(public_map_body(client))


def test_an_area_saved_queues_the_job_and_the_pages_stay_right_meanwhile(
    client, office_service, django_capture_on_commit_callbacks
):
    coverage_before = coverage_page(client)
    assert any("Case work" in entry for entry in coverage_before)
    map_before = public_map_body(client)
    rows_before = CoverageRow.objects.aggregate(last=Max("pk"))["last"]
    area = Area.objects.get(key="KH:02")
    with django_capture_on_commit_callbacks(execute=True):
        area.save()
    assert queued_jobs().count() == 1
    # Read from the live path (the same pages), the rows untouched.
    assert coverage_page(client) == coverage_before
    assert public_map_body(client) == map_before
    assert CoverageRow.objects.aggregate(last=Max("pk"))["last"] == rows_before

    run_the_worker()
    assert CoverageRow.objects.aggregate(last=Max("pk"))["last"] != rows_before  # rebuilt
    assert stored.refresh_pending()
    assert coverage_page(client) == coverage_before
    assert public_map_body(client) == map_before


def test_an_organization_change_is_still_rebuilt_inline(client, office_service):
    """Only full rebuilds wait for the worker: one organization's rows take a few queries."""
    Service.objects.get(pk=office_service.pk).save()
    assert CoveragePending.objects.exists()
    public_map_body(client)
    assert not CoveragePending.objects.exists()
    assert not queued_jobs().exists()


def test_the_map_cache_answers_no_body_made_under_other_confidential_types(client, office_service, settings):
    """Cached while a full rebuild was already pending (nothing new to mark when the rules
    change), the public body with the exact point must not answer under the new rules."""
    settings.MAP_CACHE_SECONDS = 300
    stored.mark_all()
    assert OFFICE_POINT.search(public_map_body(client))  # cached
    settings.DIRECTORY_CONFIDENTIAL_SERVICE_TYPES = ["SHELTER", "REINT"]
    body = public_map_body(client)
    assert not OFFICE_POINT.search(body)
    assert "Riverside office" not in body
