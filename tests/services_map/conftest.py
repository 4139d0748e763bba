"""Helpers for the services-map tests: stewarded (verified or stale) services, locations."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from directory.models import Area, Location

# The tiered_org shelter's exact point, and anything that rounds near it (13.095..., 103.202...).
SHELTER_POINT = re.compile(r"13\.09[4-6]|103\.20[1-3]")


@pytest.fixture(autouse=True)
def _index_follows_saves(db):
    """The map's list and facets count on the search index (see tests/index_sync.py)."""
    from tests.index_sync import index_follows_saves

    with index_follows_saves() as rebuild:
        yield rebuild


@pytest.fixture(autouse=True)
def _empty_map_cache():
    """Each test starts with no cached GeoJSON (the cache outlives a test's database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def steward(db):
    return User.objects.create_user("steward", "steward@example.org", "steward-pass-123")


@pytest.fixture
def verified(steward):
    """Fields for a service verified `days_ago` days ago by an active steward."""

    def _fields(days_ago=0):
        return {"steward": steward, "last_verified": timezone.localdate() - timezone.timedelta(days=days_ago)}

    return _fields


@pytest.fixture
def anonymous():
    return Client()


def add_location(org, area_key="KH:12", *, lat=None, lng=None, visibility="public", kind="office", name=None):
    """A location saved without model validation, as imported or legacy rows may be."""
    return Location.objects.create(
        organization=org,
        name=name or f"{kind.title()} of {org.name}",
        location_type=kind,
        area=Area.objects.get(key=area_key),
        address=f"ADDRESS-OF-{org.slug}",
        latitude=lat,
        longitude=lng,
        visibility=visibility,
    )


def geojson(client, query=""):
    response = client.get(f"/map/services.geojson{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def features_of(collection, service):
    return [f for f in collection["features"] if f["properties"]["s"] == service.pk]
