"""The admin's document upload form checks library files before anything is stored: size,
allowed types, and a name whose extension lies about the content (settings LIBRARY_*)."""

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from .extraction import validate_library_upload


class LibraryDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):  # a new upload (editing metadata keeps the file)
            validate_library_upload(uploaded)
        return uploaded
