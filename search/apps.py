from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search contract and engines. Built in the search issue; imports no other app."""

    name = "search"
    verbose_name = "Search"
