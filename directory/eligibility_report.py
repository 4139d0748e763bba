"""Admin report: eligibility values the three-state migration left "not stated".

The migration (directory/migrations/0006_eligibility_not_stated.py) records each value it could
not map in UnmappedEligibility. A service is listed while any of those attributes is still
"not stated" on the record; once an editor states it (yes or no), it drops off the list.
"""

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.admin_reports import AdminReportView

from .eligibility import ATTRIBUTES
from .models import Service, UnmappedEligibility

EXCERPT_CHARS = 160


class Row:
    def __init__(self, service):
        self.service = service
        self.edit_url = reverse("wagtailsnippets_directory_service:edit", args=[service.pk])
        self.fields = []  # [(label, old value, in a draft)]
        text = service.eligibility_description or ""
        self.excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def report_rows():
    """One row per service that still has an unmapped attribute left "not stated"."""
    gaps = list(UnmappedEligibility.objects.order_by("service_id", "field", "draft"))
    services = Service.objects.select_related("organization").in_bulk({g.service_id for g in gaps})
    rows = {}
    for gap in gaps:
        service = services.get(gap.service_id)
        if service is None or gap.field not in ATTRIBUTES or getattr(service, gap.field) is not None:
            continue
        row = rows.get(service.pk) or rows.setdefault(service.pk, Row(service))
        row.fields.append((ATTRIBUTES[gap.field][2], gap.old_value, gap.draft))
    return sorted(rows.values(), key=lambda r: (str(r.service).lower(), r.service.pk))


class EligibilityReportView(AdminReportView):
    template_name = "directory/admin/eligibility_report.html"
    page_title = _("Eligibility not stated after migration")
    header_icon = "warning"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = report_rows()
        context["page_obj"] = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("p"))
        context["total"] = len(rows)
        return context
