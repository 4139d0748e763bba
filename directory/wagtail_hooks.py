"""Admin registration for the directory (viewsets live in directory/admin/)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from .admin import hsds_import  # noqa: F401  (registers the HSDS import screen and its menu item)
from .admin.viewsets import DirectoryViewSetGroup
from .stewardship import HANDOVER_ACTION, VERIFY_ACTION

register_snippet(DirectoryViewSetGroup)


@hooks.register("register_log_actions")
def register_stewardship_log_actions(actions):
    @actions.register_action(HANDOVER_ACTION)
    class HandoverFormatter(LogFormatter):
        label = _("Hand over stewardship")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            roles = ", ".join(data.get("roles", [])) or "-"
            return _("Stewardship handed over from %(from)s to %(to)s (%(roles)s)") % {
                "from": data.get("from", {}).get("username", "?"),
                "to": data.get("to", {}).get("username", "?"),
                "roles": roles,
            }

    @actions.register_action(VERIFY_ACTION)
    class VerifyFormatter(LogFormatter):
        label = _("Log verification")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = _("Verification logged: %(outcome)s by %(method)s on %(date)s") % {
                "outcome": data.get("outcome", "?"),
                "method": data.get("method", "?"),
                "date": data.get("verified_on", "?"),
            }
            if data.get("answered") is False:
                message += " " + str(_("(hotline did not answer)"))
            return message


@hooks.register("register_admin_urls")
def directory_markup_report_url():
    from django.urls import path

    from .markup_report import markup_report_view

    return [path("reports/directory-markup/", markup_report_view, name="directory_markup_report")]


@hooks.register("register_reports_menu_item")
def directory_markup_report_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    from .markup_report import can_see_report

    class ReportMenuItem(MenuItem):
        def is_shown(self, request):
            return can_see_report(request.user)

    return ReportMenuItem(
        _("Directory records with markup"), reverse("directory_markup_report"), icon_name="warning", order=721
    )


@hooks.register("register_admin_urls")
def directory_eligibility_report_url():
    from django.urls import path

    from .eligibility_report import EligibilityReportView

    view = EligibilityReportView.as_view()
    return [path("reports/eligibility-not-stated/", view, name="directory_eligibility_report")]


@hooks.register("register_reports_menu_item")
def directory_eligibility_report_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    return MenuItem(
        _("Eligibility not stated after migration"),
        reverse("directory_eligibility_report"),
        icon_name="warning",
        order=722,
    )


@hooks.register("construct_reports_menu")
def hide_site_wide_wagtail_reports_from_scoped_editors(request, menu_items):
    """Site history lists every organization's entries (see directory.admin.scoping)."""
    from .permissions import is_scoped_editor

    if is_scoped_editor(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
