from django.apps import AppConfig


class LibraryConfig(AppConfig):
    """Research library: documents as Wagtail pages, full text, faceted search, citations."""

    name = "library"
    verbose_name = "Research library"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .searchable import register

        register()  # library items become the search kind "document"

        from .forms import LibraryCopyForm
        from .models import LibraryDocumentPage

        LibraryDocumentPage.copy_form_class = LibraryCopyForm  # the copy's new title is plain text
