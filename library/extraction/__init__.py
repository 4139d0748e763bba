"""Text extraction for library files: PDF, DOCX, TXT and HTML. Pure: no models, no database.

API (what the library task and the admin use)::

    from library.extraction import extract, validate_library_upload

    result = extract(path_or_file, filename, content_type=None, max_bytes=None, max_chars=None)
    result.status      # "done" | "no_text_layer" | "failed" | "not_applicable"
    result.text        # normalised text (NFKC, no control characters), "" unless done
    result.page_count  # PDF pages, Word's saved page count for DOCX, else None
    result.file_size   # bytes
    result.message     # one or two sentences for editors ("The PDF is password-protected. …")
    result.detected_type  # the real type from the file's bytes: "pdf", "docx", "txt", "html", …

    validate_library_upload(uploaded_file)   # raises django ValidationError (size, type, lying name)

``content_type`` (the browser's claim) is only logged: the bytes decide.
``path_or_file`` is a filesystem path, bytes, or a binary file object (a Django File, an
UploadedFile or a FieldFile such as ``document.file``; its position is restored). ``extract``
never raises: every problem becomes a status and a message, and details go to the
``library.extraction`` logger. The real type comes from the bytes (magic numbers), not the name;
a file whose extension lies ("report.pdf" that is a DOCX) is read by its real type and the
message says so, or refused when LIBRARY_EXTRACT_MISMATCHED_TYPES is off.

Statuses:
    done            text extracted (message may say "cut at N characters", "3 of 40 pages scanned")
    no_text_layer   readable, but no text: a scanned PDF, an empty DOCX, an empty text file
    failed          damaged, truncated, encrypted/password-protected, oversize, unreadable
    not_applicable  a type we keep but do not read (images, spreadsheets, old .doc files)

Settings: LIBRARY_MAX_UPLOAD_BYTES, LIBRARY_MAX_TEXT_CHARS, LIBRARY_EXTRACT_MISMATCHED_TYPES,
LIBRARY_ALLOWED_EXTENSIONS (the last for validate_library_upload).
"""

import io
import logging
import os
from dataclasses import dataclass

from django.conf import settings

from .detect import LABELS, detect_type, extension_of, kind_for_extension, same_kind, with_article
from .normalise import cap_text, normalise_text
from .problems import Problem
from .validators import format_size, validate_library_upload

__all__ = [
    "DONE",
    "FAILED",
    "NOT_APPLICABLE",
    "NO_TEXT_LAYER",
    "ExtractionResult",
    "detect_type",
    "extract",
    "normalise_text",
    "validate_library_upload",
]

logger = logging.getLogger("library.extraction")

DONE, NO_TEXT_LAYER, FAILED, NOT_APPLICABLE = "done", "no_text_layer", "failed", "not_applicable"
STATUSES = (DONE, NO_TEXT_LAYER, FAILED, NOT_APPLICABLE)


@dataclass(frozen=True)
class ExtractionResult:
    status: str
    text: str = ""
    page_count: int | None = None
    file_size: int | None = None
    message: str = ""
    detected_type: str = ""

    @property
    def ok(self):
        return self.status == DONE


def _size_of(source):
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def _read(source, limit):
    """(bytes, size) reading at most ``limit`` bytes; (None, size) when the file is larger."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return (data if len(data) <= limit else None), len(data)
    if getattr(source, "closed", False) and hasattr(source, "open"):
        source.open("rb")
    size = _size_of(source)
    if size > limit:
        return None, size
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        position = source.tell()
        source.seek(0)
        data = source.read(limit + 1)
        source.seek(position)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        return None, len(data)
    return data, len(data)


def _default_name(source):
    if isinstance(source, str | os.PathLike):
        return os.path.basename(os.fspath(source))
    return os.path.basename(getattr(source, "name", "") or "")


def _readers():
    from .docx import read_docx
    from .pdf import read_pdf
    from .text import read_html, read_txt

    return {"pdf": read_pdf, "docx": read_docx, "txt": read_txt, "html": read_html}


def _unreadable(kind, label):
    if kind == "empty":
        raise Problem(FAILED, "The file is empty (0 bytes).", "empty")
    if kind == "ole_encrypted":
        raise Problem(
            FAILED,
            "The Office file is password-protected. Remove the password, save it as DOCX or PDF and "
            "upload it again.",
            "OLE container with an EncryptedPackage stream",
        )
    if kind == "ole":
        raise Problem(
            NOT_APPLICABLE,
            "Text is not read from old Word files (.doc). Save it as DOCX or PDF to make it searchable.",
            "OLE container",
        )
    raise Problem(
        NOT_APPLICABLE,
        f"Text is not read from {with_article(label)}; the file is kept but its contents are not searchable.",
        kind,
    )


def extract(path_or_file, filename=None, content_type=None, max_bytes=None, max_chars=None):
    """Extract and normalise the text of a library file. Never raises; see the module docstring."""
    filename = filename or _default_name(path_or_file)
    max_bytes = settings.LIBRARY_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    max_chars = settings.LIBRARY_MAX_TEXT_CHARS if max_chars is None else max_chars
    size, kind, notes = None, "", []
    try:
        try:
            data, size = _read(path_or_file, max_bytes)
        except OSError as exc:
            raise Problem(FAILED, "The file could not be read from storage.", repr(exc))
        if data is None:
            raise Problem(
                FAILED,
                f"The file is {format_size(size)}; files over {format_size(max_bytes)} are not read. "
                "Split it or compress it and upload it again.",
                f"{size} bytes > {max_bytes}",
            )
        detected = detect_type(io.BytesIO(data))
        kind = detected.kind
        claimed = kind_for_extension(filename)
        if claimed and not same_kind(claimed, kind) and kind != "empty":
            lie = f"The file is named .{extension_of(filename)} but is {with_article(detected.label)}."
            if not getattr(settings, "LIBRARY_EXTRACT_MISMATCHED_TYPES", True):
                raise Problem(FAILED, f"{lie} It was not read: rename it or upload the right file.", lie)
            notes.append(f"{lie} It was read as {LABELS[kind]}." if kind in _readers() else lie)
        reader = _readers().get(kind)
        if reader is None:
            _unreadable(kind, detected.label)
        extracted = reader(data, max_chars)
        text, cut = cap_text(extracted.text, max_chars)
        notes.extend(extracted.notes)
        if cut or extracted.cut:
            notes.append(f"The text was cut at {max_chars:,} characters.")
        pages = f" from {extracted.page_count} pages" if extracted.page_count else ""
        message = " ".join([f"{len(text):,} characters of text extracted{pages}."] + notes)
        logger.info("extracted %s (%s, %s bytes): %s", filename, kind, size, message)
        return ExtractionResult(DONE, text, extracted.page_count, size, message, kind)
    except Problem as problem:
        message = " ".join([problem.message] + notes)
        log = logger.info if problem.status == NOT_APPLICABLE else logger.warning
        log(
            "extraction %s for %s (%s, %s bytes, sent as %s): %s [%s]",
            problem.status,
            filename,
            kind or "?",
            size,
            content_type or "?",
            problem.message,
            problem.detail,
        )
        return ExtractionResult(problem.status, "", problem.page_count, size, message, kind)
    except Exception:
        logger.exception("text extraction crashed on %s (%s, %s bytes)", filename, kind or "?", size)
        return ExtractionResult(
            FAILED, "", None, size, "The file could not be read (unexpected error; see the server log).", kind
        )
