"""CSV and RIS importers: what editors see in a dry run (errors naming row, field and fix) and
the records the apply step receives."""

import datetime
import io

import pytest

from library.importers import parse_csv, parse_file, parse_ris, write_csv
from library.importers.base import max_year
from library.models.choices import DocumentType
from library.vocabulary import DOCUMENT_TYPES, RIS_TYPES, document_type_code

HEADER = "title,doc_type,issuer,year,countries,language,topics,notes\n"
# Rows in the shape of the domain brief's library-records.csv (same columns, quoting and values).
ROWS = (
    "Prakas No. 250 on Inspection of Private Recruitment Agencies,prakas,Ministry of Labour and "
    'Vocational Training,2013,KH,km,recruitment;labour-migration;legal-framework,"Implements '
    "Sub-Decree 190. Also cited as 'Regulation #250'.\"\n"
    '"Prevention of All Forms of Trafficking in Persons, Phase III: Final Evaluation",evaluation,'
    "IOM Cambodia; Ministry of Women's Affairs,2009,KH;VN;MY,en,prevention;counter-trafficking,"
    '"Footnotes name interviewees: redact before public full text."\n'
    "Labour Law of Cambodia,law,Royal Government of Cambodia,,KH,km,labour-migration;legal-framework,"
    '"No date given in the source."\n'
    "IOM Migration Governance Framework (MiGOF),policy,IOM,,,en,coordination,\n"
    "ច្បាប់ស្តីពីការបង្ក្រាបការជួញដូរមនុស្ស,law,Royal Government of Cambodia,2008,KH,km;en,"
    "counter-trafficking,\n"
)


def csv_file(text, binary=True):
    return io.BytesIO(text.encode("utf-8")) if binary else io.StringIO(text)


def messages(report):
    return [str(error) for error in report.errors]


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_with_the_brief_columns_gives_clean_records():
    report = parse_csv(csv_file(HEADER + ROWS))
    assert report.errors == []
    assert report.ok and report.rows == 5
    prakas, evaluation, law, policy, khmer = report.records
    assert prakas["title"] == "Prakas No. 250 on Inspection of Private Recruitment Agencies"
    assert prakas["document_type"] == "prakas"
    assert prakas["year"] == 2013
    assert prakas["topics"] == ["recruitment", "labour-migration", "legal-framework"]
    assert prakas["notes"].startswith("Implements Sub-Decree 190")
    assert (
        evaluation["title"]
        == "Prevention of All Forms of Trafficking in Persons, Phase III: Final Evaluation"
    )
    assert evaluation["issuers"] == ["IOM Cambodia", "Ministry of Women's Affairs"]
    assert evaluation["countries"] == ["KH", "VN", "MY"]
    assert law["year"] is None  # unknown year stays unknown
    assert policy["countries"] == []
    assert khmer["title"] == "ច្បាប់ស្តីពីការបង្ក្រាបការជួញដូរមនុស្ស"
    assert khmer["languages"] == ["km", "en"]
    assert evaluation["source"] == "CSV row 3"


def test_csv_round_trip_keeps_every_value():
    first = parse_csv(csv_file(HEADER + ROWS))
    out = io.StringIO()
    write_csv(first.records, out)
    assert out.getvalue().splitlines()[0] == HEADER.strip()
    second = parse_csv(io.StringIO(out.getvalue()))
    assert second.errors == []
    assert second.records == first.records


def test_csv_extra_columns_round_trip():
    text = (
        "title,doc_type,year,date,authors,alternative_titles,abstract,url\n"
        'Return SOP,sop,2016,2016-05-02,"Sok, Dara;Chan, Sophea",MRC SOP,Steps for returnees,https://example.org/sop\n'
    )
    first = parse_csv(csv_file(text))
    assert first.errors == []
    record = first.records[0]
    assert record["date"] == datetime.date(2016, 5, 2)
    assert record["authors"] == ["Sok, Dara", "Chan, Sophea"]
    out = io.StringIO()
    write_csv(first.records, out)
    assert parse_csv(io.StringIO(out.getvalue())).records == first.records


def test_unknown_document_type_is_an_error_naming_the_allowed_ones():
    report = parse_csv(csv_file(HEADER + ROWS + "Leaflet,brochureware,IOM,2010,KH,en,,\n"))
    assert not report.ok
    [error] = report.errors
    assert (error.row, error.field) == (7, "doc_type")
    assert "Unknown document type 'brochureware'" in error.message
    for code in ("report", "sub_decree", "prakas", "mou", "training_curriculum"):
        assert code in error.message
    assert len(report.records) == 5  # the dry run still shows what the good rows would create


def test_labels_and_aliases_are_accepted_as_document_types():
    report = parse_csv(
        csv_file(HEADER + "A,Sub-decree,,,,,,\nB,Standard operating procedure,,,,,,\nC,MoU,,,,,,\n")
    )
    assert [r["document_type"] for r in report.records] == ["sub_decree", "sop", "mou"]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1850", "1850 is not a possible year"),
        (str(max_year() + 1), "is not a possible year"),
        ("20O3", "'20O3' is not a year"),
        ("2003-2004", "is not a year"),
        ("0", "0 is not a possible year"),
    ],
)
def test_impossible_years_are_errors(year, message):
    report = parse_csv(csv_file(HEADER + f"A study,study,ILO,{year},TH,en,,\n"))
    assert report.records == []
    [error] = report.errors
    assert (error.row, error.field) == (2, "year")
    assert message in error.message


def test_possible_years_pass_including_next_year_and_spreadsheet_floats():
    report = parse_csv(
        csv_file(HEADER + f"A,study,,1900,,,,\nB,study,,{max_year()},,,,\nC,study,,2003.0,,,,\n")
    )
    assert report.errors == []
    assert [r["year"] for r in report.records] == [1900, max_year(), 2003]


def test_row_errors_name_row_field_and_fix():
    text = HEADER + (
        ",report,,2001,KH,en,,\n"  # no title
        "A report,report,,2001,XX,en,,\n"  # unknown country
        "A report,report,,2001,KH,zz,,\n"  # unknown language
        f"{'T' * 300},report,,2001,KH,en,,\n"  # title too long for a page
        "A report,,,2001,KH,en,,\n"  # no type
    )
    report = parse_csv(csv_file(text))
    assert report.records == []
    assert messages(report) == [
        "Row 2, title: A title is required.",
        "Row 3, countries: 'XX' is not a country: use ISO 3166 two-letter codes such as KH, TH, VN.",
        "Row 4, language: 'zz' is not a language: use ISO 639 codes such as en, km, th, vi, or 'und' "
        "when unknown.",
        "Row 5, title: The title is 300 characters long; the limit is 255.",
        "Row 6, doc_type: A document type is required.",
    ]


def test_unknown_column_and_missing_title_column_stop_the_import():
    report = parse_csv(csv_file("name,doc_type,colour\nA,report,blue\n"))
    assert report.records == []
    assert any(e.field == "colour" and "Unknown column" in e.message for e in report.errors)
    assert any("no 'title' column" in e.message for e in report.errors)


def test_row_with_more_cells_than_columns_is_an_error():
    report = parse_csv(csv_file(HEADER + "A, B and C,report,IOM,2001,KH,en,,,extra\n"))
    assert report.records == []
    assert "comma missing its quotes" in report.errors[0].message


def test_non_utf8_csv_is_refused_with_advice():
    data = (HEADER + "Évaluation,report,,2001,KH,fr,,\n").encode("cp1252")
    report = parse_csv(io.BytesIO(data))
    assert report.records == []
    assert "not UTF-8 (first bad byte on line 2)" in report.errors[0].message
    assert "CSV UTF-8" in report.errors[0].message


def test_excel_bom_and_utf16_csv_are_read():
    text = HEADER + ROWS
    assert parse_csv(io.BytesIO(b"\xef\xbb\xbf" + text.encode())).ok
    assert len(parse_csv(io.BytesIO(text.encode("utf-16"))).records) == 5


def test_empty_csv_and_header_only_csv_are_errors():
    assert "empty" in parse_csv(csv_file("")).errors[0].message
    assert "no rows" in parse_csv(csv_file(HEADER)).errors[0].message


def test_duplicate_rows_are_warned_about():
    row = "Same report,report,IOM,2001,KH,en,,\n"
    report = parse_csv(csv_file(HEADER + row + row))
    assert report.ok
    assert str(report.warnings[0]) == "Row 3, title: Same title, type and year as row 2."


# -- RIS ----------------------------------------------------------------------------------------

GOOD_RIS = """TY  - RPRT
TI  - Evaluation: Case Management Support Project (CMSP)
T1  - CMSP evaluation
AU  - Smith, Jane
AU  - Sok, Dara
PY  - 2019/05/15/
AB  - External evaluation of case management
for repatriated survivors.
KW  - case management
KW  - Hotline
LA  - English
PB  - Ratanak International
CY  - Phnom Penh
UR  - https://example.org/cmsp.pdf
N1  - Annex 1 prints phone numbers: never publish it.
ER  -
"""


def test_ris_record_fields_are_mapped():
    report = parse_ris(io.BytesIO(GOOD_RIS.encode()))
    assert report.errors == []
    [record] = report.records
    assert record["title"] == "Evaluation: Case Management Support Project (CMSP)"
    assert record["alternative_titles"] == ["CMSP evaluation"]
    assert record["document_type"] == "report"
    assert record["authors"] == ["Smith, Jane", "Sok, Dara"]
    assert record["year"] == 2019
    assert record["date"] == datetime.date(2019, 5, 15)
    assert record["abstract"] == "External evaluation of case management for repatriated survivors."
    assert record["topics"] == ["case-management", "hotline"]
    assert record["languages"] == ["en"]
    assert record["issuer_name"] == "Ratanak International"
    assert record["place"] == "Phnom Penh"
    assert record["url"] == "https://example.org/cmsp.pdf"
    assert record["notes"].startswith("Annex 1")


@pytest.mark.parametrize(
    ("ty", "expected"),
    [
        ("RPRT", "report"),
        ("GOVDOC", "report"),
        ("BILL", "law"),
        ("STAT", "law"),
        ("JOUR", "study"),
        ("BOOK", "study"),
        ("DATA", "dataset"),
        ("VIDEO", "media"),
        ("GEN", "other"),
    ],
)
def test_ris_types_map_to_the_vocabulary(ty, expected):
    report = parse_ris(io.StringIO(f"TY  - {ty}\nTI  - Item\nER  - \n"))
    assert report.records[0]["document_type"] == expected
    assert report.warnings == []


def test_ris_bill_is_a_draft_law_and_m3_overrides_the_type():
    text = "TY  - BILL\nTI  - Draft law\nER  - \nTY  - RPRT\nTI  - Prakas 250\nM3  - Prakas\nER  - \n"
    draft, prakas = parse_ris(io.StringIO(text)).records
    assert (draft["document_type"], draft["legal_status"]) == ("law", "draft")
    assert prakas["document_type"] == "prakas"


def test_unknown_ris_type_becomes_other_with_a_warning():
    report = parse_ris(io.StringIO("TY  - WEIRD\nTI  - Item\nER  - \n"))
    assert report.records[0]["document_type"] == "other"
    assert "Unknown RIS type 'WEIRD'" in report.warnings[0].message


def test_broken_ris_records_are_reported_by_line_and_good_ones_kept():
    text = (
        "TY  - RPRT\nTI  - Good one\nPY  - 2003\nER  - \n"  # lines 1-4
        "TY  - JOUR\nTI  - Never closed\n"  # lines 5-6: no ER before the next TY
        "TY  - RPRT\nTI  - Second good one\nER  - \n"  # lines 7-9
        "%%% garbage from a bad copy %%%\n"  # line 10, outside any record
        "TI  - Record without a type\nER  - \n"  # lines 11-12
        "TY  - RPRT\nTI  - Bad year\nPY  - 1066\nER  - \n"  # lines 13-16
        "TY  - RPRT\nTI  - Cut off at the end\n"  # lines 17-18
    )
    report = parse_ris(io.StringIO(text))
    assert [r["title"] for r in report.records] == ["Good one", "Second good one"]
    assert report.rows == 6
    assert messages(report) == [
        "Line 5, ER: The record starting on line 5 has no 'ER  -' line before the next record on line 7.",
        "Line 10: Not a RIS line (outside any record): '%%% garbage from a bad copy %%%'.",
        "Line 11, TY: The record starting on line 11 does not begin with 'TY  -'.",
        "Line 15, PY: 1066 is not a possible year: use a year from 1900 to " + f"{max_year()}.",
        "Line 17, ER: The record starting on line 17 is not closed with 'ER  -' (the file ends first).",
    ]


def test_garbage_inside_a_record_is_reported():
    report = parse_ris(io.StringIO("TY  - RPRT\nTI  - Item\nPY  - 2001\n@@@@\nER  - \n"))
    assert report.records == []
    assert str(report.errors[0]) == "Line 4: Not a RIS line: '@@@@'."


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\xff\xfe garbage \x89PNG",
        b"TY  - \nER  - \n",
        b"ER  - \n" * 3,
        b"TY  - RPRT\n" * 50,
    ],
)
def test_ris_never_crashes_on_junk(data):
    report = parse_ris(io.BytesIO(data))
    assert report.errors
    assert not report.ok


def test_ris_khmer_title_with_bom_and_doi_fallback():
    text = "\ufeffTY  - GOVDOC\nTI  - ច្បាប់ស្តីពីការងារ\nLA  - km\nDO  - 10.1234/abc\nER  - \n"
    [record] = parse_ris(io.BytesIO(text.encode("utf-8"))).records
    assert record["title"] == "ច្បាប់ស្តីពីការងារ"
    assert record["languages"] == ["km"]
    assert record["url"] == "https://doi.org/10.1234/abc"


def test_parse_file_picks_the_format_from_the_name():
    assert parse_file(io.StringIO(GOOD_RIS), "export.ris").records[0]["document_type"] == "report"
    assert parse_file(csv_file(HEADER + ROWS), "records.csv").rows == 5
    assert "Unknown file format" in parse_file(io.StringIO(""), "records.xlsx").errors[0].message


# -- vocabulary ---------------------------------------------------------------------------------


def test_vocabulary_matches_the_model_choices():
    assert list(DOCUMENT_TYPES) == list(DocumentType.values)
    assert set(RIS_TYPES.values()) <= set(DOCUMENT_TYPES)
    assert document_type_code("Training Curriculum") == "training_curriculum"
    assert document_type_code("nonsense") is None


# -- apply: dry run, all or nothing, management command ------------------------------------------

from django.core.management import CommandError, call_command  # noqa: E402

from library.importers.apply import import_records  # noqa: E402
from library.models import LibraryDocumentPage  # noqa: E402


def children(parent):
    return LibraryDocumentPage.objects.child_of(parent)


@pytest.mark.django_db
def test_dry_run_reports_what_would_be_created_and_writes_nothing(library):
    records = parse_csv(csv_file(HEADER + ROWS)).records
    result = import_records(records, library, dry_run=True)
    assert result.ok and result.dry_run
    assert [item["title"] for item in result.created][:3] == [
        "Prakas No. 250 on Inspection of Private Recruitment Agencies",
        "Prevention of All Forms of Trafficking in Persons, Phase III: Final Evaluation",
        "Labour Law of Cambodia",
    ]
    assert children(library).count() == 0


@pytest.mark.django_db
def test_commit_creates_draft_items_with_their_metadata(library):
    records = parse_csv(csv_file(HEADER + ROWS)).records
    result = import_records(records, library, dry_run=False)
    assert result.ok and len(result.created) == 5
    pages = {p.title: p for p in children(library)}
    assert len(pages) == 5
    evaluation = pages["Prevention of All Forms of Trafficking in Persons, Phase III: Final Evaluation"]
    assert not evaluation.live  # drafts for an editor to review
    assert evaluation.document_type == "evaluation" and evaluation.year == 2009
    assert sorted(evaluation.countries.values_list("key", flat=True)) == ["KH", "MY", "VN"]
    assert list(evaluation.languages.values_list("code", flat=True)) == ["en"]
    assert sorted(evaluation.topics.names()) == ["counter trafficking", "prevention"]
    assert "redact before public full text" in evaluation.editor_notes
    assert evaluation.latest_revision is not None
    khmer = pages["ច្បាប់ស្តីពីការបង្ក្រាបការជួញដូរមនុស្ស"]
    assert khmer.slug  # a Unicode slug, not an empty one


@pytest.mark.django_db
def test_one_bad_record_means_nothing_is_imported(library):
    records = parse_csv(csv_file(HEADER + ROWS + "Rapport,report,,2001,KH,fr,,\n")).records
    assert len(records) == 6  # French is a valid ISO code, but not a portal language
    result = import_records(records, library, dry_run=False)
    assert not result.ok
    assert result.created == []
    [error] = result.errors
    assert (error.row, error.field) == (7, "language")
    assert "'fr' is not one of the portal's languages" in error.message
    assert children(library).count() == 0


@pytest.mark.django_db
def test_importing_the_same_file_twice_creates_nothing_the_second_time(library):
    records = parse_csv(csv_file(HEADER + ROWS)).records
    assert import_records(records, library, dry_run=False).ok
    again = import_records(records, library, dry_run=False)
    assert len(again.errors) == 5
    assert "already has this item" in again.errors[0].message
    assert children(library).count() == 5


@pytest.mark.django_db
def test_import_library_command_dry_run_then_commit(library, tmp_path, capsys):
    path = tmp_path / "records.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    call_command("import_library", str(path))
    assert "Dry run: 5 item(s) would be created; nothing was written." in capsys.readouterr().out
    assert children(library).count() == 0
    call_command("import_library", str(path), "--commit", "--publish")
    assert "Imported 5 published item(s)" in capsys.readouterr().out
    assert children(library).live().count() == 5


@pytest.mark.django_db
def test_import_library_command_prints_row_errors_and_imports_nothing(library, tmp_path, capsys):
    path = tmp_path / "export.ris"
    path.write_text(GOOD_RIS + "TY  - RPRT\nTI  - Bad\nPY  - 3000\nER  - \n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported: 1 error"):
        call_command("import_library", str(path), "--commit")
    assert "Error: Line 19, PY: 3000 is not a possible year" in capsys.readouterr().err
    assert children(library).count() == 0
