"""DOCX text from the ZIP's WordprocessingML with the standard library (zipfile) and defusedxml.

    read_docx(data: bytes, max_chars) -> Extracted(text, page_count, notes)

Reads the main document part (found through _rels/.rels, usually word/document.xml), then
footnotes and endnotes. Paragraphs become lines, w:tab a tab, w:br a line break; tracked
deletions (w:delText) are left out. The page count is Word's own (docProps/app.xml) when saved.
Parts are streamed with iterparse, so a huge document.xml is never held in memory whole.
"""

import io
import logging
import posixpath
import zipfile

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from .normalise import has_words, normalise_text
from .problems import Extracted, Problem

logger = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "/officeDocument"
# A compressed part that inflates past this is a ZIP bomb, not a document.
MAX_PART_BYTES = 512 * 1024 * 1024


def _main_part(archive):
    try:
        rels = fromstring(archive.read("_rels/.rels"))
        for rel in rels.iter(f"{REL}Relationship"):
            if rel.get("Type", "").endswith(OFFICE_DOCUMENT):
                target = rel.get("Target", "").lstrip("/")
                if target in archive.namelist():
                    return target
    except (KeyError, SyntaxError, DefusedXmlException):
        pass
    return "word/document.xml"


def _part_text(archive, name, max_chars):
    """Text of one part, paragraph per line; stops early once max_chars is passed."""
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise Problem(
            "failed",
            "The Word document is too large to read once uncompressed.",
            f"{name}: {info.file_size} bytes",
        )
    paragraphs, current, length = [], [], 0
    with archive.open(name) as part:
        for event, element in iterparse(part, events=("start", "end"), forbid_dtd=True):
            tag = element.tag
            if event == "start":
                if tag == f"{W}tab":
                    current.append("\t")
                elif tag in (f"{W}br", f"{W}cr"):
                    current.append("\n")
                elif tag == f"{W}noBreakHyphen":
                    current.append("-")
                continue
            if tag == f"{W}t":
                current.append(element.text or "")
            elif tag == f"{W}p":
                paragraph = "".join(current)
                current = []
                paragraphs.append(paragraph)
                length += len(paragraph) + 1
                element.clear()
                if max_chars and length > max_chars:
                    return "\n".join(paragraphs), True
            elif tag in (f"{W}tbl", f"{W}body"):
                element.clear()
    if current:
        paragraphs.append("".join(current))
    return "\n".join(paragraphs), False


def _page_count(archive):
    try:
        app = fromstring(archive.read("docProps/app.xml"))
    except (KeyError, SyntaxError, DefusedXmlException):
        return None
    for element in app.iter():
        if element.tag.endswith("}Pages") and (element.text or "").strip().isdigit():
            return int(element.text.strip()) or None
    return None


def read_docx(data, max_chars):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Problem("failed", "The Word document is damaged (not a readable ZIP file).", repr(exc))
    with archive:
        main = _main_part(archive)
        names = set(archive.namelist())
        if main not in names:
            raise Problem("failed", "The Word document is damaged: it has no main document part.", main)
        folder = posixpath.dirname(main)
        parts = [main] + [
            posixpath.join(folder, extra)
            for extra in ("footnotes.xml", "endnotes.xml")
            if posixpath.join(folder, extra) in names
        ]
        texts, cut = [], False
        try:
            for name in parts:
                part, part_cut = _part_text(archive, name, max_chars)
                texts.append(normalise_text(part))
                if part_cut:
                    cut = True
                    break
        except (SyntaxError, DefusedXmlException) as exc:  # ParseError is a SyntaxError
            raise Problem("failed", "The Word document is damaged: its text could not be parsed.", repr(exc))
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile, NotImplementedError) as exc:
            raise Problem(
                "failed", "The Word document is damaged: a part of it cannot be unpacked.", repr(exc)
            )
        page_count = _page_count(archive)
    text = "\n\n".join(t for t in texts if t)
    if not has_words(text):
        raise Problem(
            "no_text_layer",
            "The Word document contains no text (it is empty or holds only images), so there is "
            "nothing to search.",
            f"parts read: {parts}",
            page_count=page_count,
        )
    return Extracted(text=text, page_count=page_count, cut=cut)
