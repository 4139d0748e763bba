"""Where a location goes on the map, for one viewer.

Rules (the map, the GeoJSON, the list and the editors' report all follow them):

* A location the viewer may see exactly (``directory.visibility.can_see``) is drawn at its own
  point, when that point is valid: both coordinates given, not 0,0, in range, and inside the
  location's country (``directory.validators.COUNTRY_BOUNDS``; countries without a box are
  only range-checked).
* What a viewer may see of a location comes from ``directory.visibility.project_location``
  (the one rule: a shelter, or a place where a shelter-type service is offered, is never
  public). A location the viewer may not see exactly is drawn only at the centre of its
  district, or of its province when the district has no centre, flagged as approximate. Its
  own coordinates are never read for such a viewer, and the GeoJSON's bounding-box filter and
  counts use the point drawn, not the recorded one.
* A public point recorded as approximate (``Location.point_is_approximate``: the town or
  province seat, as the demo data's gazetteer points are) is drawn there, flagged approximate
  with the reason in words, like an area centre.
* Viewers who may see a confidential location exactly but whose point is missing or invalid
  still get the approximate marker, so nobody sees less than the public does.
* A public location without a valid point stays off the map (never at 0,0), and so does a
  location whose area has no centre to fall back on. Editors find both in the admin report
  "Not on the map".
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from directory.models import AreaKind, Visibility
from directory.validators import COUNTRY_BOUNDS
from directory.visibility import project_location

COORDINATE_DECIMALS = 5  # about 1 m: as precise as any address point needs to be
# A public point that marks the town or province seat, not the address (Location.point_is_approximate).
APPROXIMATE_POINT_NOTE = _("Approximate point: the town centre of %(area)s, not the address.")
# Why a point is approximate, by key: "point" is filled with the area's label, the others with
# the name of the area whose centre is drawn.
NOTES = {
    "point": APPROXIMATE_POINT_NOTE,
    "missing": _("Exact point not recorded: shown at the centre of %(area)s."),
    "partners": _("Address shared with partners only: shown at the centre of %(area)s."),
    "hidden": _("Address not published: shown at the centre of %(area)s."),
}


class Problem:
    """Why a point cannot be used (stable codes; labels for people)."""

    NO_LOCATION = "no-location"
    NO_POINT = "no-point"
    HALF_POINT = "half-point"
    NULL_ISLAND = "zero"
    OUT_OF_RANGE = "out-of-range"
    SWAPPED = "swapped"
    OUTSIDE_COUNTRY = "outside-country"
    NO_CENTRE = "no-centre"

    LABELS = {
        NO_LOCATION: _("No location recorded"),
        NO_POINT: _("No coordinates"),
        HALF_POINT: _("Only one coordinate"),
        NULL_ISLAND: _("Coordinates are 0, 0"),
        OUT_OF_RANGE: _("Coordinates out of range"),
        SWAPPED: _("Latitude and longitude look swapped"),
        OUTSIDE_COUNTRY: _("Coordinates outside the location's country"),
        NO_CENTRE: _("Confidential, and its district or province has no centre point"),
    }


def point_problem(latitude, longitude, country_code):
    """None when (latitude, longitude) is a usable point in `country_code`, else a Problem code."""
    if latitude is None and longitude is None:
        return Problem.NO_POINT
    if latitude is None or longitude is None:
        return Problem.HALF_POINT
    if abs(latitude) < 1e-6 and abs(longitude) < 1e-6:
        return Problem.NULL_ISLAND
    bounds = COUNTRY_BOUNDS.get(country_code or "")
    if bounds:
        south, west, north, east = bounds
        if south <= longitude <= north and west <= latitude <= east:
            return Problem.SWAPPED
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return Problem.OUT_OF_RANGE
    if bounds and not (south <= latitude <= north and west <= longitude <= east):
        return Problem.OUTSIDE_COUNTRY
    return None


@dataclass(frozen=True, slots=True)
class AreaInfo:
    pk: int
    kind: str
    name: str
    latitude: float | None
    longitude: float | None
    parent_id: int | None
    province_id: int | None
    country_code: str

    @property
    def has_centre(self):
        return self.latitude is not None and self.longitude is not None


def area_centre(area, areas):
    """(area, ...) whose centre stands for a confidential location in `area`: the district
    (a commune's district, never the commune itself), else the province. None for a country
    or when neither has a centre."""
    if area is None:
        return None
    if area.kind == AreaKind.COMMUNE:
        area = areas.get(area.parent_id)
        if area is None:
            return None
    if area.kind == AreaKind.DISTRICT:
        if area.has_centre:
            return area
        area = areas.get(area.province_id)
    if area is not None and area.kind == AreaKind.PROVINCE and area.has_centre:
        return area
    return None


@dataclass(frozen=True, slots=True)
class Place:
    """One marker: where, whether approximate, and what the viewer may read about the place."""

    location_id: int
    latitude: float
    longitude: float
    approximate: bool
    where: str  # area name(s) the viewer may see
    name: str  # the location's name, or only its type when the viewer may not see it
    location_type: str
    hidden_note: str = ""  # why the point is approximate
    tier: str = Visibility.PUBLIC  # the tier of what this place reveals (an area centre is public)
    # What the words above are made of, for the stored map features (`services_map.features`),
    # which fill them in per language when read: the area `where` names (its label, and the
    # note's %(area)s), which note (a NOTES key, "" for none) and whether `name` is the
    # location's own name (else its type's label).
    where_area_id: int | None = None
    note: str = ""
    named: bool = True


@dataclass(frozen=True, slots=True)
class Unplaced:
    location_id: int | None
    problem: str


def place_location(row, tier, areas):
    """Place one location (a LocationRow) for a viewer at `tier`: a Place or an Unplaced."""
    area = areas.get(row.area_id)
    shown = project_location(
        row, tier, row.confidential_service, area=area, parent_of=lambda a: areas.get(a.parent_id)
    )
    visibility = shown.visibility
    if shown.exact:
        problem = point_problem(shown.latitude, shown.longitude, area.country_code if area else "")
        if problem is None:
            where = area_label(area, areas)
            approximate = bool(getattr(row, "approximate_point", False))
            return Place(
                location_id=row.pk,
                latitude=round(shown.latitude, COORDINATE_DECIMALS),
                longitude=round(shown.longitude, COORDINATE_DECIMALS),
                approximate=approximate,
                where=where,
                name=shown.name,
                location_type=row.location_type,
                hidden_note=str(APPROXIMATE_POINT_NOTE) % {"area": where} if approximate else "",
                tier=visibility,
                where_area_id=area.pk if area else None,
                note="point" if approximate else "",
            )
        if visibility == Visibility.PUBLIC:
            return Unplaced(row.pk, problem)
        note = "missing"
    elif visibility == Visibility.PARTNERS:
        note = "partners"
    else:
        note = "hidden"
    centre = area_centre(shown.area, areas)
    if centre is None:
        return Unplaced(row.pk, Problem.NO_CENTRE)
    return Place(
        location_id=row.pk,
        latitude=round(centre.latitude, COORDINATE_DECIMALS),
        longitude=round(centre.longitude, COORDINATE_DECIMALS),
        approximate=True,
        # Never more precise than the district (a commune can be enough to find a shelter).
        where=area_label(centre, areas),
        name=shown.name if shown.exact else row.type_label,
        location_type=row.location_type,
        hidden_note=str(NOTES[note]) % {"area": centre.name},
        tier=visibility if shown.exact else Visibility.PUBLIC,
        where_area_id=centre.pk,
        note=note,
        named=shown.exact,
    )


def area_label(area, areas):
    """'Battambang, Battambang' (district, province) without repeats; '' for no area."""
    if area is None:
        return ""
    names = []
    for item in (area, areas.get(area.parent_id) if area.kind == AreaKind.COMMUNE else None):
        if item is not None and item.name not in names:
            names.append(item.name)
    province = areas.get(area.province_id)
    if province is not None and province.name not in names:
        names.append(province.name)
    return ", ".join(names)
