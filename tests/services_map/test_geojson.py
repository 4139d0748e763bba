"""GeoJSON and the map page: who sees which point, and nothing confidential leaks."""

import gzip
import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from directory.models import Area, OrganizationMember, Service, ServiceAtLocation, ServicePhone

from .conftest import SHELTER_POINT, add_location, features_of, geojson

pytestmark = pytest.mark.django_db


def _shelter_service(org):
    return org.services.get(name="Emergency shelter for women and girls")


def _by_kind(features):
    """{'approximate': [...], 'exact': [...]} of a service's features."""
    out = {"approximate": [], "exact": []}
    for feature in features:
        out["approximate" if feature["properties"].get("a") else "exact"].append(feature)
    return out


def test_public_sees_a_shelter_only_at_its_province_centre(anonymous, tiered_org):
    service = _shelter_service(tiered_org)
    data = geojson(anonymous)
    kinds = _by_kind(features_of(data, service))
    # The service names no location, so it is drawn at each of its organization's: the shelter
    # and the public head office, both only at the province centre (a shelter service never
    # pins the head office's point).
    assert kinds["exact"] == []
    assert len(kinds["approximate"]) == 2
    battambang = Area.objects.get(key="KH:02")
    for feature in kinds["approximate"]:
        assert feature["geometry"]["coordinates"] == [battambang.longitude, battambang.latitude]
    shelter = next(f for f in kinds["approximate"] if f["properties"]["l"] == "Shelter or residential centre")
    props = shelter["properties"]
    assert props["h"].startswith("Address shared with partners only")
    assert "Battambang" in props["w"]


def test_no_exact_shelter_coordinate_or_address_reaches_an_anonymous_response(anonymous, tiered_org):
    slug = "battambang"
    pages = [
        "/map/services.geojson",
        "/map/services.geojson?province=battambang&type=SHELTER",
        "/map/",
        "/map/?type=SHELTER",
        "/map/coverage/",
        f"/map/coverage/{slug}/",
        f"/map/coverage/{slug}/pack/",
        "/map/coverage.csv",
    ]
    for page in pages:
        response = anonymous.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert "SECRET" not in body, page
        assert "Recovery shelter" not in body, page
        assert not SHELTER_POINT.search(body), f"{page}: {SHELTER_POINT.search(body).group(0)}"


@pytest.mark.parametrize("client_fixture", ["partner_client", "editor_client"])
def test_partners_and_editors_see_the_shelter_at_its_point(request, client_fixture, tiered_org):
    client = request.getfixturevalue(client_fixture)
    kinds = _by_kind(features_of(geojson(client), _shelter_service(tiered_org)))
    assert kinds["approximate"] == []
    points = sorted(f["geometry"]["coordinates"] for f in kinds["exact"])
    assert [103.2022, 13.0951] in points
    shelter = next(f for f in kinds["exact"] if f["geometry"]["coordinates"] == [103.2022, 13.0951])
    assert shelter["properties"]["l"] == "Recovery shelter"
    # Even at their tier the map carries no street address.
    assert "SECRET" not in json.dumps(geojson(client))


def test_restricted_location_is_approximate_for_partners_exact_for_editors(
    partner_client, make_org, make_service
):
    org = make_org("Quiet Office Org", area_key="KH:12")
    service = make_service(org, "Counselling", terms=["PSY.COUNSEL"])
    add_location(org, lat=11.5501, lng=104.9101, visibility="restricted")
    (feature,) = features_of(geojson(partner_client), service)
    assert feature["properties"]["a"] == 1
    assert feature["properties"]["h"].startswith("Address not published")
    editor = User.objects.create_superuser("ed2", "ed2@example.org", "pw-123456789")
    client = Client()
    client.force_login(editor)
    (feature,) = features_of(geojson(client), service)
    assert "a" not in feature["properties"]
    assert feature["geometry"]["coordinates"] == [104.9101, 11.5501]


def test_phones_on_the_card_follow_the_viewers_tier(anonymous, partner_client, editor_user, tiered_org):
    service = _shelter_service(tiered_org)
    ServicePhone.objects.create(service=service, number="+85512000505", channel="voice", visibility="public")
    ServicePhone.objects.create(
        service=service, number="+85512000606", channel="voice", visibility="partners"
    )

    def numbers(client):
        (props,) = {json.dumps(f["properties"].get("p", [])) for f in features_of(geojson(client), service)}
        return {phone[1] for phone in json.loads(props)}

    assert numbers(anonymous) == {"tel:+85512000505"}
    assert numbers(partner_client) == {"tel:+85512000505", "tel:+85512000606"}
    editor = Client()
    editor.force_login(editor_user)
    assert "tel:+85512000404" in numbers(editor)  # the restricted after-hours line


def test_an_organizations_own_member_sees_its_restricted_locations(client, make_org, make_service):
    org = make_org("Members Org")
    service = make_service(org, "Drop-in")
    add_location(org, lat=11.5601, lng=104.9201, visibility="restricted")
    member = User.objects.create_user("member", "member@example.org", "member-pass-123")
    OrganizationMember.objects.create(organization=org, user=member)
    client.force_login(member)
    (feature,) = features_of(geojson(client), service)
    assert feature["geometry"]["coordinates"] == [104.9201, 11.5601]
    # ...but only for their own organization.
    other = make_org("Other Org")
    other_service = make_service(other, "Other drop-in")
    add_location(other, lat=11.5701, lng=104.9301, visibility="restricted")
    (feature,) = features_of(geojson(client), other_service)
    assert feature["properties"]["a"] == 1


def test_service_at_location_wins_over_the_organizations_other_locations(anonymous, make_org, make_service):
    org = make_org("Two Offices")
    office = add_location(org, "KH:12", lat=11.55, lng=104.92)
    add_location(org, "KH:17", lat=13.36, lng=103.86, name="Siem Reap office")
    here = make_service(org, "Only in Phnom Penh")
    ServiceAtLocation.objects.create(service=here, location=office)
    everywhere = make_service(org, "At every office")
    data = geojson(anonymous)
    assert [f["geometry"]["coordinates"] for f in features_of(data, here)] == [[104.92, 11.55]]
    assert len(features_of(data, everywhere)) == 2


def test_geojson_is_compact_rounded_gzipped_and_private(anonymous, make_org, make_service):
    org = make_org("Precise Org")
    service = make_service(org, "Precise service")
    add_location(org, lat=11.556412345678, lng=104.928212345678)
    (feature,) = features_of(geojson(anonymous), service)
    assert feature["geometry"]["coordinates"] == [104.92821, 11.55641]
    assert set(feature["properties"]) <= set("snoutfvxwlahp")
    response = anonymous.get("/map/services.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["meta"]["services"] >= 1
    assert "Cookie" in response["Vary"]
    assert "private" in response["Cache-Control"]


def test_freshness_on_the_card(anonymous, editor_client, make_org, make_service, verified):
    org = make_org("Fresh Org")
    add_location(org, lat=11.55, lng=104.92)
    fresh = make_service(org, "Checked last week", **verified(days_ago=7))
    never = make_service(org, "Never checked")
    data = geojson(anonymous)
    (f,) = features_of(data, fresh)
    assert (f["properties"]["f"], f["properties"]["v"]) == ("fresh", 7)
    (f,) = features_of(data, never)
    # Never verified and not yet due: "not yet verified", never "overdue"; the public is not
    # told about stewards.
    assert f["properties"]["f"] == "unverified"
    assert "v" not in f["properties"]
    (f,) = features_of(geojson(editor_client), never)
    assert f["properties"]["f"] == "orphaned"  # editors are


def test_bounding_box_narrows_the_features(anonymous, make_org, make_service):
    org = make_org("Boxed Org")
    service = make_service(org, "Boxed")
    add_location(org, "KH:12", lat=11.55, lng=104.92)
    add_location(org, "KH:17", lat=13.36, lng=103.86)
    far = make_org("Far Org")
    far_service = make_service(far, "Far away")
    add_location(far, "KH:17", lat=13.37, lng=103.87)
    shelter_org = make_org("Boxed Shelter Org", area_key="KH:12")
    add_location(shelter_org, "KH:12", lat=14.0, lng=106.0, visibility="partners", kind="shelter")
    shelter = make_service(shelter_org, "Shelter drawn at the Phnom Penh centre")
    boxed = geojson(anonymous, "?bbox=104.5,11.0,105.5,12.0")
    assert len(features_of(boxed, service)) == 1
    assert features_of(boxed, far_service) == []
    assert len(features_of(boxed, shelter)) == 1  # its own point is outside, its centre inside
    assert boxed["meta"]["services"] == 2  # the far service is not even read
    assert len(features_of(geojson(anonymous, "?bbox=nonsense"), service)) == 2


def test_geojson_is_cached_per_tier_and_refreshed_when_an_entry_is_saved(
    anonymous, partner_client, tiered_org, django_assert_max_num_queries, settings
):
    settings.MAP_CACHE_SECONDS = 300
    service = _shelter_service(tiered_org)
    first = geojson(anonymous)
    # The filters and the fingerprint (with the stored rules and the pending marks), not the entries.
    with django_assert_max_num_queries(13):
        assert geojson(anonymous) == first
    # Another tier gets its own answer, never the public one (nor the public its).
    partner = geojson(partner_client)
    assert partner != first
    assert SHELTER_POINT.search(json.dumps(partner))
    assert not SHELTER_POINT.search(json.dumps(geojson(anonymous)))
    # An editor renames the service: the next map shows it.
    service.name = "Renamed emergency shelter"
    service.save()
    names = {f["properties"]["n"] for f in features_of(geojson(anonymous), service)}
    assert names == {"Renamed emergency shelter"}
    # A new location (saved with its organization) appears too.
    add_location(tiered_org, "KH:17", lat=13.36, lng=103.86, name="Siem Reap office")
    tiered_org.save()
    assert [103.86, 13.36] in [f["geometry"]["coordinates"] for f in features_of(geojson(anonymous), service)]


def test_feature_order_does_not_follow_the_tables_edit_history(anonymous, make_org, make_service):
    """PostgreSQL's sequential scan returns an updated row after the others (its new version
    sits further on), so an unordered read returns services in edit order. The features come
    in service order whatever was edited last: an edit to a record the viewer cannot see must
    not shift what they see."""
    org = make_org("Ordered Org")
    add_location(org, lat=11.55, lng=104.92)
    services = [make_service(org, name) for name in ("Alpha help", "Beta help", "Gamma help")]
    Service.objects.filter(pk=services[0].pk).update(email="")  # rewrites the first row
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the plan the planner picks on a larger table
            cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
    order = [f["properties"]["s"] for f in geojson(anonymous)["features"]]
    assert order == sorted(order) and set(order) == {s.pk for s in services}
