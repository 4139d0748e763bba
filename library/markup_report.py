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
    """[(page, field label, excerpt)] for every item and plain-text field that fails the check,
    in the stored row and in an unpublished latest revision (a draft or a scheduled or submitted
    revision saved before the rule, which no publishing path will publish until it is fixed)."""
    rows = []
    pages = (
        LibraryDocumentPage.objects.only(
            "pk", "has_unpublished_changes", "latest_revision", *PLAIN_TEXT_FIELDS
        )
        .select_related("latest_revision")
        .order_by("title", "pk")
    )
    for page in pages.iterator(chunk_size=500):
        versions = [("", {name: getattr(page, name) for name in PLAIN_TEXT_FIELDS})]
        if page.has_unpublished_changes and page.latest_revision is not None:
            versions.append((gettext(" (unpublished draft)"), page.latest_revision.content))
        for suffix, values in versions:
            for name in PLAIN_TEXT_FIELDS:
                value = values.get(name) or ""
                try:
                    validate_plain_text(value)
                except ValidationError:
                    label = str(page._meta.get_field(name).verbose_name) + suffix
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
