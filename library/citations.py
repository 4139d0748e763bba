"""Citations of library items: APA (7th ed.) and Chicago (17th ed., bibliography) strings, and
RIS, BibTeX and CSL-JSON exports that Zotero, EndNote and Mendeley import.

Everything works on a `Citable`, built from a page by `citable(page, url)`, so the formats are
plain functions of metadata and easy to test against expected strings.
"""

import json
import re
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData

from .models.choices import DocumentType

RIS_TYPES = {
    DocumentType.LAW: "STAT",
    DocumentType.SUB_DECREE: "GOVDOC",
    DocumentType.PRAKAS: "GOVDOC",
    DocumentType.POLICY: "GOVDOC",
    DocumentType.ACTION_PLAN: "GOVDOC",
    DocumentType.REPORT: "RPRT",
    DocumentType.STUDY: "RPRT",
    DocumentType.EVALUATION: "RPRT",
    DocumentType.DATASET: "DATA",
    DocumentType.MEDIA: "VIDEO",
}
CSL_TYPES = {
    DocumentType.LAW: "legislation",
    DocumentType.SUB_DECREE: "legislation",
    DocumentType.PRAKAS: "legislation",
    DocumentType.REPORT: "report",
    DocumentType.STUDY: "report",
    DocumentType.EVALUATION: "report",
    DocumentType.DATASET: "dataset",
    DocumentType.MEDIA: "motion_picture",
}
REPORT_TYPES = {DocumentType.REPORT, DocumentType.STUDY, DocumentType.EVALUATION}


@dataclass
class Citable:
    key: str
    title: str
    doc_type: str
    authors: list = field(default_factory=list)  # "Family, Given" strings
    issuers: list = field(default_factory=list)
    year: int | None = None
    date: object = None  # datetime.date
    abstract: str = ""
    url: str = ""
    languages: list = field(default_factory=list)  # ISO 639 codes
    topics: list = field(default_factory=list)
    type_label: str = ""


def citable(page, url):
    return Citable(
        key=f"library-{page.pk}",
        title=page.title,
        doc_type=page.document_type,
        authors=page.author_list,
        issuers=page.issuer_list,
        year=page.year,
        date=page.date,
        abstract=page.abstract,
        url=url,
        languages=[lang.code for lang in page.languages.all()],
        topics=page.topic_names,
        type_label=str(page.get_document_type_display()),
    )


def _split(author):
    """("Family", "Given") from "Family, Given" (or "Given Family")."""
    if "," in author:
        family, given = (part.strip() for part in author.split(",", 1))
    else:
        parts = author.split()
        family, given = parts[-1], " ".join(parts[:-1])
    return family, given


def _initials(given):
    out = []
    for name in given.split():
        pieces = [p for p in name.split("-") if p]
        out.append("-".join(f"{p[0]}." for p in pieces))
    return " ".join(out)


def _join(names, conjunction):
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]}, {conjunction} {names[1]}"
    return ", ".join(names[:-1]) + f", {conjunction} {names[-1]}"


def _end(text):
    """`text` ending with a full stop (SafeString in, SafeString out)."""
    if text.endswith((".", "?", "!")):
        return text
    return format_html("{}.", text) if isinstance(text, SafeData) else text + "."


def _fmt(html, template, *args):
    """`template` ("{}" placeholders) filled with args: escaped through format_html for HTML."""
    return format_html(template, *args) if html else template.format(*args)


def _title(item, html):
    return format_html("<i>{}</i>", item.title) if html else item.title


def _sentence(parts, html):
    """The parts joined by spaces. For HTML each part is escaped unless it is our own markup
    (the italic title), so record text never reaches the page as markup."""
    return format_html_join(" ", "{}", ((part,) for part in parts)) if html else " ".join(parts)


# -- APA 7 --------------------------------------------------------------------------------------
def apa(item, html=False):
    """Author, A. A., & Author, B. B. (Year). <i>Title</i>. Publisher. URL

    With no personal authors the issuing organization is the author and is not repeated as
    publisher (APA 7, 9.7 and 10.4). With html=True the result is a SafeString."""
    if item.authors:
        people = []
        for author in item.authors:
            family, given = _split(author)
            people.append(f"{family}, {_initials(given)}" if given else family)
        author_part = people[0] if len(people) == 1 else ", ".join(people[:-1]) + f", & {people[-1]}"
        publisher = "; ".join(item.issuers)
    else:
        author_part = "; ".join(item.issuers)
        publisher = ""
    year = f"({item.year})" if item.year else "(n.d.)"
    parts = []
    if author_part:
        parts.append(_fmt(html, "{} {}.", _end(author_part), year))
        parts.append(_end(_title(item, html)))
    else:
        parts.append(_fmt(html, "{} {}.", _end(_title(item, html)), year))
    if publisher:
        parts.append(_end(publisher))
    if item.url:
        parts.append(item.url)
    return _sentence(parts, html)


# -- Chicago 17, bibliography -------------------------------------------------------------------
def chicago(item, html=False):
    """Family, Given, and Given Family. <i>Title</i>. Publisher, Year. URL.

    With html=True the result is a SafeString."""
    if item.authors:
        names = []
        for i, author in enumerate(item.authors):
            family, given = _split(author)
            if not given:
                names.append(family)
            else:
                names.append(f"{family}, {given}" if i == 0 else f"{given} {family}")
        author_part = names[0] if len(names) == 1 else _join(names, "and")
        publisher = "; ".join(item.issuers)
    else:
        author_part = "; ".join(item.issuers)
        publisher = ""
    year = str(item.year) if item.year else "n.d."
    parts = []
    if author_part:
        parts.append(_end(author_part))
    parts.append(_end(_title(item, html)))
    parts.append(_end(f"{publisher}, {year}" if publisher else year))
    if item.url:
        parts.append(_end(item.url))
    return _sentence(parts, html)


# -- RIS ----------------------------------------------------------------------------------------
def _ris_line(tag, value):
    value = re.sub(r"[\r\n]+", " ", str(value)).strip()
    return f"{tag}  - {value}" if value else None


def ris(items):
    """RIS records (CRLF line ends, as the format specifies)."""
    lines = []
    for item in items:
        record = [_ris_line("TY", RIS_TYPES.get(item.doc_type, "GEN")), _ris_line("TI", item.title)]
        record += [_ris_line("AU", a) for a in item.authors]
        if item.authors:
            record += [_ris_line("PB", i) for i in item.issuers]
        else:
            record += [_ris_line("A2", i) for i in item.issuers]
            record += [_ris_line("PB", i) for i in item.issuers]
        if item.year:
            record.append(_ris_line("PY", item.year))
        if item.date:
            record.append(_ris_line("DA", item.date.strftime("%Y/%m/%d")))
        record.append(_ris_line("M3", item.type_label))
        record.append(_ris_line("AB", item.abstract))
        record += [_ris_line("KW", t) for t in item.topics]
        record += [_ris_line("LA", lang) for lang in item.languages]
        record.append(_ris_line("UR", item.url))
        record.append(_ris_line("ID", item.key))
        record.append("ER  - ")
        lines += [line for line in record if line is not None]
        lines.append("")
    return "\r\n".join(lines)


# -- BibTeX -------------------------------------------------------------------------------------
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(value):
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in re.sub(r"\s+", " ", str(value)).strip())


def bibtex_key(item):
    if item.authors:
        base = _split(item.authors[0])[0]
    elif item.issuers:
        base = item.issuers[0].split()[0]
    else:
        base = "anon"
    word = next((w for w in re.findall(r"[A-Za-z]+", item.title) if len(w) > 3), "item")
    stem = re.sub(r"[^A-Za-z0-9]", "", base).lower() or "anon"
    return f"{stem}{item.year or 'nd'}{word.lower()}"


def bibtex(items):
    entries, used = [], {}
    for item in items:
        key = bibtex_key(item)
        used[key] = used.get(key, 0) + 1
        if used[key] > 1:
            key += chr(ord("a") + used[key] - 2)
        entry_type = "techreport" if item.doc_type in REPORT_TYPES else "misc"
        fields = [("title", "{" + _tex(item.title) + "}")]
        if item.authors:
            fields.append(("author", " and ".join(_tex(a) for a in item.authors)))
        elif item.issuers:
            fields.append(("author", " and ".join("{" + _tex(i) + "}" for i in item.issuers)))
        if item.issuers:
            fields.append(
                ("institution" if entry_type == "techreport" else "publisher", _tex("; ".join(item.issuers)))
            )
        if item.year:
            fields.append(("year", str(item.year)))
        if item.date:
            fields.append(("date", item.date.isoformat()))
        if entry_type == "techreport":
            fields.append(("type", _tex(item.type_label)))
        else:
            fields.append(("howpublished", _tex(item.type_label)))
        if item.abstract:
            fields.append(("abstract", _tex(item.abstract)))
        if item.topics:
            fields.append(("keywords", _tex(", ".join(item.topics))))
        if item.languages:
            fields.append(("language", _tex(", ".join(item.languages))))
        if item.url:
            fields.append(("url", item.url))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{entry_type}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


# -- CSL-JSON -----------------------------------------------------------------------------------
def csl(item):
    data = {"id": item.key, "type": CSL_TYPES.get(item.doc_type, "document"), "title": item.title}
    if item.authors:
        people = []
        for author in item.authors:
            family, given = _split(author)
            people.append({"family": family, "given": given} if given else {"literal": family})
        data["author"] = people
        if item.issuers:
            data["publisher"] = "; ".join(item.issuers)
    elif item.issuers:
        data["author"] = [{"literal": i} for i in item.issuers]
        data["publisher"] = "; ".join(item.issuers)
    if item.date:
        data["issued"] = {"date-parts": [[item.date.year, item.date.month, item.date.day]]}
    elif item.year:
        data["issued"] = {"date-parts": [[item.year]]}
    data["genre"] = item.type_label
    if item.abstract:
        data["abstract"] = item.abstract
    if item.topics:
        data["keyword"] = ", ".join(item.topics)
    if item.languages:
        data["language"] = item.languages[0]
    if item.url:
        data["URL"] = item.url
    return data


def csl_json(items):
    return json.dumps([csl(i) for i in items], ensure_ascii=False, indent=2)


FORMATS = {
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", ris),
    "bib": ("application/x-bibtex; charset=utf-8", "bib", bibtex),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json", csl_json),
}


# -- Highwire Press meta tags ------------------------------------------------------------------
def highwire(item, pdf_url=""):
    """[(name, content)] for Google Scholar and Zotero's connector."""
    tags = [("citation_title", item.title)]
    tags += [("citation_author", a) for a in item.authors]
    if not item.authors:
        tags += [("citation_author", i) for i in item.issuers]
    if item.date:
        tags.append(("citation_publication_date", item.date.strftime("%Y/%m/%d")))
    elif item.year:
        tags.append(("citation_publication_date", str(item.year)))
    if item.issuers:
        name = (
            "citation_technical_report_institution" if item.doc_type in REPORT_TYPES else "citation_publisher"
        )
        tags.append((name, "; ".join(item.issuers)))
    tags += [("citation_language", lang) for lang in item.languages]
    tags += [("citation_keywords", t) for t in item.topics]
    if item.url:
        tags.append(("citation_abstract_html_url", item.url))
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    return tags
