"""The "near a place" choice of the directory and the map: provinces with a centre and their
districts, grouped by province, the portal's own country first (reference data: built once per
process and language)."""

from django.conf import settings
from django.utils.translation import get_language

from .models import Area, AreaKind

_built = {}


def near_choices():
    """[(group label, [(slug, label)])]: each of the portal country's provinces with its
    districts, then the other countries' provinces by country."""
    language = get_language() or "en"
    if language not in _built:
        _built[language] = _build()
    return _built[language]


def _build():
    home = settings.DIRECTORY_DEFAULT_REGION
    rows = list(
        Area.objects.filter(kind__in=[AreaKind.PROVINCE, AreaKind.DISTRICT])
        .select_related("country")
        .only(
            "slug",
            "name_en",
            "name_km",
            "kind",
            "province_id",
            "key",
            "latitude",
            "country__name_en",
            "country__name_km",
        )
    )
    # A place can be chosen when it or its province has a centre (services_map.nearby.centre_of).
    centred = {a.pk for a in rows if a.kind == AreaKind.PROVINCE and a.latitude is not None}
    rows = [a for a in rows if (a.pk if a.kind == AreaKind.PROVINCE else a.province_id) in centred]
    provinces = sorted((a for a in rows if a.kind == AreaKind.PROVINCE), key=lambda a: a.name.lower())
    districts = {}
    for area in rows:
        if area.kind == AreaKind.DISTRICT and area.country_code == home:
            districts.setdefault(area.province_id, []).append(area)
    groups = []
    abroad = {}
    for province in provinces:
        if province.country_code == home:
            options = [(province.slug, province.name)]
            options += [
                (d.slug, d.name) for d in sorted(districts.get(province.pk, []), key=lambda a: a.name.lower())
            ]
            groups.append((province.name, options))
        else:
            abroad.setdefault(province.country.name, []).append((province.slug, province.name))
    groups += sorted(abroad.items(), key=lambda item: item[0].lower())
    return groups


def forget():
    _built.clear()
