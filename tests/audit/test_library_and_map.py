"""Library items and files above public, and the map's GeoJSON: one entry per view for a
partner and an editor; nothing for the public or for public items."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.audit.conftest import entries
from tests.library.conftest import library, make_doc, make_file  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _empty_map_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partners_item(make_doc, make_file):  # noqa: F811
    document = make_file("case-review.pdf", b"%PDF-1.4 PARTNER FILE BODY")
    page = make_doc(
        "Shelter review with file", slug="shelter-review-file", access_level="partners", file=document
    )
    document.refresh_from_db()
    return page, document


@pytest.fixture
def public_item(make_doc, make_file):  # noqa: F811
    document = make_file("public-guide.pdf", b"%PDF-1.4 PUBLIC FILE BODY")
    page = make_doc("Public guide with file", slug="public-guide-file", file=document)
    document.refresh_from_db()
    return page, document


def test_library_item_and_file_above_public_are_recorded(client, partners_item, viewers):
    page, document = partners_item
    for user, tier in viewers:
        client.force_login(user)
        for url in (page.url, page.url + "download/", document.url):
            response = client.get(url)
            assert response.status_code == 200, url
            if response.streaming:  # a file is logged once it has been sent (the response closed)
                b"".join(response.streaming_content)
        got = [(e.kind, e.object_id, e.tier, e.username) for e in entries(user=user)]
        assert got == [
            ("library_item", str(page.pk), tier, user.username),
            ("library_file", str(document.pk), tier, user.username),
            ("library_file", str(document.pk), tier, user.username),
        ]
        assert entries(user=user)[0].label == page.title
        client.logout()


def test_public_library_item_is_not_recorded_for_anyone(client, public_item, partner_user):
    page, document = public_item
    for _ in range(2):
        for url in (page.url, page.url + "download/", document.url):
            response = client.get(url)
            assert response.status_code == 200, url
            if response.streaming:
                b"".join(response.streaming_content)
        client.force_login(partner_user)
    assert entries() == []


def test_refused_library_item_is_not_recorded(client, partners_item):
    page, document = partners_item
    for url in (page.url, page.url + "download/", document.url):
        assert client.get(url).status_code == 404
    assert entries() == []


def test_map_geojson_above_public_is_recorded_per_request(client, tiered_org, viewers):
    url = reverse("services_map:geojson")
    for user, tier in viewers:
        client.force_login(user)
        for _ in range(2):  # the second answer comes from the cache: still a view
            assert client.get(url + "?province=banteay-meanchey").status_code == 200
        got = [(e.kind, e.tier, e.username) for e in entries(user=user)]
        assert got == [("map_geojson", tier, user.username)] * 2
        assert "province=" in entries(user=user)[0].label
        client.logout()
    anonymous_count = len(entries())
    assert client.get(url).status_code == 200
    assert len(entries()) == anonymous_count
