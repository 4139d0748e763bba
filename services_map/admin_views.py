"""Wagtail admin reports: "Not on the map" (what editors must fix so entries appear on the map)
and "Confidential but marked public" (location rows the confidentiality rule overrides)."""

from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Organization, Service
from portal.admin_reports import AdminReportView

from .placement import Problem
from .report import confidential_public_rows, report_rows, unlinked_confidential_services


def organization_edit_url(pk):
    return _edit_url(Organization, pk)


def _edit_url(model, pk):
    try:
        return reverse(model.snippet_viewset.get_url_name("edit"), args=[pk])
    except (AttributeError, NoReverseMatch):
        return ""


def _attach_organization_edit_urls(rows):
    """Each row's `edit_url`: its organization's edit view, reversed once per organization."""
    edit_urls = {}
    for row in rows:
        if row.organization_id not in edit_urls:
            edit_urls[row.organization_id] = organization_edit_url(row.organization_id)
        row.edit_url = edit_urls[row.organization_id]


class NotOnMapView(AdminReportView):
    template_name = "services_map/admin/not_on_map.html"
    page_title = _("Not on the map")
    header_icon = "site"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = report_rows()
        counts = {}
        for row in rows:
            counts[row.problem] = counts.get(row.problem, 0) + 1
        reason = self.request.GET.get("reason", "")
        if reason in Problem.LABELS:
            rows = [row for row in rows if row.problem == reason]
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("p"))
        _attach_organization_edit_urls(page.object_list)
        context.update(
            {
                "page_obj": page,
                "reason": reason,
                "reasons": [(code, label, counts.get(code, 0)) for code, label in Problem.LABELS.items()],
                "total": sum(counts.values()),
            }
        )
        return context


class ConfidentialPublicView(AdminReportView):
    """Locations stored as public that are confidential (a shelter, or a shelter-type service is
    offered there). The site already treats them as partners-only; this lists them so editors
    correct the rows (nothing is changed for them)."""

    template_name = "services_map/admin/confidential_public.html"
    page_title = _("Confidential but marked public")
    header_icon = "warning"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = confidential_public_rows()
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("p"))
        _attach_organization_edit_urls(page.object_list)
        unlinked = unlinked_confidential_services()
        for row in unlinked:
            row.edit_url = _edit_url(Service, row.service_id)
        context.update({"page_obj": page, "total": len(rows), "unlinked": unlinked})
        return context
