"""Admin: bulk import of library records (CSV with the library-records columns, or RIS from
Zotero or EndNote). "Check" is a dry run that lists every error by row or line and what would be
created; "Import" writes all records in one transaction, or nothing if any record has an error.

Who may import follows Wagtail's page permissions on the library page, as the page editor does:
whoever may add items there (Editors, Moderators) imports them as drafts; whoever may also publish
there (Moderators) may publish them at once.
"""

import logging

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .importers import parse_file
from .importers.apply import import_records
from .models import LibraryDocumentPage, LibraryIndexPage

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = getattr(settings, "LIBRARY_MAX_IMPORT_BYTES", 5 * 1024 * 1024)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or RIS file"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("From the file name (.csv or .ris)")), ("csv", "CSV"), ("ris", "RIS")],
        required=False,
    )
    publish = forms.BooleanField(
        label=_("Publish the imported items"), required=False, help_text=_("Otherwise they are drafts.")
    )

    def __init__(self, *args, can_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:  # Editors: drafts only, for a Moderator to publish
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                gettext("The file is too large to import (the limit is %(mb)s MB).")
                % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


def can_import(user, parent):
    """May add library items under `parent` (the page permission the page editor asks for)."""
    return (
        parent is not None
        and LibraryDocumentPage.can_create_at(parent)
        and parent.permissions_for_user(user).can_add_subpage()
    )


def can_publish_import(user, parent):
    return can_import(user, parent) and parent.permissions_for_user(user).can_publish_subpage()


def import_view(request):
    parent = LibraryIndexPage.objects.first()
    if not can_import(request.user, parent):
        raise PermissionDenied
    can_publish = can_publish_import(request.user, parent)
    form = ImportForm(request.POST or None, request.FILES or None, can_publish=can_publish)
    report = result = None
    committed = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = parse_file(upload, upload.name, form.cleaned_data["format"] or None)
        wants_import = "import" in request.POST
        if not report.errors:
            result = import_records(
                report.records,
                parent,
                dry_run=not wants_import,
                publish=can_publish and form.cleaned_data.get("publish", False),
                user=request.user,
            )
            committed = wants_import and not result.errors
        logger.info(
            "library import by %s: %s (%s records, %s errors, committed=%s)",
            request.user,
            upload.name,
            report.rows,
            len(report.errors) + len(result.errors if result else []),
            committed,
        )
    return TemplateResponse(
        request,
        "library/admin/import.html",
        {
            "page_title": gettext("Import library records"),
            "header_icon": "upload",
            "form": form,
            "report": report,
            "result": result,
            "committed": committed,
            "errors": (report.errors if report else []) or (result.errors if result else []),
            "parent": parent,
            "can_publish": can_publish,
            "model": LibraryDocumentPage,
        },
    )
