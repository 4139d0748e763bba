"""Bulk import of library records from CSV and RIS. Pure parsing: no models, no database.

API::

    from library.importers import parse_csv, parse_ris, parse_file

    report = parse_csv(fileobj)      # or parse_ris(fileobj); text or binary file objects
    report.records   # valid records: plain dicts with the keys of base.RECORD_KEYS
    report.errors    # [RowError(row, field, message)]: any error means import nothing
    report.warnings  # [RowError]: do not block (duplicate rows, unknown RIS type → "other")
    report.rows      # rows/records read
    report.ok        # no errors and at least one record

    parse_file(fileobj, filename="x.ris", format=None)  # picks CSV or RIS by format or name

A record::

    {"title": str, "alternative_titles": [str], "document_type": "report" | "sub_decree" | …,
     "issuer_name": "IOM Cambodia; Ministry of Women's Affairs", "issuers": [str, …],
     "authors": [str], "year": int | None, "date": datetime.date | None,
     "countries": ["KH", "TH"], "languages": ["km", "en"], "topics": ["labour-migration"],
     "abstract": str, "url": str, "notes": str (editors only), "legal_status": "" | "draft",
     "place": str, "source": "CSV row 12" | "RIS record 3 (line 40)", "row": int}

Writing records to the database (dry run, all-or-nothing) is library.importers.apply.
"""

import os

from .base import ImportReport, RowError
from .csv_records import parse_csv, write_csv
from .ris import parse_ris

__all__ = ["ImportReport", "RowError", "parse_csv", "parse_file", "parse_ris", "write_csv"]

FORMATS = {"csv": parse_csv, "ris": parse_ris}


def guess_format(filename):
    extension = os.path.splitext(filename or "")[1].lower().lstrip(".")
    return {"csv": "csv", "ris": "ris", "txt": "ris", "enw": "ris"}.get(extension, "")


def parse_file(fileobj, filename="", format=None):  # noqa: A002 - the CLI option's name
    format = (format or guess_format(filename or getattr(fileobj, "name", ""))).lower()  # noqa: A001
    if format not in FORMATS:
        return ImportReport(errors=[RowError(0, "", "Unknown file format: use a .csv or .ris file.")])
    return FORMATS[format](fileobj)
