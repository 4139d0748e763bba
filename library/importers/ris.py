"""Library records from RIS, what Zotero, EndNote and Mendeley export.

    parse_ris(fileobj) -> ImportReport

A record runs from "TY  - " to "ER  - ". Tags read (others, such as SN, VL, SP, are ignored):
    TY  type, mapped by library.vocabulary.RIS_TYPES (RPRT→report, BILL→law (draft), STAT→law,
        JOUR→study, BOOK→study, GEN→other, …); M3 holding a vocabulary code or label
        ("Prakas", "sub_decree", "SOP") overrides it, so our own exports round-trip
    TI/T1 title (a second one becomes an alternative title), TT/ST alternative titles
    AU/A1 authors    PB issuer    CY place    PY/Y1 year (and date)    DA date
    AB/N2 abstract   KW topics    LA languages   UR url (DO as https://doi.org/… without UR)
    N1  editor notes
Lines that are not "XX  - value" continue the previous AB, N1, N2 or TI value (EndNote wraps
long abstracts); anywhere else they are reported. Broken records (no TY, no ER before the next
TY or the end of the file, garbage lines) are reported with line numbers; the others are still
read, and nothing crashes. Errors name the line; record numbers count TY lines from 1.
"""

import re

from ..vocabulary import RIS_DRAFT_TYPES, RIS_TYPES, document_type_code
from .base import (
    FieldError,
    ImportReport,
    RowError,
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
from .csv_records import read_text


def LineError(line, field, message):  # noqa: N802 - reads like the class it builds
    return RowError(line, field, message, "line")


TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|)$")
CONTINUED = {"AB", "N1", "N2", "TI", "T1"}
MAX_RECORDS = 100_000


class _Raw:
    def __init__(self, start, number):
        self.start = start
        self.number = number
        self.fields = []  # [(tag, value, line)]
        self.errors = []  # RowError
        self.has_ty = False

    def add(self, tag, value, line):
        self.fields.append([tag, value, line])

    def values(self, *tags):
        return [value for tag, value, _line in self.fields if tag in tags and clean(value)]


def _records(text):
    """Yields _Raw records; errors outside any record come as records with no fields."""
    current, number, stray = None, 0, None
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r\n\ufeff")
        if not line.strip():
            continue
        match = TAG_LINE.match(line.lstrip("\ufeff"))
        if not match:
            if current and current.fields and current.fields[-1][0] in CONTINUED:
                current.fields[-1][1] += " " + line.strip()
            elif current:
                current.errors.append(LineError(line_number, "", f"Not a RIS line: '{line.strip()[:60]}'."))
            else:
                stray = stray or _Raw(line_number, 0)
                stray.errors.append(
                    LineError(line_number, "", f"Not a RIS line (outside any record): '{line.strip()[:60]}'.")
                )
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if current:
                current.errors.append(
                    LineError(
                        current.start,
                        "ER",
                        f"The record starting on line {current.start} has no 'ER  -' line "
                        f"before the next record on line {line_number}.",
                    )
                )
                yield current
            number += 1
            current = _Raw(line_number, number)
            current.has_ty = True
            current.add(tag, value, line_number)
        elif tag == "ER":
            if current is None:
                stray = stray or _Raw(line_number, 0)
                stray.errors.append(LineError(line_number, "ER", "'ER  -' without a record before it."))
                continue
            yield current
            current = None
        else:
            if current is None:
                number += 1
                current = _Raw(line_number, number)
                current.errors.append(
                    LineError(
                        line_number,
                        "TY",
                        f"The record starting on line {line_number} does not begin with 'TY  -'.",
                    )
                )
            current.add(tag, value, line_number)
    if current:
        current.errors.append(
            LineError(
                current.start,
                "ER",
                f"The record starting on line {current.start} is not closed with 'ER  -' "
                "(the file ends first).",
            )
        )
        yield current
    if stray:
        yield stray


def _document_type(raw, record):
    ty_values = raw.values("TY")
    ty = ty_values[0].upper() if ty_values else ""
    for m3 in raw.values("M3"):
        code = document_type_code(m3)
        if code:
            return code, []
    warnings = []
    if ty and ty not in RIS_TYPES:
        warnings.append(LineError(raw.start, "TY", f"Unknown RIS type '{ty}'; imported as 'other'."))
    elif raw.has_ty and not ty:
        warnings.append(LineError(raw.start, "TY", "The record gives no type; imported as 'other'."))
    if ty in RIS_DRAFT_TYPES:
        record["legal_status"] = "draft"
    return RIS_TYPES.get(ty, "other"), warnings


def _build(raw):
    record = new_record(f"RIS record {raw.number} (line {raw.start})", raw.start)
    errors = list(raw.errors)

    def check(tag, func):
        try:
            return func()
        except FieldError as exc:
            # Point at the tag's own line (the record's first line when the tag is missing).
            line = next((number for name, _value, number in raw.fields if name == tag), raw.start)
            errors.append(LineError(line, tag, str(exc)))
            return None

    record["document_type"], warnings = _document_type(raw, record)
    titles = split_list("\n".join(raw.values("TI", "T1")), "\n")
    record["title"] = check("TI", lambda: check_plain_text(check_title(titles[0] if titles else ""))) or ""
    record["alternative_titles"] = (
        check(
            "TT", lambda: check_plain_text(split_list("\n".join(titles[1:] + raw.values("TT", "ST")), "\n"))
        )
        or []
    )
    record["authors"] = (
        check("AU", lambda: check_plain_text(split_list("\n".join(raw.values("AU", "A1")), "\n"))) or []
    )
    record["issuers"] = (
        check("PB", lambda: check_plain_text(split_list("\n".join(raw.values("PB")), "\n"))) or []
    )
    record["issuer_name"] = "; ".join(record["issuers"])
    record["place"] = "; ".join(split_list("\n".join(raw.values("CY")), "\n"))

    for value in raw.values("PY", "Y1"):
        # RIS dates: "2008", "2008/02/20", "2008/02/20/other info", "2008///".
        parts = (clean(value).split("/") + ["", ""])[:3]
        year = check("PY", lambda p=parts: check_year(p[0]))
        if year and not record["year"]:
            record["year"] = year
            if parts[1] and parts[2]:
                _y, date = check("PY", lambda p=parts: check_date(f"{p[0]}-{p[1]}-{p[2]}")) or (None, None)
                record["date"] = record["date"] or date
    for value in raw.values("DA"):
        parts = [p for p in clean(value).replace("-", "/").split("/") if p]
        if len(parts) >= 3:
            year, date = check("DA", lambda p=parts: check_date(f"{p[0]}-{p[1]}-{p[2]}")) or (None, None)
        else:
            year, date = check("DA", lambda p=parts: (check_year(p[0]) if p else None, None)) or (None, None)
        if date and record["year"] and date.year != record["year"]:
            errors.append(
                LineError(raw.start, "DA", f"The date is in {date.year} but PY says {record['year']}.")
            )
        record["date"] = record["date"] or date
        record["year"] = record["year"] or year

    record["abstract"] = (
        check("AB", lambda: check_plain_text(clean("\n\n".join(raw.values("AB") or raw.values("N2"))))) or ""
    )
    record["notes"] = clean("\n\n".join(raw.values("N1")))
    record["topics"] = list(
        dict.fromkeys(
            t for t in (topic_slug(k) for value in raw.values("KW") for k in split_list(value, ";")) if t
        )
    )
    languages = [v for value in raw.values("LA") for v in split_list(value, ";,/")]
    record["languages"] = list(
        dict.fromkeys(c for c in (check("LA", lambda v=v: check_language(v)) for v in languages) if c)
    )
    urls = raw.values("UR")
    if urls:
        record["url"] = check("UR", lambda: check_url(urls[0].split()[0])) or ""
    elif raw.values("DO"):
        doi = re.sub(
            r"^(https?://(dx\.)?doi\.org/|doi:)", "", clean(raw.values("DO")[0]), flags=re.IGNORECASE
        )
        record["url"] = f"https://doi.org/{doi}"
    return record, errors, warnings


def parse_ris(fileobj):
    report = ImportReport()
    try:
        text = read_text(fileobj)
    except FieldError as exc:
        report.errors.append(LineError(0, "", str(exc)))
        return report
    for raw in _records(text):
        if raw.number == 0:  # lines outside any record
            report.errors.extend(raw.errors)
            continue
        report.rows += 1
        if report.rows > MAX_RECORDS:
            report.errors.append(
                LineError(raw.start, "", f"Too many records: import at most {MAX_RECORDS:,} at a time.")
            )
            break
        record, errors, warnings = _build(raw)
        report.errors.extend(errors)
        report.warnings.extend(warnings)
        if not errors:
            report.records.append(record)
    if not report.rows and not report.errors:
        report.errors.append(LineError(0, "", "No RIS records found (each record starts with 'TY  - ')."))
    report.errors.sort(key=lambda error: error.row)
    report.warnings.extend(duplicate_warnings(report.records, "line"))
    return report
