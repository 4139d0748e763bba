"""The /map/ page: the directory's filters and URLs, a list that works without JavaScript."""

import re

import pytest
from django.http import QueryDict

from directory.filters import DirectorySearch

from .conftest import add_location, geojson

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(make_org, make_service):
    """Services across provinces, types, groups and languages."""
    bb = make_org("Battambang Care", area_key="KH:02")
    add_location(bb, "KH:02", lat=13.10, lng=103.20)
    pp = make_org("Phnom Penh Legal", area_key="KH:12")
    add_location(pp, "KH:12", lat=11.55, lng=104.92)
    national = make_org("National Line", area_key="KH:12")
    return {
        "bb_shelter": make_service(
            bb, "BB shelter", terms=["SHELTER.SHORT"], areas=["KH:02"], languages=["km"], serves_men=False
        ),
        "bb_legal": make_service(bb, "BB legal", terms=["LEGAL.ADVICE"], areas=["KH:02"], languages=["en"]),
        "pp_legal": make_service(pp, "PP legal", terms=["LEGAL.REP"], areas=["KH:12"], languages=["km"]),
        "pp_shelter": make_service(
            pp, "PP children shelter", terms=["SHELTER.LONG"], areas=["KH:12"], serves_men=True
        ),  # eligibility is "not stated" unless a record says it
        "hotline": make_service(national, "National hotline", terms=["HELP.TIP"], areas=["KH"]),
        "draft": make_service(bb, "Draft shelter", terms=["SHELTER.SHORT"], live=False),
    }


def listed_ids(html):
    return {int(i) for i in re.findall(r'data-testid="map-entry" data-service="(\d+)"', html)}


def directory_ids(query):
    search = DirectorySearch(QueryDict(query))
    return {s.pk for org in search.results() for s in org.matching_services}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "type=SHELTER",
        "type=LEGAL&province=battambang",
        "province=kampot",  # only the national hotline reaches Kampot
        "group=men&type=SHELTER",
        "language=km",
        "country=kh&type=HELP",
        "q=legal",
        "type=NOPE&province=nowhere",  # unknown values filter less, like the directory
    ],
)
def test_map_lists_exactly_the_directorys_services(anonymous, spread, query):
    response = anonymous.get(f"/map/?{query}")
    assert response.status_code == 200
    expected = directory_ids(query)
    assert expected
    assert listed_ids(response.content.decode()) == expected
    assert spread["draft"].pk not in expected
    # The GeoJSON answers the same filters with the same services (those with a place).
    on_map = {f["properties"]["s"] for f in geojson(anonymous, f"?{query}")["features"]}
    assert on_map <= expected
    assert on_map == {pk for pk in expected if pk != spread["hotline"].pk}  # the hotline has no place


def test_filter_form_uses_the_directorys_parameter_names(anonymous, spread):
    html = anonymous.get("/map/?type=SHELTER").content.decode()
    for name, value in [
        ("type", "SHELTER"),
        ("province", "battambang"),
        ("language", "km"),
        ("group", "men"),
    ]:
        assert re.search(rf'name="{name}" value="{value}"', html), (name, value)
    assert re.search(r'name="type" value="SHELTER" checked', html)
    assert 'action="/map/"' in html
    # A shareable link, the same search in the directory, and GeoJSON with the same filters.
    assert "http://testserver/map/?type=SHELTER" in html
    assert 'href="/directory/?type=SHELTER"' in html
    assert 'data-geojson-url="/map/services.geojson?type=SHELTER"' in html
    # Removing the filter leads back to the unfiltered map, not to the directory.
    assert re.search(r'<a href="/map/" class="remove"', html)


def test_list_says_which_entries_are_approximate_or_off_the_map(anonymous, tiered_org, spread):
    html = anonymous.get("/map/").content.decode()
    hotline = re.search(rf'data-service="{spread["hotline"].pk}">.*?</li>', html, re.S).group(0)
    assert "Not on the map" in hotline and "No location recorded" in hotline
    shelter = tiered_org.services.get()
    entry = re.search(rf'data-service="{shelter.pk}">.*?</li>', html, re.S).group(0)
    assert "Approximate" in entry and "Address shared with partners only" in entry
    # Never verified and not yet due: it says so, and never "overdue" beside it.
    assert "Not yet verified" in entry and "Overdue" not in entry
    assert 'href="/directory/tiered-shelter-network/#service-' in entry


def test_list_is_paginated_with_map_links(anonymous, make_org, make_service, settings):
    settings.MAP_LIST_PAGE_SIZE = 2
    org = make_org("Many Services")
    for n in range(5):
        make_service(org, f"Service {n}", terms=["LEGAL.ADVICE"])
    html = anonymous.get("/map/?type=LEGAL").content.decode()
    assert len(listed_ids(html)) == 2
    assert 'href="/map/?type=LEGAL&amp;page=2"' in html
    page3 = anonymous.get("/map/?type=LEGAL&page=3").content.decode()
    assert len(listed_ids(page3)) == 1


def test_page_has_no_inline_script_and_passes_data_as_json(anonymous, spread):
    html = anonymous.get("/map/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert re.search(r'<script src="/static/vendor/leaflet/leaflet.js"', html)
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert '<script id="map-provinces" type="application/json">' in html
    assert "Battambang" in re.search(r'id="map-provinces"[^>]*>(.*?)</script>', html, re.S).group(1)
    # Every script and stylesheet comes from our own static files (no CDN at run time); the
    # hreflang links name this page's own addresses in full, as hreflang requires.
    external = re.findall(r'<(?:script|link)\b(?![^>]*rel="alternate")[^>]*(?:src|href)="(https?:)?//[^"]*"', html)
    assert external == []
    assert "unpkg.com" not in html and "cdnjs" not in html and "jsdelivr" not in html


def test_vendored_leaflet_is_served_from_our_static_files(anonymous):
    from django.contrib.staticfiles import finders

    for path in [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "services_map/map.js",
    ]:
        assert finders.find(path), path


def test_tile_settings_reach_the_page(anonymous, settings, spread):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example tiles"
    html = anonymous.get("/map/").content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "© Example tiles" in html
    settings.MAP_TILE_URL = ""
    html = anonymous.get("/map/").content.decode()
    assert 'data-tile-url=""' in html


def test_nav_links_to_the_map(anonymous, spread):
    html = anonymous.get("/directory/").content.decode()
    assert 'href="/map/"' in html
