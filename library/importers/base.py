"""What every importer returns, and the field checks the CSV and RIS readers share.

A record is a plain dict (see RECORD_KEYS and new_record); an error names the row (CSV: the
spreadsheet row, header = 1; RIS: the line where the record starts, or the offending line),
the field and what is wrong, in words an editor can act on.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

import pycountry
from django.core.exceptions import ValidationError

from directory.validators import validate_plain_text

MIN_YEAR = 1900
TITLE_MAX = 255  # Wagtail's page title
ISSUER_MAX = 500
URL_MAX = 500

RECORD_KEYS = (
    "title",
    "alternative_titles",
    "document_type",
    "issuer_name",
    "issuers",
    "authors",
    "year",
    "date",
    "countries",
    "languages",
    "topics",
    "abstract",
    "url",
    "notes",
    "legal_status",
    "place",
    "source",
    "row",
)


def new_record(source, row):
    """An empty record. Lists are lists, unknown values are "" or None, never missing keys."""
    return {
        "title": "",
        "alternative_titles": [],  # other, translated and short titles
        "document_type": "",  # a code of library.vocabulary.DOCUMENT_TYPES
        "issuer_name": "",  # as printed; several issuers joined with "; "
        "issuers": [],  # the same, one name per item (for linking to directory organizations)
        "authors": [],  # "Family, Given" as given
        "year": None,  # int
        "date": None,  # datetime.date, when the full date is known
        "countries": [],  # ISO 3166-1 alpha-2, upper case
        "languages": [],  # ISO 639-1 (639-3 when there is no 639-1), or "und"/"mul"
        "topics": [],  # tag slugs, lower case
        "abstract": "",
        "url": "",
        "notes": "",  # editor notes (the CSV's notes column, RIS N1); never for the public page
        "legal_status": "",  # "draft" for RIS BILL/UNBILL, else ""
        "place": "",  # place of publication (RIS CY)
        "source": source,  # where the record came from: "CSV row 12", "RIS record 3 (line 40)"
        "row": row,  # the row number (CSV) or first line (RIS) used in error messages
    }


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str
    unit: str = "row"  # "row" (CSV) or "line" (RIS)

    def __str__(self):
        where = f"{self.unit.capitalize()} {self.row}" if self.row else "File"
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class ImportReport:
    records: list = field(default_factory=list)  # valid records only
    errors: list = field(default_factory=list)  # RowError; any error means nothing is imported
    warnings: list = field(default_factory=list)  # RowError that do not block the import
    rows: int = 0  # rows (CSV) or records (RIS) read, valid or not

    @property
    def ok(self):
        return not self.errors and bool(self.records)


class FieldError(ValueError):
    """Raised by the checks below; the importer turns it into a RowError for the row."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")


def clean(value):
    """NFC, no control characters, no surrounding or repeated spaces (newlines kept)."""
    value = unicodedata.normalize("NFC", str(value or ""))
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in value.split("\n")).strip()


def split_list(value, separators=";"):
    parts = re.split(f"[{re.escape(separators)}]", clean(value)) if value else []
    seen, out = set(), []
    for part in (p.strip() for p in parts):
        if part and part.lower() not in seen:
            seen.add(part.lower())
            out.append(part)
    return out


def max_year():
    return datetime.date.today().year + 1


def check_year(value):
    value = clean(value)
    if not value:
        return None
    if re.fullmatch(r"\d{4}\.0", value):  # spreadsheets turn 2003 into 2003.0
        value = value[:4]
    if not re.fullmatch(r"\d{1,4}", value):
        raise FieldError(f"'{value}' is not a year: write four digits, e.g. 2008, or leave it empty.")
    year = int(value)
    if not MIN_YEAR <= year <= max_year():
        raise FieldError(f"{year} is not a possible year: use a year from {MIN_YEAR} to {max_year()}.")
    return year


def check_date(value):
    """ISO dates: 2008-02-20, 2008-02 or 2008; returns (year, date or None)."""
    value = clean(value)
    if not value:
        return None, None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
    if not match:
        raise FieldError(f"'{value}' is not a date: write YYYY-MM-DD (or YYYY-MM, or YYYY).")
    year = check_year(match.group(1))
    month, day = match.group(2), match.group(3)
    if month and not 1 <= int(month) <= 12:
        raise FieldError(f"'{value}' has no month {int(month)}.")
    if not day:
        return year, None
    try:
        return year, datetime.date(year, int(month), int(day))
    except ValueError:
        raise FieldError(f"'{value}' is not a real date.")


def check_title(value):
    title = clean(value).replace("\n", " ")
    if not title:
        raise FieldError("A title is required.")
    if len(title) > TITLE_MAX:
        raise FieldError(f"The title is {len(title)} characters long; the limit is {TITLE_MAX}.")
    return title


def check_plain_text(value):
    """Titles, names and abstracts are plain text (the directory's rule): markup is refused.
    `value` is a string or a list of strings; it is returned unchanged when it passes."""
    for text in [value] if isinstance(value, str) else value:
        try:
            validate_plain_text(text)
        except ValidationError as exc:
            excerpt = text if len(text) <= 60 else text[:57] + "..."
            raise FieldError(f"{exc.messages[0]} Found: {excerpt!r}.")
    return value


def check_country(value):
    code = clean(value)
    if len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code.upper())
    else:
        try:
            country = pycountry.countries.lookup(code)
        except LookupError:
            country = None
    if country is None:
        raise FieldError(f"'{code}' is not a country: use ISO 3166 two-letter codes such as KH, TH, VN.")
    return country.alpha_2


SPECIAL_LANGUAGES = {"und", "mul", "zxx"}


def check_language(value):
    code = clean(value)
    key = (
        code.lower().replace("_", "-").split("-")[0]
        if re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*", code)
        else ""
    )
    if key in SPECIAL_LANGUAGES:
        return key
    language = None
    if len(key) == 2:
        language = pycountry.languages.get(alpha_2=key)
    elif len(key) == 3:
        language = pycountry.languages.get(alpha_3=key) or pycountry.languages.get(bibliographic=key)
    if language is None and code:
        try:
            language = pycountry.languages.lookup(code)
        except LookupError:
            language = None
    if language is None:
        raise FieldError(
            f"'{code}' is not a language: use ISO 639 codes such as en, km, th, vi, or 'und' when unknown."
        )
    return getattr(language, "alpha_2", None) or language.alpha_3


def check_url(value):
    url = clean(value)
    if not url:
        return ""
    if not re.match(r"https?://[^\s/$.?#][^\s]*$", url, re.IGNORECASE):
        raise FieldError(f"'{url[:80]}' is not a web address: it must start with http:// or https://.")
    if len(url) > URL_MAX:
        raise FieldError(f"The web address is {len(url)} characters long; the limit is {URL_MAX}.")
    return url


def topic_slug(value):
    value = clean(value).lower()
    value = re.sub(r"[^\w\s-]", "", value)
    return re.sub(r"[-\s_]+", "-", value).strip("-")


def duplicate_warnings(records, unit="row"):
    """Warnings for records that repeat an earlier one (same title, type and year)."""
    seen, warnings = {}, []
    for record in records:
        key = (record["title"].casefold(), record["document_type"], record["year"])
        if key in seen:
            warnings.append(
                RowError(record["row"], "title", f"Same title, type and year as {unit} {seen[key]}.", unit)
            )
        else:
            seen[key] = record["row"]
    return warnings
