"""Coverage: province x service-family counts, gaps, the CSV with HXL, province and country pages."""

import csv
import io
import re

import pytest

from directory.models import Area, TaxonomyTerm

from .conftest import add_location

pytestmark = pytest.mark.django_db


def cell(html, province_slug, family_code):
    """(state, verified, stale) of one cell of the province table."""
    row = re.search(rf'<tr data-province="{province_slug}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(
        r'<td class="cell (\w+)" data-state="\w+" data-verified="(\d+)" data-stale="(\d+)">', row
    )
    codes = list(
        TaxonomyTerm.objects.filter(parent__isnull=True).order_by("pk").values_list("code", flat=True)
    )
    state, verified, stale = cells[codes.index(family_code)]
    return state, int(verified), int(stale)


@pytest.fixture
def coverage_data(make_org, make_service, verified):
    bb = make_org("Battambang Shelter Org", area_key="KH:02")
    pp = make_org("Capital Legal Org", area_key="KH:12")
    national = make_org("National Hotline Org", area_key="KH:12")
    closed = make_org("Closed Org", area_key="KH:02", status="closed")
    return {
        "bb_shelter": make_service(
            bb, "Verified shelter", terms=["SHELTER.SHORT"], areas=["KH:02"], **verified(3)
        ),
        "bb_shelter_2": make_service(
            bb, "Long stay", terms=["SHELTER.LONG"], areas=["KH:02"], **verified(10)
        ),
        "bb_legal_stale": make_service(bb, "Stale legal aid", terms=["LEGAL.ADVICE"], areas=["KH:02"]),
        "bb_med_overdue": make_service(
            bb, "Overdue clinic", terms=["MED.CHECK"], areas=["KH:0203"], **verified(400)
        ),
        "pp_legal": make_service(
            pp, "Capital legal aid", terms=["LEGAL.REP"], areas=["KH:12"], **verified(1)
        ),
        "hotline": make_service(
            national, "National hotline", terms=["HELP.TIP"], areas=["KH"], **verified(5)
        ),
        "inactive": make_service(
            pp, "Paused service", terms=["MED.CHECK"], areas=["KH:12"], status="inactive", **verified(1)
        ),
        "draft": make_service(
            pp, "Draft clinic", terms=["MED.CHECK"], areas=["KH:12"], live=False, **verified(1)
        ),
        "closed": make_service(
            closed, "Closed shelter", terms=["SHELTER.SHORT"], areas=["KH:02"], **verified(1)
        ),
    }


def test_counts_verified_services_per_province_and_family(anonymous, coverage_data):
    html = anonymous.get("/map/coverage/").content.decode()
    # Two verified shelters (short- and long-stay count in one family), the closed org's not at all.
    assert cell(html, "battambang", "SHELTER") == ("ok", 2, 0)
    assert cell(html, "phnom-penh", "LEGAL") == ("ok", 1, 0)
    # Inactive, unpublished services do not count: a gap.
    assert cell(html, "phnom-penh", "MED") == ("none", 0, 0)


def test_a_nationwide_service_counts_in_every_province(anonymous, coverage_data):
    html = anonymous.get("/map/coverage/").content.decode()
    for slug in ["battambang", "phnom-penh", "kampot", "mondul-kiri"]:
        assert cell(html, slug, "HELP") == ("ok", 1, 0), slug


def test_stale_only_and_empty_cells_stand_out_in_words(anonymous, coverage_data):
    html = anonymous.get("/map/coverage/").content.decode()
    # Never verified, or verified longer ago than the review interval: stale.
    assert cell(html, "battambang", "LEGAL") == ("stale", 0, 1)
    assert cell(html, "battambang", "MED") == ("stale", 0, 1)  # a district counts in its province
    row = re.search(r'<tr data-province="battambang">(.*?)</tr>', html, re.S).group(1)
    assert "1 stale" in row  # said in text, not only by colour
    assert "none" in row
    assert cell(html, "kampot", "SHELTER") == ("none", 0, 0)


def test_service_without_service_area_counts_where_it_is_offered(anonymous, make_org, make_service, verified):
    org = make_org("Located Org", area_key="KH:12")
    add_location(org, "KH:17", lat=13.36, lng=103.86)
    make_service(org, "Located service", terms=["VOC.SKILLS"], **verified(2))
    html = anonymous.get("/map/coverage/").content.decode()
    assert cell(html, "siemreap", "VOC") == ("ok", 1, 0)
    assert cell(html, "phnom-penh", "VOC") == ("none", 0, 0)


def test_csv_has_an_hxl_hashtag_row_and_the_same_counts(anonymous, coverage_data):
    response = anonymous.get("/map/coverage.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, hxl, data = rows[0], rows[1], rows[2:]
    assert header[:4] == ["Country", "Country code", "Province", "Province code"]
    assert hxl[:6] == [
        "#country+name",
        "#country+code",
        "#adm1+name",
        "#adm1+code",
        "#sector+code",
        "#sector+name",
    ]
    assert "#indicator+num+services+verified" in hxl and "#indicator+num+services+stale" in hxl
    by_key = {(r[3], r[4]): dict(zip(hxl, r, strict=True)) for r in data}
    families = TaxonomyTerm.objects.filter(parent__isnull=True).count()
    assert len([r for r in data if r[3].startswith("KH")]) == 25 * families
    shelter = by_key[("KH02", "SHELTER")]
    assert shelter["#adm1+name"] == "Battambang"
    assert shelter["#indicator+num+services+verified"] == "2"
    assert by_key[("KH02", "LEGAL")]["#status+coverage"] == "stale only"
    assert by_key[("KH23", "SHELTER")]["#status+coverage"] == "none"
    assert by_key[("KH23", "HELP")]["#indicator+num+services+verified"] == "1"


def test_province_page_lists_what_exists_and_what_is_missing(anonymous, coverage_data):
    response = anonymous.get("/map/coverage/battambang/")
    assert response.status_code == 200
    html = response.content.decode()
    missing = re.search(r'data-testid="missing">(.*?)</ul>', html, re.S).group(1)
    missing_codes = set(re.findall(r'data-code="(\w+)"', missing))
    assert "LANG" in missing_codes and "CONSULAR" in missing_codes
    assert not {"SHELTER", "HELP", "LEGAL", "MED"} & missing_codes
    stale = re.search(r'data-testid="stale-only">(.*?)</ul>', html, re.S).group(1)
    assert set(re.findall(r'data-code="(\w+)"', stale)) == {"LEGAL", "MED"}
    shelter_block = re.search(r'id="family-SHELTER"(.*?)</section>', html, re.S).group(1)
    assert "Verified shelter" in shelter_block and "Last verified 3 days ago" in shelter_block
    assert "Closed shelter" not in html
    hotline = re.search(r'id="family-HELP"(.*?)</section>', html, re.S).group(1)
    assert "National hotline" in hotline and "nationwide" in hotline
    assert "Overdue for review" in re.search(r'id="family-MED"(.*?)</section>', html, re.S).group(1)
    assert 'href="/map/coverage/battambang/pack/"' in html


def test_destination_countries_get_consular_and_return_coverage(anonymous, make_org, make_service, verified):
    embassy = make_org("Royal Embassy in Bangkok", country="TH", area_key="TH", org_type="diplomatic_mission")
    make_service(embassy, "Consular protection", terms=["CONSULAR.PROTECT"], areas=["TH"], **verified(2))
    kl = make_org("KL Return Desk", country="MY", area_key="MY")
    make_service(kl, "Old repatriation desk", terms=["RETURN.AVR"], areas=["MY"])
    html = anonymous.get("/map/coverage/").content.decode()
    table = re.search(r'data-testid="country-table">(.*?)</table>', html, re.S).group(1)
    thailand = re.search(r'<tr data-country="th">(.*?)</tr>', table, re.S).group(1)
    assert re.findall(r'data-state="(\w+)"', thailand) == ["ok", "none"]  # consular, return
    malaysia = re.search(r'<tr data-country="my">(.*?)</tr>', table, re.S).group(1)
    assert re.findall(r'data-state="(\w+)"', malaysia) == ["none", "stale"]
    assert 'data-country="kh"' not in table
    page = anonymous.get("/map/coverage/th/").content.decode()
    assert "Consular protection" in page
    assert set(
        re.findall(r'data-code="(\w+)"', re.search(r'data-testid="missing">(.*?)</ul>', page, re.S).group(1))
    ) == {"RETURN"}
    assert anonymous.get("/map/coverage/th/pack/").status_code == 404  # packs are per province


@pytest.mark.parametrize("slug", ["nowhere", "kh", "battambang-battambang"])
def test_unknown_or_unsupported_areas_are_not_found(anonymous, slug):
    assert Area.objects.filter(slug="battambang-battambang").exists()
    assert anonymous.get(f"/map/coverage/{slug}/").status_code == 404


def test_a_long_family_list_is_cut_with_a_link_to_the_rest(anonymous, make_org, make_service, verified):
    org = make_org("Many Legal Services", area_key="KH:02")
    for n in range(27):
        make_service(org, f"Legal desk {n:02d}", terms=["LEGAL.ADVICE"], areas=["KH:02"], **verified(n))
    html = anonymous.get("/map/coverage/battambang/").content.decode()
    block = re.search(r'id="family-LEGAL"(.*?)</section>', html, re.S).group(1)
    assert block.count('data-testid="coverage-service"') == 25
    assert "Legal desk 00" in block and "Legal desk 26" not in block  # most recently verified first
    assert 'href="/directory/?province=battambang&amp;type=LEGAL"' in block
    assert "and 2 more in the directory" in block
