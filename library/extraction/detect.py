"""What a file really is, from its first bytes (magic numbers), never from its name.

    detect_type(stream) -> Detected(kind, label)
    kind_for_extension("report.PDF") -> "pdf"

Kinds we extract text from: "pdf", "docx", "txt", "html". Kinds we recognise but do not extract:
"xlsx", "pptx", "odt", "zip", "ole" (old .doc/.xls or a password-protected Office file),
"ole_encrypted", "rtf", "png", "jpeg", "gif", "tiff", "webp", "binary" (anything else that is
not text). ``stream`` is a seekable binary file; its position is restored afterwards.
"""

import io
import os
import zipfile
from dataclasses import dataclass

EXTRACTABLE_KINDS = {"pdf", "docx", "txt", "html"}

LABELS = {
    "pdf": "PDF",
    "docx": "DOCX (Word document)",
    "txt": "plain-text file",
    "html": "HTML page",
    "xlsx": "XLSX (Excel workbook)",
    "pptx": "PPTX (PowerPoint presentation)",
    "odt": "OpenDocument file",
    "zip": "ZIP archive",
    "ole": "old Microsoft Office file (.doc/.xls/.ppt)",
    "ole_encrypted": "password-protected Microsoft Office file",
    "rtf": "RTF document",
    "png": "PNG image",
    "jpeg": "JPEG image",
    "gif": "GIF image",
    "tiff": "TIFF image",
    "webp": "WebP image",
    "binary": "binary file of an unknown type",
    "empty": "empty file",
}

EXTENSION_KINDS = {
    "pdf": "pdf",
    "docx": "docx",
    "docm": "docx",
    "txt": "txt",
    "text": "txt",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "odt": "odt",
    "zip": "zip",
    "doc": "ole",
    "xls": "ole",
    "ppt": "ole",
    "rtf": "rtf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "gif": "gif",
    "tif": "tiff",
    "tiff": "tiff",
    "webp": "webp",
}

# Plain text and HTML are both text: a .txt holding markup is not "lying" about its type.
TEXT_FAMILY = {"txt", "html"}

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Detected:
    kind: str
    label: str


def with_article(label):
    """ "a PDF", "an XLSX (Excel workbook)", "an old Microsoft Office file"."""
    first = label.split()[0]
    if first.isupper():  # an acronym, read letter by letter
        vowel_sound = first[0] in "AEFHILMNORSX"
    else:
        vowel_sound = first[0].lower() in "aeiou"
    return f"{'an' if vowel_sound else 'a'} {label}"


def extension_of(filename):
    return os.path.splitext(filename or "")[1].lower().lstrip(".")


def kind_for_extension(filename):
    """The kind a file's name claims ("pdf" for "a.PDF"), or "" when the extension is unknown."""
    return EXTENSION_KINDS.get(extension_of(filename), "")


def same_kind(claimed, real):
    if claimed == real:
        return True
    if claimed in TEXT_FAMILY and real in TEXT_FAMILY:
        return True
    # An encrypted .doc is still the .doc it claims to be (and fails later with its own message).
    return claimed == "ole" and real == "ole_encrypted"


def _zip_kind(stream, head):
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"opendocument" in mimetype:
                    return "odt"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError):
        # A truncated ZIP has lost its directory (at the end), but the names of its first parts
        # are still in the local headers at the start: a cut-off DOCX is still a (damaged) DOCX.
        for marker, kind in ((b"word/", "docx"), (b"xl/", "xlsx"), (b"ppt/", "pptx")):
            if marker in head:
                return kind
        return "zip"
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("ppt/") for name in names):
        return "pptx"
    return "zip"


def _looks_like_text(head):
    if not head:
        return True
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: zero bytes in every other position.
        even, odd = head[0::2], head[1::2]
        return even.count(0) > 0.3 * len(even) or odd.count(0) > 0.3 * len(odd)
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls <= len(head) * 0.02


def _looks_like_html(head):
    sample = head[:2048]
    for bom in (b"\xef\xbb\xbf",):
        sample = sample.removeprefix(bom)
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        sample = sample.replace(b"\x00", b"")
    lowered = sample.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) and (
        b"<html" in lowered or b"<!doctype html" in lowered
    ):
        return True
    return any(tag in lowered for tag in (b"<html", b"<body", b"<head>", b"<head "))


def detect_type(stream):
    """Detected(kind, label) for a seekable binary stream (or bytes)."""
    if isinstance(stream, bytes | bytearray | memoryview):
        stream = io.BytesIO(bytes(stream))
    start = stream.tell()
    try:
        stream.seek(0)
        head = stream.read(HEAD_BYTES)
        kind = _kind_from_head(head, stream)
    finally:
        stream.seek(start)
    return Detected(kind, LABELS[kind])


def _kind_from_head(head, stream):
    if not head:
        return "empty"
    # PDF readers accept up to 1 KB of junk before the header; so do we.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        stream.seek(0)
        return _zip_kind(stream, head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        stream.seek(0)
        # Password-protected DOCX/XLSX are OLE containers holding an "EncryptedPackage" stream.
        marker = "EncryptedPackage".encode("utf-16-le")
        sample = stream.read(4 * 1024 * 1024)
        return "ole_encrypted" if marker in sample else "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if not _looks_like_text(head):
        return "binary"
    return "html" if _looks_like_html(head) else "txt"
