"""The shape every admin report view shares: a Wagtail admin page, open to anyone who may use the
admin (partners and organization-scoped editors may not), with the report's title as its last breadcrumb."""

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


def may_open_reports(user):
    """Site-wide reports list every organization: not for an organization-scoped editor, who
    may see only their own organizations (``directory.permissions``)."""
    from directory.permissions import is_scoped_editor

    return user.has_perm("wagtailadmin.access_admin") and not is_scoped_editor(user)


class AdminReportView(WagtailAdminTemplateMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        if not may_open_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]
