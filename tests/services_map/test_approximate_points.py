"""A point recorded as approximate (the town centre, as the demo's gazetteer points are) is said
to be approximate on the organization page, on the map (card text and marker flag) and in HSDS;
an exact point is not."""

import json

import pytest

from .conftest import add_location, features_of, geojson

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_office(make_org, make_service, verified):
    org = make_org("Town Office Org", slug="town-office-org", area_key="KH:02")
    office = add_location(org, "KH:02", lat=13.10271, lng=103.19822, name="Office")
    office.point_is_approximate = True
    office.save()
    service = make_service(org, "Legal advice", terms=["LEGAL.ADVICE"], areas=["KH:02"], **verified(3))
    return org, office, service


def test_the_page_says_the_point_is_approximate(anonymous, town_office):
    html = anonymous.get("/directory/town-office-org/").content.decode()
    assert 'data-testid="approximate-point"' in html
    assert "Approximate: town centre, not the address" in html
    assert "13.10271, 103.19822" in html


def test_an_exact_point_is_not_called_approximate(anonymous, make_org):
    org = make_org("Exact Org", slug="exact-org", area_key="KH:12")
    add_location(org, "KH:12", lat=11.5564, lng=104.9282)
    assert 'data-testid="approximate-point"' not in anonymous.get("/directory/exact-org/").content.decode()


def test_the_map_draws_it_flagged_approximate_with_the_reason(anonymous, town_office):
    _org, _office, service = town_office
    [feature] = features_of(geojson(anonymous), service)
    props = feature["properties"]
    assert feature["geometry"]["coordinates"] == [103.19822, 13.10271]  # at the recorded point
    assert props["a"] == 1
    assert "Approximate point" in props["h"] and "not the address" in props["h"]
    html = anonymous.get("/map/").content.decode()
    assert 'data-approximate="1"' in html and "town centre of Battambang" in html


def test_hsds_flags_it_in_the_description_and_as_an_attribute(anonymous, town_office):
    data = json.loads(anonymous.get("/directory/town-office-org/hsds.json").content)
    [location] = [loc for loc in data["locations"] if loc["name"] == "Office"]
    assert location["latitude"] == pytest.approx(13.10271)
    assert "Approximate point: the town or province seat, not the address." in location["description"]
    [attribute] = location["attributes"]
    assert attribute["link_entity"] == "location" and attribute["link_id"] == location["id"]
    assert attribute["link_type"] == "point_precision" and attribute["value"] == "approximate"
    assert attribute["taxonomy_term"]["code"] == "approximate"


def test_hsds_exact_point_has_no_precision_attribute(anonymous, make_org):
    org = make_org("Exact HSDS Org", slug="exact-hsds-org", area_key="KH:12")
    add_location(org, "KH:12", lat=11.5564, lng=104.9282)
    data = json.loads(anonymous.get("/directory/exact-hsds-org/hsds.json").content)
    [location] = data["locations"]
    assert "attributes" not in location and "Approximate" not in location["description"]
