from django.apps import AppConfig


class LibraryConfig(AppConfig):
    """Research library (documents, full text, citations). Built in the library issue."""

    name = "library"
    verbose_name = "Research library"
