"""Library records from CSV: the columns of the domain brief's library-records.csv.

    parse_csv(fileobj) -> ImportReport
    write_csv(records, fileobj)          # the same columns back (round trip)

Columns (header names are case-insensitive; the first is required, the rest optional):
    title           required, at most 255 characters
    doc_type        a document-type code (report, sub_decree, prakas, …) or its English label
    issuer          issuing bodies, several separated by ";"
    year            four digits, 1900 to next year; empty when unknown
    countries       ISO 3166 alpha-2 codes separated by ";" (KH;TH)
    language        ISO 639 codes separated by ";" (km;en), "und" when unknown
    topics          tag slugs separated by ";"
    notes           editor notes (never shown to the public)
and, beyond the brief's file: alternative_titles, authors (";"-separated), date (YYYY-MM-DD),
abstract, url. An unknown column is an error (its data would otherwise be lost silently).
The file must be UTF-8 (with or without BOM) or UTF-16 with a BOM: what spreadsheets save as
"CSV UTF-8" / "Unicode text".
"""

import csv
import io

from ..vocabulary import DOCUMENT_TYPES, document_type_code
from .base import (
    FieldError,
    ImportReport,
    RowError,
    check_country,
    check_date,
    check_language,
    check_plain_text,
    check_title,
    check_url,
    check_year,
    clean,
    duplicate_warnings,
    new_record,
    split_list,
    topic_slug,
)

BRIEF_COLUMNS = ["title", "doc_type", "issuer", "year", "countries", "language", "topics", "notes"]
EXTRA_COLUMNS = ["alternative_titles", "authors", "date", "abstract", "url"]
HEADER_ALIASES = {
    "document_type": "doc_type",
    "type": "doc_type",
    "issuer_name": "issuer",
    "issuers": "issuer",
    "publisher": "issuer",
    "country": "countries",
    "languages": "language",
    "topic": "topics",
    "keywords": "topics",
    "tags": "topics",
    "alternative_title": "alternative_titles",
    "author": "authors",
    "summary": "abstract",
    "link": "url",
}
MAX_ROWS = 100_000


def read_text(fileobj):
    """The file's text, from a text or binary file object; raises FieldError if not Unicode."""
    data = fileobj.read()
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FieldError(
            f"The file is not UTF-8 (first bad byte on line {line}). "
            "Save it as 'CSV UTF-8' and import it again."
        )


def _header(names):
    columns, errors = [], []
    allowed = BRIEF_COLUMNS + EXTRA_COLUMNS
    for name in names:
        key = clean(name).lower().replace(" ", "_").replace("-", "_")
        key = HEADER_ALIASES.get(key, key)
        if key not in allowed:
            errors.append(
                RowError(1, name or "(blank)", f"Unknown column. Known columns: {', '.join(allowed)}.")
            )
        elif key in columns:
            errors.append(RowError(1, name, "This column appears twice."))
        columns.append(key)
    if "title" not in columns:
        errors.append(RowError(1, "title", "The file has no 'title' column."))
    return columns, errors


def _row_record(values, number):
    """(record, errors) for one data row: values is {column: raw string}."""
    record = new_record(f"CSV row {number}", number)
    errors = []

    def check(field, func):
        try:
            return func()
        except FieldError as exc:
            errors.append(RowError(number, field, str(exc)))
            return None

    record["title"] = check("title", lambda: check_plain_text(check_title(values.get("title")))) or ""
    raw_type = clean(values.get("doc_type"))
    code = document_type_code(raw_type) if raw_type else None
    if not raw_type:
        errors.append(RowError(number, "doc_type", "A document type is required."))
    elif code is None:
        errors.append(
            RowError(
                number,
                "doc_type",
                f"Unknown document type '{raw_type}'. Allowed: {', '.join(DOCUMENT_TYPES)}.",
            )
        )
    record["document_type"] = code or ""
    record["issuers"] = split_list(check("issuer", lambda: check_plain_text(clean(values.get("issuer")))))
    record["issuer_name"] = "; ".join(record["issuers"])
    if len(record["issuer_name"]) > 500:
        errors.append(RowError(number, "issuer", "The issuer is longer than 500 characters."))
    record["year"] = check("year", lambda: check_year(values.get("year")))
    date_year, record["date"] = check("date", lambda: check_date(values.get("date"))) or (None, None)
    if date_year and record["year"] and date_year != record["year"]:
        errors.append(
            RowError(number, "date", f"The date is in {date_year} but the year says {record['year']}.")
        )
    record["year"] = record["year"] or date_year
    record["countries"] = [
        c
        for c in (
            check("countries", lambda v=v: check_country(v)) for v in split_list(values.get("countries"))
        )
        if c
    ]
    record["languages"] = list(
        dict.fromkeys(
            code
            for code in (
                check("language", lambda v=v: check_language(v)) for v in split_list(values.get("language"))
            )
            if code
        )
    )
    record["topics"] = list(dict.fromkeys(t for t in map(topic_slug, split_list(values.get("topics"))) if t))
    record["notes"] = clean(values.get("notes"))
    # Checked before splitting: "&lt;" split at ";" would no longer look like an entity.
    record["alternative_titles"] = split_list(
        check("alternative_titles", lambda: check_plain_text(clean(values.get("alternative_titles"))))
    )
    record["authors"] = split_list(check("authors", lambda: check_plain_text(clean(values.get("authors")))))
    record["abstract"] = check("abstract", lambda: check_plain_text(clean(values.get("abstract")))) or ""
    record["url"] = check("url", lambda: check_url(values.get("url"))) or ""
    return record, errors


def parse_csv(fileobj):
    report = ImportReport()
    try:
        text = read_text(fileobj)
    except FieldError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        names = next(reader)
    except StopIteration:
        report.errors.append(RowError(0, "", "The file is empty."))
        return report
    except csv.Error as exc:
        report.errors.append(RowError(1, "", f"The header row cannot be read: {exc}."))
        return report
    columns, header_errors = _header(names)
    if header_errors:
        report.errors.extend(header_errors)
        return report
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.errors.append(RowError(number, "", f"This row cannot be read as CSV: {exc}."))
            break
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.errors.append(
                RowError(number, "", f"Too many rows: import at most {MAX_ROWS:,} at a time.")
            )
            break
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
            report.errors.append(
                RowError(
                    number,
                    "",
                    f"This row has {len(row)} cells but the header has {len(columns)} columns "
                    "(is a comma missing its quotes?).",
                )
            )
            continue
        record, errors = _row_record(dict(zip(columns, row, strict=False)), number)
        report.errors.extend(errors)
        if not errors:
            report.records.append(record)
    if not report.rows and not report.errors:
        report.errors.append(RowError(0, "", "The file has a header but no rows."))
    report.warnings.extend(duplicate_warnings(report.records))
    return report


def write_csv(records, fileobj):
    """Write records with the brief's columns (and the extra ones any record uses)."""
    extras = [column for column in EXTRA_COLUMNS if any(r.get(column) for r in records)]
    writer = csv.writer(fileobj, lineterminator="\n")
    writer.writerow(BRIEF_COLUMNS + extras)
    for r in records:
        row = [
            r["title"],
            r["document_type"],
            r["issuer_name"],
            r["year"] or "",
            ";".join(r["countries"]),
            ";".join(r["languages"]),
            ";".join(r["topics"]),
            r["notes"],
        ]
        for column in extras:
            value = r.get(column)
            if isinstance(value, list):
                value = ";".join(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            row.append(value or "")
        writer.writerow(row)
