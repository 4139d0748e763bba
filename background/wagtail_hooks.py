"""Admin hooks: the "Background tasks" report under Reports (editors, moderators, admins)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.admin_reports import may_open_reports

from .admin_views import BackgroundTasksView


@hooks.register("register_admin_urls")
def register_background_tasks_url():
    return [path("reports/background-tasks/", BackgroundTasksView.as_view(), name="background_tasks")]


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_open_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_background_tasks_menu_item():
    return EditorsMenuItem(
        _("Background tasks"),
        reverse("background_tasks"),
        name="background-tasks",
        icon_name="cogs",
        order=1400,
    )
