"""The coverage CSV is opened in spreadsheet programs: a cell that would run as a formula there
stays text (the same guard as the access log's CSV, portal.csv_safety)."""

import csv
import io

import pytest

from directory.models import Area
from portal.csv_safety import csv_cell

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_kept_text(start):
    assert (
        csv_cell(f'{start}HYPERLINK("http://evil.example")') == f'\'{start}HYPERLINK("http://evil.example")'
    )


@pytest.mark.parametrize(("value", "cell"), [(None, ""), (3, "3"), ("Battambang", "Battambang"), ("", "")])
def test_ordinary_cells_are_written_as_they_are(value, cell):
    assert csv_cell(value) == cell


def test_an_area_name_starting_like_a_formula_is_text_in_the_coverage_csv(anonymous):
    Area.objects.filter(key="KH:02").update(name_en='=HYPERLINK("http://evil.example","Battambang")')
    response = anonymous.get("/map/coverage.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[2:]
    names = {row[2] for row in rows if row[3] == "KH02"}
    assert names == {'\'=HYPERLINK("http://evil.example","Battambang")'}
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
