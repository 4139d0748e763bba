"""A short-lived cache for the map's GeoJSON, keyed by what it depends on.

Building the GeoJSON for 20,000 services takes the better part of a second; the same map is
asked for again and again (every visitor of /map/ loads it). The answer depends on:

* the viewer's tier (public, partners, restricted); viewers who are members of an organization
  see its restricted details and are never served from the cache;
  (the coverage tables are cached the same way: by whether the viewer is an editor)
* the filters (canonical form) and the bounding box;
* the interface language (labels) and today's date (days since verification);
* the directory data: a fingerprint of counts, last ids and last-modified times of the tables
  the map reads. Saving an organization or service in the admin (locations, phones and
  areas are edited inline, so the parent is saved too) changes it at once, and so does saving
  or deleting a location, service area, area or service type alone (each leaves a pending
  mark, `services_map.stored`, whose id is in the key; the rows rebuilt get new ids too);
* the rules: the confidential service types and the stored format (`features.rules_key`), so
  a service type made confidential in the settings is never drawn from a body cached before.

Changes that bypass the models' `save()` (a bulk `update()` in a script) show after at most
`MAP_CACHE_SECONDS` (default 300; 0 turns the cache off). The cache alias is
`MAP_CACHE_ALIAS` (default "default": Redis shared by all processes when REDIS_URL is set,
else local memory per process).
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language

from directory.models import (
    Area,
    Location,
    Organization,
    OrganizationPhone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServicePhone,
    ServiceTerm,
)


def _cache():
    return caches[getattr(settings, "MAP_CACHE_ALIAS", "default")]


def timeout():
    return int(getattr(settings, "MAP_CACHE_SECONDS", 300))


def data_fingerprint():
    """Changes whenever a row the map reads is added, removed or saved through the ORM."""
    from .features import rules_key
    from .models import CoveragePending, CoverageRow
    from .stored import refresh_pending

    # A save of a location, service area or term alone (no parent saved, no count changed)
    # marks its organization's coverage rows; rebuilt here, they get new ids, so the key moves.
    # A full rebuild is left to the worker: its mark moves the key until the rows do.
    refresh_pending()
    parts = [
        rules_key(),
        CoverageRow.objects.aggregate(last=Max("pk")),
        CoveragePending.objects.aggregate(last=Max("pk")),
    ]
    for model in (Service, Organization):
        parts.append(model.objects.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at")))
    for model in (
        Location,
        ServiceAtLocation,
        ServicePhone,
        OrganizationPhone,
        ServiceTerm,
        ServiceArea,
        Area,
    ):
        parts.append(model.objects.aggregate(n=Count("pk"), last=Max("pk")))
    return repr(parts)


def key_for(kind, variant, params):
    """A cache key for `kind` (geojson, coverage...) as seen by `variant` (a tier), or None
    when caching is off."""
    if timeout() <= 0:
        return None
    raw = "|".join([kind, str(variant), get_language() or "", timezone.localdate().isoformat(), repr(params)])
    raw += "|" + data_fingerprint()
    return "services_map:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def viewer_key(kind, viewer, params):
    """Like key_for, by the viewer's tier; None for members of an organization, who see its
    restricted details and so get an answer of their own."""
    return None if viewer.member_keys else key_for(kind, viewer.tier, params)


def get(key):
    return _cache().get(key) if key else None


def set(key, value):  # noqa: A001 -- mirrors the cache API
    if key:
        _cache().set(key, value, timeout())


def remember(key, build):
    """The cached value at `key`, else build() (stored when key is not None)."""
    value = get(key)
    if value is None:
        value = build()
        set(key, value)
    return value
