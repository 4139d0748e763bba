"""File privacy: a file attached to a partners or restricted item is never served below its tier."""

from wagtail import hooks

from .access import refuse, strictest_level, viewer_may_see
from .models import LibraryDocumentPage


# Before Wagtail's own collection check (order 0), which would redirect to sign in: a refused
# file must answer like an unknown one (404), not confirm that it exists.
@hooks.register("before_serve_document", order=-10)
def refuse_library_files_below_tier(document, request):
    if viewer_may_see(request.user, "restricted"):
        return None  # editors see every file
    level = strictest_level(document)
    # A file that no published item uses (just uploaded, or attached only in a draft) is for
    # editors until an item publishes it: its level is not decided yet.
    published = LibraryDocumentPage.objects.filter(file=document, live=True).exists()
    if published and level is not None and viewer_may_see(request.user, level):
        return None
    return refuse(request)


@hooks.register("register_admin_urls")
def library_import_urls():
    from django.urls import path

    from .admin_import import import_view
    from .markup_report import markup_report_view

    return [
        path("library/import/", import_view, name="library_import"),
        path("reports/library-markup/", markup_report_view, name="library_markup_report"),
    ]


@hooks.register("register_admin_menu_item")
def library_menu_item():
    """"Library" in the admin menu: the items (the library page's listing in the page explorer)
    and the import, so editors need not know where the library page sits in the page tree."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

    from .admin_import import can_import
    from .models import LibraryIndexPage

    class LibraryItemsMenuItem(MenuItem):
        def is_shown(self, request):
            index = LibraryIndexPage.objects.first()
            return index is not None and index.permissions_for_user(request.user).can_edit()

        def render_component(self, request):
            # The page's id is known only at request time (menu items are built once).
            self.url = reverse("wagtailadmin_explore", args=[LibraryIndexPage.objects.first().pk])
            return super().render_component(request)

    class ImportMenuItem(MenuItem):
        def is_shown(self, request):
            return can_import(request.user, LibraryIndexPage.objects.first())

    menu = Menu(
        items=[
            LibraryItemsMenuItem(
                _("Library items"), reverse("wagtailadmin_explore_root"), icon_name="doc-full", order=100
            ),
            ImportMenuItem(
                _("Import library records"), reverse("library_import"), icon_name="upload", order=200
            ),
        ]
    )
    return SubmenuMenuItem(_("Library"), menu, icon_name="doc-full-inverse", name="library", order=160)


@hooks.register("register_reports_menu_item")
def library_markup_report_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    from .markup_report import can_see_report

    class ReportMenuItem(MenuItem):
        def is_shown(self, request):
            return can_see_report(request.user)

    return ReportMenuItem(
        _("Library items with markup"), reverse("library_markup_report"), icon_name="warning", order=720
    )


# Items saved before the plain-text rule: move and copy are refused up front with a message
# naming the field, before anything is saved (directory/publish_guard.py). Bulk publish needs no
# hook: it runs in a transaction, and the publish guard's refusal becomes a message there.
def _library_items(pages, with_descendants):
    items = []
    for page in pages:
        page = page.specific
        if isinstance(page, LibraryDocumentPage):
            items.append(page)
        if with_descendants:
            items += list(LibraryDocumentPage.objects.descendant_of(page))
    return items


def _as_published(page):
    """The content publishing would write: the latest revision, or the row without one."""
    revision = page.get_latest_revision()
    return revision.as_object() if revision else page


@hooks.register("before_move_page")
def refuse_moving_live_markup(request, page, destination):
    from django.utils.translation import gettext

    from directory.publish_guard import refuse_pages

    # Moving saves the live row with Wagtail's full check; a draft is saved without it.
    page = page.specific
    if not isinstance(page, LibraryDocumentPage) or not page.live:
        return None
    return refuse_pages(request, [page], gettext("moved"))


@hooks.register("before_copy_page")
def refuse_copying_markup(request, page):
    from django.utils.translation import gettext

    from directory.publish_guard import refuse_pages

    # A copy takes the live row and the latest revision, and may be published: neither may
    # carry markup into a new item.
    items = _library_items([page], with_descendants=True)
    return refuse_pages(request, items + [_as_published(p) for p in items], gettext("copied"))
