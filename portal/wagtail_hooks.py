from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def portal_admin_css():
    """Layout of the portal's own admin screens, as a stylesheet: the admin's CSP has no inline styles."""
    return format_html('<link rel="stylesheet" href="{}">', static("portal/css/admin.css"))


@hooks.register("insert_global_admin_js")
def portal_admin_init_js():
    """Starts Wagtail's widgets without inline scripts (portal/admin_scripts.py). Deferred: it runs
    once the page is parsed and every widget's own script (loaded in the head) is there."""
    return format_html('<script src="{}" defer></script>', static("portal/js/admin-init.js"))


@hooks.register("register_admin_urls")
def translation_report_url():
    from django.urls import path

    from .translation_report import TranslationReportView

    return [path("reports/translations/", TranslationReportView.as_view(), name="translation_report")]


@hooks.register("register_reports_menu_item")
def translation_report_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    from .admin_reports import may_open_reports

    class ReportMenuItem(MenuItem):
        def is_shown(self, request):
            return may_open_reports(request.user)

    label = _("Content translations")
    return ReportMenuItem(label, reverse("translation_report"), icon_name="globe", order=730)
