"""Admin report: library items whose stored text already holds markup.

Plain-text fields refuse markup since the validator was added (editor, importers, copy), but
rows saved before keep what they had. They are listed here for an editor to fix, never changed
silently: the public pages show them escaped in the meantime.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from directory.validators import validate_plain_text

from .models import LibraryDocumentPage, LibraryIndexPage
from .models.document import PLAIN_TEXT_FIELDS

EXCERPT_CHARS = 80


def records_with_markup():
    """[(page, field label, excerpt)] for every item and plain-text field that fails the check."""
    rows = []
    pages = LibraryDocumentPage.objects.only("pk", *PLAIN_TEXT_FIELDS).order_by("title", "pk")
    for page in pages.iterator(chunk_size=500):
        for name in PLAIN_TEXT_FIELDS:
            value = getattr(page, name) or ""
            try:
                validate_plain_text(value)
            except ValidationError:
                label = str(page._meta.get_field(name).verbose_name)
                excerpt = value if len(value) <= EXCERPT_CHARS else value[: EXCERPT_CHARS - 1] + "…"
                rows.append((page, label, excerpt))
    return rows


def can_see_report(user):
    index = LibraryIndexPage.objects.first()
    return index is not None and (user.is_superuser or index.permissions_for_user(user).can_edit())


def markup_report_view(request):
    if not can_see_report(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "library/admin/markup_report.html",
        {
            "page_title": gettext("Library items with markup"),
            "header_icon": "warning",
            "rows": records_with_markup(),
        },
    )
