"""A province's or country's coverage page reads only the services that may be based in or
reach it (its stored coverage rows, services_map.models.CoverageRow); what it reports must be exactly what the whole
computation reports for that area, for every way a service comes to count there."""

import pytest

from directory.models import Area, ServiceAtLocation, TaxonomyTerm
from services_map.coverage import Coverage

from .conftest import add_location


def report_of(coverage, area, codes):
    return [
        (
            family.code,
            cell.based_verified,
            cell.based_stale,
            cell.reaching_verified,
            cell.reaching_stale,
            [(item.pk, item.pk in item.based, item.freshness) for item in items],
        )
        for family, cell, items in coverage.area_report(area, codes)
    ]


@pytest.fixture
def many_ways(make_org, make_service, verified):
    """Services that count in Battambang (KH:02) or Thailand by each rule, and some that do not."""
    # Based through the organization's location in a district of Battambang, serving Phnom Penh.
    located = make_org("Located in a Battambang district", area_key="KH:12")
    add_location(located, "KH:0203" if Area.objects.filter(key="KH:0203").exists() else "KH:02")
    make_service(
        located, "Based by its organization's place", terms=["LEGAL.ADVICE"], areas=["KH:12"], **verified(2)
    )
    # Offered at one location of two: only that one says where it is based.
    two_places = make_org("Two places", area_key="KH:12")
    capital = add_location(two_places, "KH:12")
    add_location(two_places, "KH:02")
    offered = make_service(two_places, "Offered in the capital only", terms=["MED.CHECK"], areas=["KH:12"])
    ServiceAtLocation.objects.create(service=offered, location=capital)
    # No location at all: based where its organization is filed.
    unplaced = make_org("Filed under Battambang", area_key="KH:02")
    make_service(unplaced, "Unplaced service", terms=["SHELTER.SHORT"], **verified(30))
    # Reaches Battambang: a service area inside it, a whole-country hotline, a commune-less district.
    elsewhere = make_org("Elsewhere", area_key="KH:12")
    make_service(elsewhere, "Reaches Battambang", terms=["REINT"], areas=["KH:02"], **verified(1))
    make_service(elsewhere, "National line", terms=["HELP.TIP"], areas=["KH"], **verified(400))
    make_service(elsewhere, "Capital only", terms=["LEGAL.REP"], areas=["KH:12"], **verified(1))
    # Abroad: a consular service in Thailand and an organization filed only under Thailand.
    thai = make_org("Thai office", country="TH", area_key=None)
    make_service(thai, "Consular help", terms=["CONSULAR"], areas=["TH"], **verified(3))
    make_service(thai, "Return help", terms=["RETURN"], **verified(3))


@pytest.mark.parametrize("key", ["KH:02", "KH:12", "TH"])
def test_an_area_page_reports_what_the_whole_computation_reports(many_ways, key):
    area = Area.objects.get(key=key)
    codes = list(TaxonomyTerm.objects.filter(parent__isnull=True).values_list("code", flat=True))
    whole = report_of(Coverage(), area, codes)
    shortlisted = report_of(Coverage(area=area), area, codes)
    assert shortlisted == whole
    assert any(items for *_counts, items in whole)  # the area has services to compare
    if key == "KH:02":
        counted = {pk for *_counts, items in whole for pk, _based, _state in items}
        assert len(counted) == 4  # located, unplaced, reaching, national line; not the capital's


def _cell_counts(cell):
    return (cell.based_verified, cell.based_stale, cell.reaching_verified, cell.reaching_stale)


@pytest.mark.parametrize("staff", [False, True])
def test_the_matrix_counts_what_the_listed_services_add_up_to(many_ways, staff):
    """The matrix is counted without building the services (counts_only); every cell must be
    what the full computation counts and what its listed services add up to, by hand."""
    whole = Coverage(staff=staff)
    counted = Coverage(staff=staff, counts_only=True)
    codes = [f.code for f in whole.families]
    assert counted.has_verified == whole.has_verified
    assert counted.destination_countries() == whole.destination_countries()
    assert [c.key for c in counted.destination_countries()] == ["TH"]
    tables = {}
    for coverage in (whole, counted):
        rows = [(p.pk, [_cell_counts(c) for c in cells]) for p, cells in coverage.province_rows()]
        rows += [(a.pk, [_cell_counts(c) for c in cells]) for a, cells in coverage.country_rows()]
        tables[coverage.counts_only] = rows
    assert tables[True] == tables[False]
    by_hand = []
    for area_id, _cells in tables[False]:
        row = []
        for code in codes if area_id != Area.objects.get(key="TH").pk else ["CONSULAR", "RETURN"]:
            items = [i for i in whole.items if area_id in i.areas and code in i.families]
            row.append(
                tuple(
                    sum(1 for i in items if (area_id in i.based) == based and i.is_verified == verified)
                    for based, verified in ((True, True), (True, False), (False, True), (False, False))
                )
            )
        by_hand.append((area_id, row))
    assert tables[False] == by_hand
    assert any(any(counts) for _area, row in by_hand for counts in row)  # not all empty
