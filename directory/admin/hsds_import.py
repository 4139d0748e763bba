"""Admin: import of HSDS 3.0 (or 2.x) JSON, NDJSON or a datapackage zip from another referral
directory. "Check" (the default) reads the file and runs the whole import in a transaction that
is rolled back: it lists what would be created or updated, every warning, and every problem by
file, row and field. "Import" (after a clean check) writes it all, or nothing on any problem.
Nothing is published: new records are drafts and matched ones get a draft revision, for a
Moderator to review (directory.hsds.imports.apply).

Who may import: users who may add organizations site-wide (Editors, Moderators); an
organization-scoped editor may not (an import creates organizations of any kind).

Size: an upload over ``HSDS_IMPORT_MAX_BYTES`` (20 MB by default) is refused from the request's
Content-Length, before its body is read (`SizeLimitHandler`).
"""

import io
import logging
import secrets

from django import forms
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..hsds.imports.apply import import_batch
from ..hsds.imports.read import max_bytes, read_upload, too_large
from ..permissions import is_scoped_editor

logger = logging.getLogger("directory.hsds.imports")

CHECKED_SECONDS = 3600  # how long a checked file waits for "Import"


def can_import(user):
    return (
        user.is_authenticated and user.has_perm("directory.add_organization") and not is_scoped_editor(user)
    )


class SizeLimitHandler(FileUploadHandler):
    """Stops an upload whose request is larger than the import limit before reading its body."""

    too_large_size = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > max_bytes() + 64 * 1024:  # + the form's other fields
            self.too_large_size = content_length

    def new_file(self, *args, **kwargs):
        if self.too_large_size is not None:
            raise StopUpload(connection_reset=True)
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        required=False,
        help_text=_("HSDS 3.0 or 2.x JSON (.json, .ndjson) or an HSDS datapackage (.zip)."),
    )


def _cache_key(user, token):
    return f"hsds-import:{user.pk}:{token}"


@csrf_exempt  # the upload handler must be in place before CSRF reads the body; checked below
def import_view(request):
    limiter = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limiter)
    return _import_view(request, limiter)


@csrf_protect
def _import_view(request, limiter):
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "page_title": gettext("Import from Open Referral (HSDS)"),
        "header_icon": "upload",
        "form": form,
        "limit_mb": max_bytes() // (1024 * 1024),
    }
    if request.method != "POST":
        return TemplateResponse(request, "directory/admin/hsds_import.html", context)
    if limiter.too_large_size is not None:
        problem = too_large(gettext("The upload"), limiter.too_large_size)
        logger.warning("HSDS import by %s refused: %s", request.user, problem)
        context["problems"] = [problem]
        return TemplateResponse(request, "directory/admin/hsds_import.html", context)
    if not form.is_valid():
        return TemplateResponse(request, "directory/admin/hsds_import.html", context)
    upload = form.cleaned_data["file"]
    token = request.POST.get("checked", "")
    wants_import = "import" in request.POST
    if upload is not None:
        name, data = upload.name, None
        batch = read_upload(upload, name, upload.size)
        if not batch.problems:
            upload.seek(0)
            data = upload.read()
    elif token and cache.get(_cache_key(request.user, token)):
        name, data = cache.get(_cache_key(request.user, token))
        batch = read_upload(io.BytesIO(data), name, len(data))
    else:
        form.add_error("file", gettext("Choose a file to check."))
        return TemplateResponse(request, "directory/admin/hsds_import.html", context)
    outcome = import_batch(batch, user=request.user, dry_run=not wants_import)
    context.update(name=name, batch=batch, outcome=outcome, problems=outcome.problems)
    if not outcome.problems and not outcome.committed and data is not None:
        token = secrets.token_urlsafe(16)
        cache.set(_cache_key(request.user, token), (name, data), CHECKED_SECONDS)
        context["token"] = token
    if outcome.committed and token:
        cache.delete(_cache_key(request.user, token))
    return TemplateResponse(request, "directory/admin/hsds_import.html", context)


@hooks.register("register_admin_urls")
def hsds_import_urls():
    return [path("directory/hsds-import/", import_view, name="directory_hsds_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def hsds_import_menu_item():
    return ImportMenuItem(
        _("Import HSDS"), reverse("directory_hsds_import"), icon_name="upload", name="hsds-import", order=205
    )
