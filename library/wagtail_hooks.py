"""File privacy: a file attached to a partners or restricted item is never served below its tier."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from wagtail import hooks

from .access import strictest_level, viewer_may_see


@hooks.register("before_serve_document")
def refuse_library_files_below_tier(document, request):
    level = strictest_level(document)
    if level is None or viewer_may_see(request.user, level):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied
