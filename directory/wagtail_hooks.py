"""Admin registration for the directory (viewsets live in directory/admin/)."""

from wagtail.snippets.models import register_snippet

from .admin.viewsets import DirectoryViewSetGroup

register_snippet(DirectoryViewSetGroup)
