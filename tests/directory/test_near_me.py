"""Near me: the directory ordered by distance from a chosen district or the device's position,
measured to what the public may see of each place (a shelter: its district's centre)."""

import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from directory.models import Area, Location
from services_map import nearby


def _page(client, **params):
    response = client.get(f"{reverse('directory:index')}?{urlencode(params, doseq=True)}")
    assert response.status_code == 200
    return response.content.decode()


def _order(html):
    return re.findall(r'data-testid="result" data-slug="([^"]+)"', html)


def _distances(html):
    """{slug: (km, approximate)} as the cards say."""
    found = {}
    for card in re.findall(r'data-slug="([^"]+)">(.*?)\n</li>', html, re.S):
        slug, body = card
        m = re.search(r'<p class="distance( approximate)?" data-testid="distance" data-km="([\d.]+)">', body)
        if m:
            found[slug] = (float(m.group(2)), bool(m.group(1)))
    return found


@pytest.fixture(autouse=True)
def _fresh_places():
    nearby.forget()
    yield
    nearby.forget()


@pytest.fixture
def places(make_org, make_service):
    """Around Battambang's centre: an office 8 km north of it; a shelter filed under one of its
    districts (the gazetteer gives districts no centre: the province's stands for it) whose true
    point is elsewhere; an organization with only a province (approximate); one with no place."""
    province = Area.objects.get(key="KH:02")
    lat, lon = province.latitude, province.longitude
    district = Area.objects.filter(kind="district", province=province).order_by("key").first()
    office = make_org("Office North", slug="office-north", area_key="KH:02")
    Location.objects.create(
        organization=office, name="Office", location_type="office", area=province,
        latitude=lat + 0.072, longitude=lon, visibility="public",
    )
    shelter = make_org("Shelter Near", slug="shelter-near", area_key="KH:02")
    make_service(shelter, "Emergency shelter", terms=["SHELTER.SHORT"])
    true_point = Location.objects.create(
        organization=shelter, name="Safe house", location_type="shelter", area=district,
        latitude=lat + 0.3, longitude=lon + 0.1, visibility="partners",
    )
    provincial = make_org("Province Only", slug="province-only", area_key="KH:12")
    nowhere = make_org("No Place", slug="no-place", area_key=None)
    make_service(nowhere, "Phone counselling")
    return {
        "origin": (lat, lon),
        "province": province,
        "district": district,
        "true_point": true_point,
        "orgs": (office, shelter, provincial, nowhere),
    }


def test_nearest_first_from_a_chosen_province(client, places):
    html = _page(client, near=places["province"].slug)
    distances = _distances(html)
    # The shelter is measured to its district's stand-in centre (approximate), never its true point.
    assert distances["shelter-near"] == (0.0, True)
    assert distances["office-north"][0] == pytest.approx(8.0, abs=0.2)
    assert distances["office-north"][1] is False
    assert distances["province-only"][1] is True and distances["province-only"][0] > 100
    assert _order(html) == ["shelter-near", "office-north", "province-only", "no-place"]
    assert "no-place" not in distances
    assert 'data-testid="near-problem"' not in html


def test_a_district_without_a_centre_is_measured_from_its_province_and_says_so(client, places):
    html = _page(client, near=places["district"].slug)
    assert _order(html) == ["shelter-near", "office-north", "province-only", "no-place"]
    assert "from the centre of" in html
    assert f'<option value="{places["district"].slug}" selected>' in html


@pytest.mark.parametrize("viewer", ["public", "partner", "editor"])
def test_a_shelters_true_point_never_moves_it(client, places, partner_user, editor_user, viewer):
    """From 22 km south of the province centre: the shelter is 22 km away (its stand-in centre)
    for every viewer, wherever its true point is; the office 30 km."""
    if viewer == "partner":
        client.force_login(partner_user)
    elif viewer == "editor":
        client.force_login(editor_user)
    lat, lon = places["origin"]
    here = {"lat": f"{lat - 0.2:.3f}", "lon": f"{lon:.3f}"}
    before = _page(client, **here)
    assert _order(before)[:2] == ["shelter-near", "office-north"]
    assert _distances(before)["shelter-near"][0] == pytest.approx(22.2, abs=0.3)
    # Move the shelter's true point onto the origin, then far away: nothing changes.
    for moved in ((lat - 0.2, lon), (lat + 0.9, lon + 0.9)):
        Location.objects.filter(pk=places["true_point"].pk).update(latitude=moved[0], longitude=moved[1])
        nearby.forget()
        after = _page(client, **here)
        assert _order(after) == _order(before)
        assert _distances(after)["shelter-near"] == _distances(before)["shelter-near"]


def test_the_device_position_is_rounded_and_never_shared_or_cached(client, places):
    lat, lon = places["origin"]
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=60):
        cache.clear()
        html = _page(client, lat=f"{lat + 0.0723456:.7f}", lon=f"{lon:.7f}")
        assert _order(html)[0] == "office-north"
        # The visitor's own links keep the rounded position; links for others do not have it.
        assert f"lat={lat + 0.0723456:.3f}" in html
        assert f'name="lat" value="{lat + 0.0723456:.3f}"' in html
        for link in re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html):
            assert "lat=" not in link and "lon=" not in link
        html = _page(client, lat=f"{lat:.3f}", lon=f"{lon:.3f}", type="SHELTER")
        share = re.search(r'data-testid="share-link">([^<]*)<', html).group(1)
        assert "type=SHELTER" in share and "lat=" not in share and "lon=" not in share
        # The page was not cached: a second visitor from elsewhere is not answered from it.
        Location.objects.filter(organization__slug="office-north").update(latitude=lat + 0.5)
        nearby.forget()
        again = _page(client, lat=f"{lat + 0.0723456:.7f}", lon=f"{lon:.7f}")
        assert _order(again)[0] != "office-north"


def test_a_bad_place_or_position_says_so_and_lists_as_usual(client, places):
    for params in ({"near": "atlantis"}, {"lat": "91", "lon": "10"}, {"lat": "abc", "lon": "nan"}, {"lat": "12"}):
        html = _page(client, **params)
        assert 'data-testid="near-problem"' in html
        assert sorted(_order(html)) == sorted(o.slug for o in places["orgs"])
        assert 'data-testid="distance"' not in html


def test_filters_keep_the_origin_and_the_origin_choice_works_without_javascript(client, places):
    html = _page(client, near=places["province"].slug, type="SHELTER")
    assert _order(html) == ["shelter-near"]
    assert f'<option value="{places["province"].slug}" selected>' in html
    # The device position rides along as hidden fields, so "Apply filters" keeps it.
    lat, lon = places["origin"]
    html = _page(client, lat=f"{lat:.3f}", lon=f"{lon:.3f}")
    assert f'<input type="hidden" name="lat" value="{lat:.3f}">' in html


def test_the_map_list_is_nearest_first_too(client, places):
    lat, lon = places["origin"]
    response = client.get(reverse("services_map:index"), {"lat": f"{lat - 0.2:.3f}", "lon": f"{lon:.3f}"})
    assert response.status_code == 200
    html = response.content.decode()
    entries = re.findall(r'data-testid="map-entry" data-service="(\d+)">\s*<h3[^>]*><a[^>]*>([^<]+)</a>', html)
    names = [name for _pk, name in entries]
    # The shelter service is measured to its district's stand-in centre, the counselling line of
    # the organization with no place comes last.
    assert names[0] == "Emergency shelter" and names[-1] == "Phone counselling"
    kms = [float(km) for km in re.findall(r'data-testid="distance" data-km="([\d.]+)"', html)]
    assert kms == sorted(kms) and kms[0] == pytest.approx(22.2, abs=0.3)
    assert 'class="distance approximate"' in html
    geojson = re.search(r'data-geojson="([^"]+)"', html) or re.search(r'geojson[^"]*"([^"]*services\.geojson[^"]*)"', html)
    assert geojson is None or "lat=" not in geojson.group(1)
