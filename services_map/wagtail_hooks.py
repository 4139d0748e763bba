"""Admin hooks: the "Not on the map" and "Confidential but marked public" reports under Reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.admin_reports import may_open_reports

from .admin_views import ConfidentialPublicView, NotOnMapView


@hooks.register("register_admin_urls")
def register_map_report_url():
    return [
        path("reports/not-on-the-map/", NotOnMapView.as_view(), name="services_map_not_on_map"),
        path(
            "reports/confidential-marked-public/",
            ConfidentialPublicView.as_view(),
            name="services_map_confidential_public",
        ),
    ]


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_open_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_map_report_menu_item():
    return EditorsMenuItem(
        _("Not on the map"),
        reverse("services_map_not_on_map"),
        name="not-on-the-map",
        icon_name="site",
        order=1300,
    )


@hooks.register("register_reports_menu_item")
def register_confidential_report_menu_item():
    return EditorsMenuItem(
        _("Confidential but marked public"),
        reverse("services_map_confidential_public"),
        name="confidential-marked-public",
        icon_name="warning",
        order=1310,
    )
