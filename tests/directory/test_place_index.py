"""Search documents are public-tier: a location the public may not see exactly contributes only
its district and province, never its commune, so searching a commune's name (English or Khmer)
does not reveal which organization keeps a shelter there, on any page that searches."""

import json

import pytest
from django.test import Client

from directory.models import Area, Location, ServiceAtLocation
from search import api
from search.engines import database_engine

HIDDEN_COMMUNE = ("Zorvathy", "ឃុំសូរវ៉ាធី")
PUBLIC_COMMUNE = ("Quellmoory", "ឃុំគែលមូរី")


def commune(district, suffix, names):
    name_en, name_km = names
    return Area.objects.create(
        kind="commune",
        key=f"{district.key}{suffix}",
        code=f"{district.code}{suffix}",
        slug=name_en.lower(),
        name_en=name_en,
        name_km=name_km,
        parent=district,
        country=district.country,
        province=district.province,
    )


@pytest.fixture
def places(make_org, make_service):
    district = Area.objects.get(key="KH:0203")
    hidden_org = make_org("Quiet Harbour Network", slug="quiet-harbour-network", area_key="KH:02")
    shelter = Location.objects.create(
        organization=hidden_org,
        name="Lotus House",
        location_type="shelter",
        area=commune(district, "97", HIDDEN_COMMUNE),
        address="HIDDEN-STREET 1",
        visibility="partners",
    )
    service = make_service(hidden_org, "Emergency shelter", terms=["SHELTER.SHORT"])
    ServiceAtLocation.objects.create(service=service, location=shelter)
    # The same, but an "Office" where a shelter service is offered (confidential by its service).
    office_org = make_org("Still Water Refuge", slug="still-water-refuge", area_key="KH:02")
    office = Location.objects.create(
        organization=office_org,
        name="Back office",
        location_type="office",
        area=Area.objects.get(key=f"{district.key}97"),
        visibility="public",
    )
    refuge = make_service(office_org, "Safe beds", terms=["SHELTER"])
    ServiceAtLocation.objects.create(service=refuge, location=office)
    open_org = make_org("Open Door Legal Office", slug="open-door-legal-office", area_key="KH:02")
    open_office = Location.objects.create(
        organization=open_org,
        name="Front desk",
        location_type="office",
        area=commune(district, "98", PUBLIC_COMMUNE),
        address="OPEN-STREET 2",
        latitude=13.02,
        longitude=103.25,
        visibility="public",
    )
    legal = make_service(open_org, "Legal advice", terms=["LEGAL"])
    ServiceAtLocation.objects.create(service=legal, location=open_office)
    api.rebuild(database_engine())


HIDDEN_NAMES = ["Quiet Harbour Network", "Still Water Refuge"]


def searched(path, q):
    response = Client().get(path, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def geojson_names(q):
    data = json.loads(searched("/map/services.geojson", q))
    return {f["properties"]["o"] for f in data["features"]}, data["meta"]["services"]


@pytest.mark.parametrize("language", [0, 1], ids=["english", "khmer"])
def test_a_hidden_place_is_not_found_by_its_commune(places, language):
    hidden, public = HIDDEN_COMMUNE[language], PUBLIC_COMMUNE[language]
    for path in ("/directory/", "/search/", "/map/"):
        # Not vacuous: a public office is found by its commune's name on the same page.
        assert "Open Door Legal Office" in searched(path, public), (path, public)
        body = searched(path, hidden)
        for name in HIDDEN_NAMES:
            assert name not in body, (path, hidden, name)
    names, count = geojson_names(public)
    assert names == {"Open Door Legal Office"} and count == 1
    names, count = geojson_names(hidden)
    assert names == set() and count == 0


def test_a_hidden_place_is_still_found_by_its_district(places):
    # The district is what the page shows, so it is what the index holds.
    body = searched("/directory/", "Quiet Harbour")
    assert "Quiet Harbour Network" in body
    assert "Quiet Harbour Network" in searched("/search/", "Battambang")
