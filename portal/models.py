"""The site's home page. Everything else lives in the domain apps."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page

from .content_languages import default_version, localize_page

# Editors' rich text goes through this allowlist; nothing else renders HTML from editors.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HomePage(Page):
    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    emergency_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown at the top of the home page, e.g. the national hotline numbers.",
    )

    content_panels = Page.content_panels + [FieldPanel("emergency_note"), FieldPanel("intro")]
    max_count = 1
    subpage_types = ["library.LibraryIndexPage"]

    template = "portal/home_page.html"

    def route(self, request, path_components):
        # A translated home page routes its sub-paths through the default-locale tree: the
        # library index and items need not be translated for /library/... to answer, and each
        # page found is shown in the interface language field by field (portal.content_languages).
        if path_components:
            source = default_version(self)
            if source.pk != self.pk:
                return source.route(request, path_components)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from directory.families import service_families
        from directory.models import Organization, Service

        localize_page(self, ("title", "emergency_note", "intro"))
        context = super().get_context(request, *args, **kwargs)
        # Translations are the same entries: count the default locale only.
        default = Locale.get_default()
        context["organization_count"] = Organization.objects.live().filter(locale=default).count()
        context["service_count"] = (
            Service.objects.live().filter(organization__live=True, locale=default).count()
        )
        # "I need ..." shortcuts: the service families live services offer (directory/families.py).
        context["service_families"] = service_families()
        return context
