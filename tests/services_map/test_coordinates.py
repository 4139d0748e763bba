"""Bad or missing coordinates keep an entry off the map (never at 0,0) and editors are told."""

import pytest
from django.test import Client

from services_map.placement import Problem, point_problem

from .conftest import add_location, features_of, geojson

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "lat, lng, country, problem",
    [
        (11.55, 104.92, "KH", None),
        (None, None, "KH", Problem.NO_POINT),
        (11.55, None, "KH", Problem.HALF_POINT),
        (0.0, 0.0, "KH", Problem.NULL_ISLAND),
        (0.0, 0.0, "", Problem.NULL_ISLAND),  # also where no country box is known
        (104.92, 11.55, "KH", Problem.SWAPPED),
        (48.85, 2.35, "KH", Problem.OUTSIDE_COUNTRY),  # Paris, filed under Phnom Penh
        (13.75, 100.5, "KH", Problem.OUTSIDE_COUNTRY),  # Bangkok is not in Cambodia...
        (13.75, 100.5, "TH", None),  # ...but it is in Thailand
        (95.0, 104.9, "KH", Problem.OUT_OF_RANGE),
        (48.85, 2.35, "FR", None),  # no box for France: range-checked only
    ],
)
def test_point_problems(lat, lng, country, problem):
    assert point_problem(lat, lng, country) == problem


@pytest.fixture
def bad_points(make_org, make_service):
    org = make_org("Bad Points Org", area_key="KH:12")
    rows = {
        "zero": add_location(org, lat=0.0, lng=0.0, name="Zero office"),
        "missing": add_location(org, name="No point office"),
        "paris": add_location(org, lat=48.85, lng=2.35, name="Paris office"),
        "good": add_location(org, lat=11.56, lng=104.93, name="Good office"),
        # A shelter with a bad point still shows (approximately) to the public.
        "shelter": add_location(
            org, lat=0.0, lng=0.0, visibility="partners", kind="shelter", name="Bad shelter"
        ),
    }
    service = make_service(org, "Service at every office")
    return org, service, rows


def test_bad_points_stay_off_the_map_and_never_at_zero(anonymous, bad_points):
    _org, service, _rows = bad_points
    data = geojson(anonymous)
    coordinates = [f["geometry"]["coordinates"] for f in data["features"]]
    assert [0.0, 0.0] not in coordinates and [0, 0] not in coordinates
    mine = features_of(data, service)
    exact = [f["geometry"]["coordinates"] for f in mine if not f["properties"].get("a")]
    approximate = [f["geometry"]["coordinates"] for f in mine if f["properties"].get("a")]
    assert exact == [[104.93, 11.56]]
    assert approximate == [[104.92, 11.56]]  # the shelter at the Phnom Penh centre


def test_partner_sees_a_confidential_place_with_a_bad_point_at_the_centre(partner_client, bad_points):
    _org, service, _rows = bad_points
    shelter = [f for f in features_of(geojson(partner_client), service) if f["properties"].get("a")]
    assert len(shelter) == 1
    assert shelter[0]["properties"]["h"].startswith("Exact point not recorded")
    assert shelter[0]["properties"]["l"] == "Bad shelter"


def test_service_without_any_valid_point_is_listed_as_not_on_the_map(anonymous, make_org, make_service):
    org = make_org("Nowhere Org")
    add_location(org, lat=0.0, lng=0.0)
    service = make_service(org, "Unplaceable service")
    assert features_of(geojson(anonymous), service) == []
    html = anonymous.get("/map/").content.decode()
    assert f'data-service="{service.pk}"' in html
    entry = html.split(f'data-service="{service.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Not on the map" in entry


def test_editors_report_lists_each_problem_with_its_reason(editor_client, bad_points, make_org, make_service):
    _org, service, rows = bad_points
    unlocated = make_service(make_org("No Locations Org"), "Floating service")
    response = editor_client.get("/admin/reports/not-on-the-map/")
    assert response.status_code == 200
    html = response.content.decode()
    for problem, label in [
        (Problem.NULL_ISLAND, "Coordinates are 0, 0"),
        (Problem.NO_POINT, "No coordinates"),
        (Problem.OUTSIDE_COUNTRY, "Coordinates outside the location"),
        (Problem.NO_LOCATION, "No location recorded"),
    ]:
        assert f'data-problem="{problem}"' in html, problem
        assert label in html
    assert f'data-service="{unlocated.pk}"' in html
    assert "Good office" not in html  # a valid point is not a problem
    assert "Only at the area centre" in html  # the shelter with the 0,0 point
    filtered = editor_client.get("/admin/reports/not-on-the-map/?reason=zero").content.decode()
    assert filtered.count("data-problem=") == 2  # the office and the shelter at 0,0
    assert "Paris office" not in filtered


def test_confidential_place_without_any_area_centre_is_reported(editor_client, make_org, make_service):
    org = make_org("Bangkok Shelter Org", country="TH", area_key="TH")
    add_location(org, "TH", lat=13.75, lng=100.5, visibility="partners", kind="shelter", name="BKK shelter")
    service = make_service(org, "Shelter in Bangkok")
    assert features_of(geojson(Client()), service) == []
    html = editor_client.get("/admin/reports/not-on-the-map/?reason=no-centre").content.decode()
    assert "BKK shelter" in html


@pytest.mark.parametrize("fixture", ["partner_client", "anonymous"])
def test_report_is_for_editors_only(request, fixture):
    response = request.getfixturevalue(fixture).get("/admin/reports/not-on-the-map/")
    assert response.status_code in (302, 403)
