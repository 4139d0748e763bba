"""Bounding boxes filter and count on the point the viewer is shown: for the public, a hidden
place is at its area centre for every computation, so a box around its recorded point answers
exactly like a box around nothing, and no sequence of boxes can locate it."""

import json

import pytest
from django.test import Client

from directory.models import Area, ServiceAtLocation

from .conftest import add_location

CENTRE = (12.9, 103.1)  # the district's centre (set in the fixture: the reference data has none)
SHELTER = (13.2345, 103.3456)
OFFICE = (13.3456, 103.4567)  # an "Office" where a shelter service is offered
NOWHERE = "102.0,10.0,102.002,10.002"  # open sea


def box(point, half=0.001):
    lat, lng = point
    return f"{lng - half},{lat - half},{lng + half},{lat + half}"


@pytest.fixture
def hidden_places(make_org, make_service):
    district = Area.objects.get(key="KH:0203")
    district.latitude, district.longitude = CENTRE
    district.save()
    shelter_org = make_org("Boxed Shelter Trust", area_key="KH:02")
    shelter = add_location(
        shelter_org, "KH:0203", lat=SHELTER[0], lng=SHELTER[1], visibility="partners", kind="shelter"
    )
    shelter_service = make_service(shelter_org, "Boxed shelter", terms=["SHELTER.SHORT"])
    ServiceAtLocation.objects.create(service=shelter_service, location=shelter)
    office_org = make_org("Boxed Office Refuge", area_key="KH:02")
    office = add_location(office_org, "KH:0203", lat=OFFICE[0], lng=OFFICE[1], visibility="public")
    office_service = make_service(office_org, "Beds at the office", terms=["SHELTER"])
    ServiceAtLocation.objects.create(service=office_service, location=office)
    control = make_org("Boxed Public Office", area_key="KH:12")
    add_location(control, "KH:12", lat=11.55, lng=104.92)
    make_service(control, "Public counselling", terms=["LEGAL"])
    return shelter_service, office_service


def raw(client, query):
    response = client.get(f"/map/services.geojson{query}")
    assert response.status_code == 200
    return response.content


def services_in(client, query):
    data = json.loads(raw(client, query))
    return {f["properties"]["s"] for f in data["features"]}, data["meta"]


@pytest.mark.parametrize("point", [SHELTER, OFFICE], ids=["shelter", "office-with-shelter-service"])
@pytest.mark.parametrize("half", [0.001, 0.00001, 0.05])
def test_box_around_a_hidden_point_answers_like_a_box_around_nothing(hidden_places, point, half):
    anonymous = Client()
    nothing = raw(anonymous, f"?bbox={NOWHERE}")
    assert json.loads(nothing)["meta"]["services"] == 0
    assert raw(anonymous, f"?bbox={box(point, half)}") == nothing
    # With the other filters too (a service type narrows the list, the box still hides).
    assert raw(anonymous, f"?type=SHELTER&bbox={box(point, half)}") == raw(
        anonymous, f"?type=SHELTER&bbox={NOWHERE}"
    )


def test_box_around_the_area_centre_holds_the_hidden_places(hidden_places):
    shelter_service, office_service = hidden_places
    found, meta = services_in(Client(), f"?bbox={box(CENTRE)}")
    assert found == {shelter_service.pk, office_service.pk}
    assert meta["services"] == meta["onMap"] == meta["approximate"] == 2
    data = json.loads(raw(Client(), f"?bbox={box(CENTRE)}"))
    assert {tuple(f["geometry"]["coordinates"]) for f in data["features"]} == {(CENTRE[1], CENTRE[0])}


def test_viewers_who_may_see_the_point_filter_on_it(hidden_places, partner_client, editor_user):
    shelter_service, office_service = hidden_places
    found, meta = services_in(partner_client, f"?bbox={box(SHELTER)}")
    assert found == {shelter_service.pk} and meta["services"] == 1
    found, _meta = services_in(partner_client, f"?bbox={box(OFFICE)}")
    assert found == {office_service.pk}
    # For them the area centre holds nothing: the places are drawn where they are.
    found, meta = services_in(partner_client, f"?bbox={box(CENTRE)}")
    assert found == set() and meta["services"] == 0
    editor = Client()
    editor.force_login(editor_user)
    assert services_in(editor, f"?bbox={box(SHELTER)}")[0] == {shelter_service.pk}


def test_a_shelter_service_with_no_location_of_its_own_never_pins_the_office(make_org, make_service):
    """A shelter service that records no location is drawn at its organization's locations;
    there it must not make the public office the shelter's point: area centre, approximate."""
    district = Area.objects.get(key="KH:0203")
    district.latitude, district.longitude = CENTRE
    district.save()
    org = make_org("Unplaced Shelter Society", area_key="KH:02")
    add_location(org, "KH:0203", lat=OFFICE[0], lng=OFFICE[1], visibility="public")
    shelter_service = make_service(org, "Safe house (no location recorded)", terms=["SHELTER"])
    advice = make_service(org, "Advice desk", terms=["LEGAL"])

    anonymous = Client()
    data = json.loads(raw(anonymous, "?"))
    points = {f["properties"]["s"]: tuple(f["geometry"]["coordinates"]) for f in data["features"]}
    assert points[shelter_service.pk] == (CENTRE[1], CENTRE[0])
    assert points[advice.pk] == (OFFICE[1], OFFICE[0])  # the office itself stays public
    assert services_in(anonymous, f"?bbox={box(OFFICE)}")[0] == {advice.pk}
    assert shelter_service.pk in services_in(anonymous, f"?bbox={box(CENTRE)}")[0]
