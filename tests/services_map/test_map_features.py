"""The map's GeoJSON read from stored per-tier features (services_map.features) is the body the
live path builds (entries.build_entries + geojson.render), byte for byte, for every tier and
language, boxed or not, and stays so after edits: a location moved, a phone's tier changed, a
service unpublished, a shelter service added at an office. With the marks that keep the rows
current disconnected, the same edits leave the stored answer behind (the test of that shows the
marks, not luck, keep them equal)."""

import datetime
import json
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import User
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.utils import timezone, translation

from directory.models import (
    Location,
    OrganizationMember,
    OrganizationPhone,
    Service,
    ServiceAtLocation,
    ServicePhone,
)
from services_map import features, geojson, stored
from services_map.entries import Viewer, build_entries
from services_map.models import MapFeatures

from .conftest import add_location

pytestmark = pytest.mark.django_db

TIERS = ("public", "partners", "restricted")
LANGUAGES = ("en", "km")
BATTAMBANG_BOX = (102.5, 12.5, 103.8, 13.6)


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def world(tiered_org, make_org, make_service, steward):
    """Services of every kind the map tells apart, beside the tiered organization."""
    gone = User.objects.create_user("gone-steward", is_active=False)
    org = make_org("Mixed places", area_key="KH:02")
    office = add_location(org, "KH:02", lat=13.1, lng=103.2, name="Main office")
    seat = add_location(org, "KH:12", lat=11.56, lng=104.92, name="Town seat office")
    Location.objects.filter(pk=seat.pk).update(point_is_approximate=True)
    partners = add_location(
        org, "KH:17", lat=13.4123, lng=103.9345, visibility="partners", name="Partners desk"
    )
    restricted = add_location(org, "KH:03", lat=12.0, lng=105.45, visibility="restricted", name="Back office")
    pointless = add_location(org, "KH:02", visibility="partners", name="Unmapped partners room")
    # Two confidential places in one province: drawn at one centre, merged by their words.
    add_location(org, "KH:02", kind="shelter", visibility="partners", lat=13.2, lng=103.1, name="Shelter A")
    add_location(org, "KH:02", kind="shelter", visibility="partners", lat=13.3, lng=103.3, name="Shelter B")
    fresh = {"steward": steward, "last_verified": days_ago(3)}
    everywhere = make_service(org, "At all our places", terms=["LEGAL.ADVICE", "MED"], **fresh)
    for number, tier, channel in (
        ("+85512000111", "public", "hotline"),
        ("+85512000222", "partners", "voice"),
        ("+85512000333", "restricted", "sms"),
    ):
        ServicePhone.objects.create(
            service=everywhere,
            number=number,
            channel=channel,
            visibility=tier,
            description=f"{tier} {channel}",
        )
    for location, name in (
        (office, "At the office"),
        (seat, "At the town seat"),
        (partners, "At the partners desk"),
        (restricted, "At the back office"),
        (pointless, "At the unmapped room"),
    ):
        service = make_service(org, name, terms=["REINT"], steward=gone, last_verified=days_ago(100))
        ServiceAtLocation.objects.create(service=service, location=location)
    # A shelter-type service with no place of its own: drawn at its organization's as confidential.
    make_service(org, "Emergency beds", terms=["SHELTER.SHORT"], steward=steward, last_verified=days_ago(170))
    make_service(org, "Not yet verified", terms=["HELP"], steward=steward)
    make_service(org, "Overdue", terms=["HELP"], steward=steward, last_verified=days_ago(400))
    make_service(org, "Suspended", terms=["LEGAL"], status="inactive", **fresh)
    make_service(org, "Draft", terms=["LEGAL"], live=False, **fresh)
    nowhere = make_org("No places", area_key="KH:12")
    make_service(nowhere, "Off the map", terms=["LEGAL"], **fresh)
    thai = make_org("Thai office", country="TH", area_key=None)
    Location.objects.create(
        organization=thai,
        name="Bangkok desk",
        location_type="office",
        area=thai.country,
        latitude=13.75,
        longitude=100.5,
    )
    make_service(thai, "Consular help", terms=["CONSULAR"], **fresh)
    # Its card shows the organization's phones (the service has none of its own).
    OrganizationPhone.objects.create(
        organization=thai, number="+6621234567", channel="voice", visibility="public"
    )
    return org


def live_body(tier, bbox=None, services=None):
    services = (
        services if services is not None else Service.objects.filter(live=True, organization__live=True)
    )
    entries = build_entries(geojson.near_bbox(services, bbox), Viewer(tier=tier), ordered=False)
    return geojson.render(entries, bbox=bbox)


def stored_body(tier, bbox=None):
    return features.render(
        Service.objects.filter(live=True, organization__live=True), Viewer(tier=tier), bbox
    )


def assert_same(bbox=None):
    for language in LANGUAGES:
        with translation.override(language):
            for tier in TIERS:
                live, kept = live_body(tier, bbox), stored_body(tier, bbox)
                assert kept == live, (language, tier, bbox)


def test_stored_features_answer_the_live_body_for_each_tier_and_language(world):
    assert_same()
    assert_same(BATTAMBANG_BOX)
    # The comparison is not of empty answers: every tier has markers, each tier its own.
    bodies = {tier: json.loads(stored_body(tier)) for tier in TIERS}
    assert all(len(b["features"]) > 10 for b in bodies.values())
    assert bodies["public"] != bodies["partners"] != bodies["restricted"]
    with translation.override("km"):
        assert stored_body("public") != bodies["public"]  # the words are the language's
    boxed = json.loads(stored_body("public", BATTAMBANG_BOX))
    assert 0 < boxed["meta"]["services"] < bodies["public"]["meta"]["services"]


def test_what_a_tier_may_not_see_is_not_in_its_stored_features(world, tiered_org):
    public = stored_body("public").decode()
    assert "+85512000222" not in public and "012 000 222" not in public  # partners-only phone
    assert "Partners desk" not in public and "Shelter A" not in public
    assert "13.4123" not in public and "103.9345" not in public  # the partners desk's point
    partners = stored_body("partners").decode()
    assert "Partners desk" in partners and "Back office" not in partners
    assert "012 000 333" not in partners  # restricted phone
    assert "012 000 333" in stored_body("restricted").decode()
    # A tier's rows hold only that tier's view: the public rows carry no hidden point at all.
    rows = MapFeatures.objects.filter(tier="public").values_list("features", flat=True)
    assert not any("Partners desk" in text or "Back office" in text for text in rows)


def test_the_geojson_view_answers_the_same_as_the_live_path(world, client, partner_user, editor_user):
    from django.conf import settings

    settings.MAP_CACHE_SECONDS = 0
    for user, tier in ((None, "public"), (partner_user, "partners"), (editor_user, "restricted")):
        viewer = Client()
        if user is not None:
            viewer.force_login(user)
        response = viewer.get("/map/services.geojson")
        assert json.loads(response.content) == json.loads(live_body(tier)), tier


def test_members_keep_the_live_path(world, make_service):
    member = User.objects.create_user("member", password="member-pass-123")
    OrganizationMember.objects.create(organization=world, user=member)
    viewer = Viewer(member)
    assert viewer.member_keys and not features.serves(viewer)
    client = Client()
    client.force_login(member)
    body = client.get("/map/services.geojson").content.decode()
    assert "Back office" in body  # their own organization's restricted place, exactly


def move_office():
    office = Location.objects.get(name="Main office")
    office.latitude, office.longitude = 13.05, 103.25
    office.save()


def phone_to(number, tier, model=ServicePhone):
    phone = model.objects.get(number=number)
    phone.visibility = tier
    phone.save()


def unpublish(name):
    service = Service.objects.get(name=name)
    service.live = False
    service.save()


def shelter_at_office():
    """A shelter-type service now offered at the public office makes that office confidential."""
    ServiceAtLocation.objects.create(
        service=Service.objects.get(name="Emergency beds"), location=Location.objects.get(name="Main office")
    )


EDITS = {
    "location moved": move_office,
    "public phone made restricted": lambda: phone_to("+85512000111", "restricted"),
    "restricted phone made public": lambda: phone_to("+85512000333", "public"),
    "organization phone made partners-only": lambda: phone_to("+6621234567", "partners", OrganizationPhone),
    "service unpublished": lambda: unpublish("Overdue"),
    "shelter service offered at the office": shelter_at_office,
    "phone deleted": lambda: ServicePhone.objects.filter(number="+85512000333").delete(),
    "location deleted": lambda: Location.objects.filter(name="Town seat office").delete(),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_each_edit_shows_in_the_stored_features_at_once(world, edit):
    assert_same()
    EDITS[edit]()
    assert_same()


def test_edits_together_and_boxed(world):
    for edit in EDITS.values():
        edit()
    assert_same()
    assert_same(BATTAMBANG_BOX)
    public = stored_body("public").decode()
    assert "012 000 111" not in public and "012 000 333" not in public  # restricted, then deleted
    assert "Main office" not in public  # confidential now: only its area centre, by type


@contextmanager
def marks_disconnected():
    receivers = []
    for model in stored.WATCHED:
        uid = f"coverage-rows-{model._meta.label}"
        for signal, suffix in ((post_save, "-save"), (post_delete, "-delete")):
            signal.disconnect(sender=model, dispatch_uid=uid + suffix)
            receivers.append((signal, model, uid + suffix))
    try:
        yield
    finally:
        for signal, model, uid in receivers:
            signal.connect(stored.on_change, sender=model, dispatch_uid=uid)


def test_without_the_marks_the_stored_features_fall_behind(world):
    """The equality above rests on the marks: disconnected, the same edits leave the stored
    answer stale (a public phone made restricted would still be shown to the public)."""
    assert_same()
    with marks_disconnected():
        for edit in EDITS.values():
            edit()
        with translation.override("en"):
            assert stored_body("public") != live_body("public")
            assert "012 000 111" in stored_body("public").decode()  # restricted now, still shown
    stored.mark_all()
    assert_same()


def test_a_change_of_the_confidential_types_rebuilds_the_stored_features(world, settings):
    """The rows record the rules that made them: with reintegration made a confidential family,
    the offices where a reintegration service is offered are drawn at their area centres for the
    public at once, as the live path draws them, with no rebuild asked for."""
    assert_same()
    assert "Main office" in stored_body("public").decode()
    settings.DIRECTORY_CONFIDENTIAL_SERVICE_TYPES = ["SHELTER", "REINT"]
    assert_same()
    assert "Main office" not in stored_body("public").decode()
