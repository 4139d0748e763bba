"""Admin and serving hooks of the access log: the report under Reports, and library files
served by Wagtail's document URL."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.roles import ACCESS_LOG_PERMISSION

from .library import record_file
from .report import AccessLogReportView


# After the library's refusal (order -10) and Wagtail's own collection check (order 0): only a
# file actually served is recorded.
@hooks.register("before_serve_document", order=10)
def record_library_file(document, request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None  # the public is never recorded: no query for it
    from library.access import strictest_level

    record_file(request, document, strictest_level(document))
    return None


@hooks.register("register_admin_urls")
def register_access_log_url():
    return [path("reports/access-log/", AccessLogReportView.as_view(), name="access_log_report")]


class AccessLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(ACCESS_LOG_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_access_log_menu_item():
    return AccessLogMenuItem(
        _("Access log"), reverse("access_log_report"), name="access-log", icon_name="view", order=1500
    )
