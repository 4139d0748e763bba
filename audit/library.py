"""Access-log entries for the research library: an item page or a file above the public level.

Only what the viewer was actually given is recorded: the views call these after their tier
check has passed (a refused item or file answers 404 and the middleware drops the entry)."""

from directory.visibility import viewer_tier

from . import record
from .models import AccessKind

PUBLIC = "public"


def record_item(request, page):
    if page.access_level and page.access_level != PUBLIC:
        record(request, AccessKind.LIBRARY_ITEM, page.pk, viewer_tier(request.user), label=page.title)


def record_file(request, document, level):
    """`level`: the strictest access level of the items that use `document` (library.access)."""
    if level and level != PUBLIC:
        record(request, AccessKind.LIBRARY_FILE, document.pk, viewer_tier(request.user), label=document.title)


def record_download(request, page):
    """The item's own download link: the file's level is the strictest of the items using it."""
    if not request.user.is_authenticated or not page.file_id:
        return  # the public is never recorded: no query for it
    from library.access import strictest_level

    record_file(request, page.file, strictest_level(page.file))
