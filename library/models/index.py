"""The library's index page (/library/): search, facets and exports of the result list."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page


class LibraryIndexPage(RoutablePageMixin, Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["library.LibraryDocumentPage"]
    max_count = 1
    template = "library/index_page.html"

    class Meta:
        verbose_name = _("library index")

    @path("")
    def listing(self, request):
        from ..listing import listing_view

        return listing_view(request, self)

    @path("export/<str:fmt>/")
    def export(self, request, fmt):
        from ..listing import export_view

        return export_view(request, self, fmt)
