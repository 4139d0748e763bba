"""PDF text through pypdf: page by page, so one broken page does not lose the others.

    read_pdf(data: bytes, max_chars) -> Extracted(text, page_count, notes)

Raises Problem(status, message, detail) for what a user must hear about: a truncated, damaged,
encrypted or password-protected file. A readable PDF without any text is "no_text_layer".
"""

import io
import logging

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

from .normalise import has_words, normalise_text
from .problems import Extracted, Problem

logger = logging.getLogger(__name__)

# pypdf logs every recoverable oddity of real-world PDFs at WARNING; we report our own.
logging.getLogger("pypdf").setLevel(logging.ERROR)

EOF_WINDOW = 4096


def _open(data):
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise Problem(
            "failed",
            "The PDF is incomplete: it ends before its end-of-file marker (the upload or download "
            "was probably cut off). Upload the complete file.",
            f"no %%EOF in the last {EOF_WINDOW} bytes of {len(data)}",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
    ) as exc:
        raise Problem(
            "failed",
            "The PDF is damaged and could not be read. Re-save or re-export it and upload it again.",
            repr(exc),
        )
    if reader.is_encrypted:
        try:
            # Many PDFs are encrypted only against editing (an owner password) and open without one.
            opened = reader.decrypt("")
        except DependencyError as exc:
            raise Problem(
                "failed",
                "The PDF is encrypted with a method this server cannot open. Upload a copy without "
                "encryption.",
                repr(exc),
            )
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, NotImplementedError) as exc:
            raise Problem("failed", "The PDF is encrypted and could not be opened.", repr(exc))
        if not opened:
            raise Problem(
                "failed",
                "The PDF is password-protected. Upload a copy without a password so its text can be "
                "searched.",
                "user password required",
            )
    return reader


def _damaged(data):
    """A PDF without text is either a scan or a broken file that pypdf half-repaired; a strict
    re-read that walks every page's content stream tells the two apart."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            reader.decrypt("")
        for page in reader.pages:
            page.get_contents()
            page.extract_text()
    except Exception:  # anything strict mode objects to
        return True
    return False


def read_pdf(data, max_chars):
    reader = _open(data)
    try:
        pages = reader.pages
        page_count = len(pages)
    except FileNotDecryptedError as exc:
        raise Problem("failed", "The PDF is password-protected and could not be opened.", repr(exc))
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
    ) as exc:
        raise Problem("failed", "The PDF is damaged: its list of pages cannot be read.", repr(exc))
    if page_count == 0:
        raise Problem("failed", "The PDF has no pages.", "page count 0")

    parts, length, broken, empty, cut = [], 0, [], 0, False
    for number in range(page_count):
        if max_chars and length > max_chars:
            cut = True
            break
        try:
            raw = pages[number].extract_text() or ""
        except Exception as exc:  # pypdf raises many types on damaged content streams
            broken.append(number + 1)
            logger.info("PDF page %s unreadable: %r", number + 1, exc)
            continue
        text = normalise_text(raw)
        if not has_words(text):
            empty += 1
            continue
        parts.append(text)
        length += len(text) + 2

    text = "\n\n".join(parts)
    notes = []
    if broken:
        shown = ", ".join(str(n) for n in broken[:10]) + (" …" if len(broken) > 10 else "")
        notes.append(f"{len(broken)} of {page_count} pages could not be read (pages {shown}).")
    if not has_words(text):
        if broken and len(broken) == page_count:
            raise Problem(
                "failed", "The PDF is damaged: none of its pages could be read.", f"broken {broken}"
            )
        if _damaged(data):
            raise Problem(
                "failed",
                "The PDF is damaged: its pages could be found but not their contents. Re-save or "
                "re-export it and upload it again.",
                "strict re-read failed on a PDF without text",
                page_count=page_count,
            )
        raise Problem(
            "no_text_layer",
            "The PDF has no text layer (it is probably a scan), so its contents cannot be searched. "
            "Run OCR on it and upload the result to make it searchable.",
            f"{page_count} pages without text",
            page_count=page_count,
        )
    if empty:
        notes.append(f"{empty} of {page_count} pages have no text layer (probably scanned).")
    return Extracted(text=text, page_count=page_count, notes=notes, cut=cut)
