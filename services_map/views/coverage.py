"""Coverage pages: the province x service-family matrix, its CSV (with HXL hashtags), one page
per province or destination country, and the printable referral pack."""

import csv
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directory.models import Area, AreaKind
from portal.csv_safety import csv_cell

from .. import cache as map_cache
from ..coverage import DESTINATION_FAMILIES, HOME_COUNTRY, Coverage, top_families
from ..entries import Viewer
from ..pack import SECTIONS as PACK_SECTIONS
from ..pack import build_pack, qr_svg


def _tables():
    """The province and country matrices (the same for every viewer: counts only)."""

    def build():
        coverage = Coverage(counts_only=True)
        return {
            "families": coverage.families,
            "rows": coverage.province_rows(),
            "destination_families": coverage.destination_families(),
            "country_rows": coverage.country_rows(),
            "has_verified": coverage.has_verified,
        }

    return map_cache.remember(map_cache.key_for("coverage-tables", "all", ()), build)


def area_report(area, codes, staff):
    """[(family, cell, items)] for one province or country; editors also see "orphaned"."""

    def build():
        return Coverage(staff=staff, area=area).area_report(area, codes)

    key = map_cache.key_for("coverage-area", "staff" if staff else "public", (area.pk, tuple(codes)))
    return map_cache.remember(key, build)


@require_GET
def coverage_index(request):
    context = dict(_tables())
    states = [cell.state for _province, cells in context["rows"] for cell in cells]
    context["gaps"] = sum(1 for state in states if state in ("none", "stale"))
    context["reached"] = states.count("reached")
    return render(request, "services_map/coverage.html", context)


HXL_HEADER = [
    ("Country", "#country+name"),
    ("Country code", "#country+code"),
    ("Province", "#adm1+name"),
    ("Province code", "#adm1+code"),
    ("Service family code", "#sector+code"),
    ("Service family", "#sector+name"),
    # Based here: a location in the province; reaching: serves it from elsewhere (a national
    # hotline reaches every province and is based only where its office is).
    ("Verified services based here", "#indicator+num+services+based+verified"),
    ("Unverified services based here", "#indicator+num+services+based+unverified"),
    ("Verified services reaching here from elsewhere", "#indicator+num+services+reaching+verified"),
    ("Unverified services reaching here from elsewhere", "#indicator+num+services+reaching+unverified"),
    ("Coverage", "#status+coverage"),
]
STATE_WORDS = {
    "ok": "verified service based here",
    "reached": "reached from elsewhere only",
    "stale": "not verified",
    "none": "none",
}


def _counts(cell):
    return (cell.based_verified, cell.based_stale, cell.reaching_verified, cell.reaching_stale)


def pcode(area):
    """Humanitarian P-code style: KH:02 -> KH02, TH:TH-10 -> TH-10."""
    country, _sep, rest = area.key.partition(":")
    return rest if rest.startswith(f"{country}-") else f"{country}{rest}"


@require_GET
def coverage_csv(request):
    tables = _tables()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="service-coverage-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Khmer names as UTF-8
    writer = csv.writer(response)
    writer.writerow([label for label, _tag in HXL_HEADER])
    writer.writerow([tag for _label, tag in HXL_HEADER])
    home = Area.objects.get(key=HOME_COUNTRY)
    for province, cells in tables["rows"]:
        for family, cell in zip(tables["families"], cells, strict=True):
            writer.writerow(
                csv_cell(v)
                for v in (
                    home.name_en,
                    home.code,
                    province.name_en,
                    pcode(province),
                    family.code,
                    family.name_en,
                    *_counts(cell),
                    STATE_WORDS[cell.state],
                )
            )
    for country, cells in tables["country_rows"]:
        for family, cell in zip(tables["destination_families"], cells, strict=True):
            writer.writerow(
                csv_cell(v)
                for v in (
                    country.name_en,
                    country.code,
                    "",
                    "",
                    family.code,
                    family.name_en,
                    *_counts(cell),
                    STATE_WORDS[cell.state],
                )
            )
    return response


def _area_or_404(slug):
    area = get_object_or_404(Area.objects.select_related("country"), slug=slug)
    if area.kind == AreaKind.PROVINCE and area.country_code == HOME_COUNTRY:
        return area
    if area.kind == AreaKind.COUNTRY and area.key != HOME_COUNTRY:
        return area
    raise Http404("Coverage is kept for Cambodian provinces and destination countries.")


@require_GET
def coverage_area(request, slug):
    area = _area_or_404(slug)
    is_province = area.kind == AreaKind.PROVINCE
    area_param = "province" if is_province else "country"
    families = top_families()
    if not is_province:
        by_code = {f.code: f for f in families}
        families = [by_code[code] for code in DESTINATION_FAMILIES if code in by_code]
    report = area_report(area, [f.code for f in families], Viewer(request.user).is_staff)
    context = {
        "has_verified": any(cell.verified for _family, cell, _items in report),
        "reached_only": [family for family, cell, _items in report if cell.state == "reached"],
        "area": area,
        "is_province": is_province,
        "area_param": area_param,
        "report": report,
        "missing": [family for family, cell, _items in report if cell.state == "none"],
        "stale_only": [family for family, cell, _items in report if cell.state == "stale"],
        "covered": [family for family, cell, _items in report if cell.state == "ok"],
        "map_url": f"{reverse('services_map:index')}?{urlencode({area_param: area.slug})}",
    }
    return render(request, "services_map/coverage_area.html", context)


@require_GET
def referral_pack(request, slug):
    area = _area_or_404(slug)
    if area.kind != AreaKind.PROVINCE:
        raise Http404(_("Referral packs are made for Cambodian provinces."))
    viewer = Viewer(request.user)
    codes = [code for code, _title in PACK_SECTIONS]
    report = area_report(area, codes, viewer.is_staff)
    pack = build_pack(area, viewer, request.build_absolute_uri, report)
    directory = f"{reverse('directory:index')}?{urlencode({'province': area.slug})}"
    context = {
        "pack": pack,
        "province": area,
        "page_qr": qr_svg(request.build_absolute_uri(directory)),
        "printed": timezone.localdate(),
        "page_url": request.build_absolute_uri(),
    }
    response = render(request, "services_map/pack.html", context)
    if not pack.is_public:
        response["Cache-Control"] = "private, no-store"
    return response
