"""The admin's document upload form checks library files before anything is stored: size,
allowed types, and a name whose extension lies about the content (settings LIBRARY_*). Copying a
library item asks for a title that is plain text."""

from django.core.files.uploadedfile import UploadedFile
from wagtail.admin.forms.pages import CopyForm
from wagtail.documents.forms import BaseDocumentForm

from directory.validators import validate_plain_text

from .extraction import validate_library_upload


class LibraryDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):  # a new upload (editing metadata keeps the file)
            validate_library_upload(uploaded)
        return uploaded


class LibraryCopyForm(CopyForm):
    """Copying an item in the admin asks for a new title: it is plain text like the editor's."""

    def clean_new_title(self):
        title = self.cleaned_data.get("new_title", "")
        validate_plain_text(title)
        return title
