"""Access-log entry for the map's GeoJSON.

Every GeoJSON answer to a viewer above public is recorded, whether or not it held an exact
confidential point: the body is cached per tier and filters (services_map.cache), so on a hit
nobody looks inside it, and rebuilding it to find out would cost far more than a row. One entry
per request, whose record is the filters and box asked for."""

from directory.models import Visibility

from . import record
from .models import AccessKind


def record_map(request, viewer, params, bbox):
    """`viewer`: services_map.entries.Viewer; `params`: the search's (key, value) pairs."""
    tier = viewer.tier
    if tier == Visibility.PUBLIC and viewer.member_keys:
        tier = Visibility.RESTRICTED  # a member sees their own organization's places exactly
    if tier == Visibility.PUBLIC:
        return
    label = "&".join(f"{key}={value}" for key, value in params)
    if bbox:
        label += ("&" if label else "") + "bbox=" + ",".join(f"{v:g}" for v in bbox)
    record(request, AccessKind.MAP_GEOJSON, "services.geojson", tier, label=label or "all services")
