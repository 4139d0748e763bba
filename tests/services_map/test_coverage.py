"""Coverage: province x service-family counts, gaps, the CSV with HXL, province and country pages."""

import csv
import io
import re

import pytest

from directory.models import Area, TaxonomyTerm

from .conftest import add_location

pytestmark = pytest.mark.django_db


def family_codes():
    return list(
        TaxonomyTerm.objects.filter(parent__isnull=True).order_by("pk").values_list("code", flat=True)
    )


def cell(html, province_slug, family_code):
    """(state, verified, not verified) of one cell of the province table."""
    state, verified, stale, _based, _reaching = cell_detail(html, province_slug, family_code)
    return state, verified, stale


def cell_detail(html, province_slug, family_code):
    """(state, verified, not verified, verified based here, verified reaching) of one cell."""
    row = re.search(rf'<tr data-province="{province_slug}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(
        r'<td class="cell (\w+)" data-state="\w+" data-verified="(\d+)" data-stale="(\d+)" '
        r'data-based="(\d+)" data-reaching="(\d+)">',
        row,
    )
    state, *counts = cells[family_codes().index(family_code)]
    return (state, *map(int, counts))


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


def test_a_nationwide_service_reaches_every_province_and_is_based_only_at_its_office(
    anonymous, coverage_data
):
    html = anonymous.get("/map/coverage/").content.decode()
    # Its organization's office is in Phnom Penh: based there, reaching everywhere else.
    assert cell_detail(html, "phnom-penh", "HELP") == ("ok", 1, 0, 1, 0)
    for slug in ["battambang", "kampot", "mondul-kiri"]:
        assert cell_detail(html, slug, "HELP") == ("reached", 1, 0, 0, 1), slug
    row = re.search(r'<tr data-province="kampot">(.*?)</tr>', html, re.S).group(1)
    assert "1 reaches here" in row  # in words


def test_based_and_reaching_are_counted_apart(anonymous, make_org, make_service, verified):
    kampot = make_org("Kampot Legal Office", area_key="KH:07")
    add_location(kampot, "KH:07", lat=10.61, lng=104.18)
    # Based in Kampot, with outreach to Kep and Takeo (a multi-province service area).
    make_service(
        kampot, "Legal outreach", terms=["LEGAL.ADVICE"], areas=["KH:07", "KH:23", "KH:21"], **verified(2)
    )
    make_service(kampot, "Unverified legal desk", terms=["LEGAL.REP"], areas=["KH:07"])
    html = anonymous.get("/map/coverage/").content.decode()
    assert cell_detail(html, "kampot", "LEGAL") == ("ok", 1, 1, 1, 0)
    assert cell_detail(html, "kep", "LEGAL") == ("reached", 1, 0, 0, 1)
    assert cell_detail(html, "takeo", "LEGAL") == ("reached", 1, 0, 0, 1)
    assert cell_detail(html, "battambang", "LEGAL")[0] == "none"
    page = anonymous.get("/map/coverage/kep/").content.decode()
    legal = re.search(r'id="family-LEGAL"(.*?)</section>', page, re.S).group(1)
    assert "Legal outreach" in legal and 'data-testid="reaches-here"' in legal
    assert "0 based here, 1 reaching from elsewhere" in legal
    reached = re.search(r'data-testid="reached-only">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'data-code="(\w+)"', reached) == ["LEGAL"]
    home = anonymous.get("/map/coverage/kampot/").content.decode()
    legal = re.search(r'id="family-LEGAL"(.*?)</section>', home, re.S).group(1)
    assert 'data-testid="based-here"' in legal and "2 based here, 0 reaching from elsewhere" in legal


def test_no_verified_data_at_all_is_said_in_words(anonymous, make_org, make_service):
    org = make_org("Unchecked Org", area_key="KH:02")
    make_service(org, "Unchecked shelter", terms=["SHELTER.SHORT"], areas=["KH:02"])
    html = anonymous.get("/map/coverage/").content.decode()
    assert 'data-testid="no-verified-data"' in html
    assert "No service in this table has been verified yet." in html
    page = anonymous.get("/map/coverage/battambang/").content.decode()
    assert "No service in Battambang has been verified yet." in page


def test_verified_data_removes_the_warning(anonymous, coverage_data):
    assert 'data-testid="no-verified-data"' not in anonymous.get("/map/coverage/").content.decode()


def test_stale_only_and_empty_cells_stand_out_in_words(anonymous, coverage_data):
    html = anonymous.get("/map/coverage/").content.decode()
    # Never verified, or verified longer ago than the review interval: stale.
    assert cell(html, "battambang", "LEGAL") == ("stale", 0, 1)
    assert cell(html, "battambang", "MED") == ("stale", 0, 1)  # a district counts in its province
    row = re.search(r'<tr data-province="battambang">(.*?)</tr>', html, re.S).group(1)
    assert "1 not verified" in row  # said in text, not only by colour
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
    assert hxl[6:] == [
        "#indicator+num+services+based+verified",
        "#indicator+num+services+based+unverified",
        "#indicator+num+services+reaching+verified",
        "#indicator+num+services+reaching+unverified",
        "#status+coverage",
    ]
    assert header[6] == "Verified services based here"
    by_key = {(r[3], r[4]): dict(zip(hxl, r, strict=True)) for r in data}
    families = TaxonomyTerm.objects.filter(parent__isnull=True).count()
    assert len([r for r in data if r[3].startswith("KH")]) == 25 * families
    shelter = by_key[("KH02", "SHELTER")]
    assert shelter["#adm1+name"] == "Battambang"
    assert shelter["#indicator+num+services+based+verified"] == "2"
    assert shelter["#indicator+num+services+reaching+verified"] == "0"
    assert by_key[("KH02", "LEGAL")]["#status+coverage"] == "not verified"
    assert by_key[("KH02", "LEGAL")]["#indicator+num+services+based+unverified"] == "1"
    assert by_key[("KH23", "SHELTER")]["#status+coverage"] == "none"
    # The national hotline reaches Kep (KH23) but is based only in Phnom Penh (KH12).
    kep_hotline = by_key[("KH23", "HELP")]
    assert kep_hotline["#indicator+num+services+based+verified"] == "0"
    assert kep_hotline["#indicator+num+services+reaching+verified"] == "1"
    assert kep_hotline["#status+coverage"] == "reached from elsewhere only"
    assert by_key[("KH12", "HELP")]["#indicator+num+services+based+verified"] == "1"


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
