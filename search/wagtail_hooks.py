"""Editors maintain synonym groups in the admin (Search > Synonyms); changes apply at once."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SynonymGroup


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "search"
    menu_label = _("Search synonyms")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["__str__", "note", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["variants", "note"]
    panels = [FieldPanel("variants"), FieldPanel("note"), FieldPanel("active")]


register_snippet(SynonymGroupViewSet)
