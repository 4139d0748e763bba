"""Upload validation for library files (the Wagtail document form, a model field's validators).

    validate_library_upload(file)  # raises django.core.exceptions.ValidationError

Checks, in order: the file is not empty, not larger than LIBRARY_MAX_UPLOAD_BYTES, its
extension is in LIBRARY_ALLOWED_EXTENSIONS, and its bytes are what its name says (a ".pdf" that
is really a DOCX or a PNG is refused, with both types named). Reads only the first few KB (the
whole ZIP directory for DOCX), and restores the file's position.
"""

import logging
import os

from django.conf import settings
from django.core.exceptions import ValidationError

from .detect import detect_type, extension_of, kind_for_extension, same_kind, with_article

logger = logging.getLogger("library.extraction")


def format_size(size):
    if size is None:
        return "of unknown size"
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _size(file):
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def validate_library_upload(file):
    name = os.path.basename(getattr(file, "name", "") or "")
    size = _size(file)
    limit = settings.LIBRARY_MAX_UPLOAD_BYTES
    allowed = [ext.lower().lstrip(".") for ext in settings.LIBRARY_ALLOWED_EXTENSIONS]
    if size == 0:
        raise ValidationError("The file %(name)s is empty.", code="empty", params={"name": name})
    if size > limit:
        logger.warning("upload refused: %s is %s bytes (limit %s)", name, size, limit)
        raise ValidationError(
            "The file is %(size)s; the largest file allowed is %(limit)s.",
            code="file_too_large",
            params={"size": format_size(size), "limit": format_size(limit)},
        )
    extension = extension_of(name)
    if extension not in allowed:
        raise ValidationError(
            "Files of type %(ext)s cannot be added to the library. Allowed: %(allowed)s.",
            code="file_type_not_allowed",
            params={
                "ext": f".{extension}" if extension else "(no extension)",
                "allowed": ", ".join(f".{ext}" for ext in allowed),
            },
        )
    detected = detect_type(file)
    claimed = kind_for_extension(name)
    if claimed and not same_kind(claimed, detected.kind):
        logger.warning("upload refused: %s is really %s", name, detected.kind)
        raise ValidationError(
            "The file is named .%(ext)s but is %(real)s. Rename it with the right extension or "
            "upload the intended file.",
            code="file_type_mismatch",
            params={"ext": extension, "real": with_article(detected.label)},
        )
