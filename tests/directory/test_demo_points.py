"""The demo shows something true: public offices at approximate gazetteer points (never a
shelter), and demo verifications so that fresh, due, overdue and never-verified all appear."""

import pytest
from django.db import transaction

from directory.demo import loader, points
from directory.demo.verifications import DEMO_NOTE, demo_age
from directory.freshness import Freshness, age_freshness
from directory.models import Location, Organization, Service, VerificationLog, Visibility
from directory.validators import COUNTRY_BOUNDS
from directory.visibility import effective_visibility, locations_offering_confidential_services

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            counts = loader.load_demo(update_reference_index=False)
            yield counts
            transaction.set_rollback(True)


def geonames_point(country, name):
    """The point the gazetteer package holds for a town (what the loader must have used)."""
    city = points._town(country, name)
    return round(city["latitude"], 5), round(city["longitude"], 5)


def test_every_province_seat_is_in_the_gazetteer():
    south, west, north, east = COUNTRY_BOUNDS["KH"]
    seen = set()
    for code in points.PROVINCE_SEATS:
        seat = points.province_seat(code)
        assert seat is not None, code
        assert south <= seat["latitude"] <= north and west <= seat["longitude"] <= east, code
        seen.add((seat["latitude"], seat["longitude"]))
    assert len(seen) == 25  # 25 different towns


def test_public_offices_get_an_approximate_town_point(demo):
    offices = Location.objects.filter(organization__is_demo=True, location_type="office")
    assert offices.count() >= 100
    assert not offices.filter(latitude__isnull=True).exists()
    assert set(offices.values_list("point_is_approximate", flat=True)) == {True}
    assert set(offices.values_list("visibility", flat=True)) == {Visibility.PUBLIC}
    for office in offices.select_related("area"):
        office.full_clean()  # inside its country's box
    # A province: its seat. A district: the town of that name (Paoy Paet is Poipet).
    battambang = Organization.objects.filter(is_demo=True, area__key="KH:02").first()
    office = battambang.locations.get(location_type="office")
    assert (office.latitude, office.longitude) == geonames_point("KH", "Battambang")
    poipet = Organization.objects.get(
        slug="poipet-transit-centre-mosvy", locale__language_code="en"
    ).locations.get(location_type="office")
    assert (poipet.latitude, poipet.longitude) == geonames_point("KH", "Paoy Paet")
    # Organizations filed under a whole country (or nowhere) get no invented point.
    assert not Location.objects.filter(
        organization__is_demo=True, area__kind="country", latitude__isnull=False
    )


def test_no_confidential_location_has_a_point(demo):
    with_point = Location.objects.filter(latitude__isnull=False)
    offering = locations_offering_confidential_services(with_point)
    for location in with_point:
        assert location.location_type != "shelter"
        assert location.pk not in offering
        assert effective_visibility(location.location_type, location.visibility, False) == Visibility.PUBLIC
    shelters = Location.objects.filter(location_type="shelter")
    assert shelters.exists() and not shelters.filter(latitude__isnull=False).exists()


def test_a_confidential_place_loses_a_demo_point(make_org):
    org = make_org("Linked Shelter Org", is_demo=True)
    office = Location.objects.create(
        organization=org,
        name="Office",
        location_type="office",
        area=org.area,
        latitude=11.56,
        longitude=104.92,
        point_is_approximate=True,
    )
    Location.objects.filter(pk=office.pk).update(location_type="shelter", visibility="public")
    assert points.clear_confidential_points([org]) == 1
    office.refresh_from_db()
    assert office.latitude is None and office.longitude is None and not office.point_is_approximate


def test_demo_verifications_show_every_state(demo):
    services = list(Service.objects.filter(is_demo=True, locale__language_code="en"))
    states = {age_freshness(s) for s in services}
    assert {Freshness.FRESH, Freshness.DUE, Freshness.OVERDUE, Freshness.UNVERIFIED} <= states
    logs = VerificationLog.objects.filter(note=DEMO_NOTE)
    assert (
        logs.count()
        == Service.objects.filter(is_demo=True, last_verified__isnull=False)
        .filter(locale__language_code="en")  # translations copy the date, not the log
        .count()
        + Organization.objects.filter(is_demo=True, last_verified__isnull=False)
        .filter(locale__language_code="en")  # translations copy the date, not the log
        .count()
    )
    assert not logs.exclude(verified_by=None).exists()  # nobody is named as having checked
    # Every dated demo entry carries exactly the date of its demo log.
    for entry_log in logs.select_related("service")[:50]:
        if entry_log.service_id:
            assert entry_log.service.last_verified == entry_log.verified_on
    share = sum(1 for s in services if s.last_verified is not None) / len(services)
    assert 0.55 <= share <= 0.85  # about 7 in 10


def test_demo_ages_fall_in_their_band(make_org):
    org = make_org(review_interval_days=180)
    ages = {demo_age(org, f"organization:sample {n}") for n in range(200)}
    ages.discard(None)
    assert any(age <= 165 for age in ages)  # fresh
    assert any(166 <= age <= 180 for age in ages)  # due
    assert any(age > 180 for age in ages)  # overdue
    assert all(age >= 1 for age in ages)


def test_reloading_adds_no_verification(demo):
    before = VerificationLog.objects.count()
    counts = loader.load_demo(update_reference_index=False)
    assert "demo verifications" not in counts
    assert VerificationLog.objects.count() == before
