"""The site's home page. Everything else lives in the domain apps."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

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

    def get_context(self, request, *args, **kwargs):
        from directory.models import Organization, Service

        context = super().get_context(request, *args, **kwargs)
        context["organization_count"] = Organization.objects.live().count()
        context["service_count"] = Service.objects.live().filter(organization__live=True).count()
        return context
