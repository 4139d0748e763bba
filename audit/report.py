"""Admin report "Access log": who saw partners-tier or restricted data, filtered by user,
organization and date, with a CSV export. Moderators and administrators only
(`portal.roles.ACCESS_LOG_PERMISSION`): the log says what each colleague looked at."""

import csv
import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from directory.models import Organization
from portal.admin_reports import AdminReportView
from portal.csv_safety import csv_cell
from portal.roles import ACCESS_LOG_PERMISSION

from .models import AccessLogEntry

LISTED = 500  # on the page; the CSV has every matching entry
CSV_HEADER = ["viewed_at", "user", "kind", "record", "record_name", "tier", "organization_key", "path"]


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            locale=Locale.get_default()
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filter(self, queryset):
        """The entries matching the valid filters (an invalid form filters nothing out: its
        errors are shown beside the fields)."""
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["user"]:
            queryset = queryset.filter(username__icontains=data["user"].strip())
        if data["organization"]:
            queryset = queryset.filter(organization_key=data["organization"].translation_key)
        if data["date_from"]:
            queryset = queryset.filter(viewed_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            queryset = queryset.filter(viewed_at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
        return queryset


def _day_start(day):
    """Midnight of `day` in the portal's time zone (dates in the form are local dates)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _Echo:
    def write(self, value):
        return value


def csv_rows(entries):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for e in entries.iterator(chunk_size=2000):
        row = [
            timezone.localtime(e.viewed_at).isoformat(timespec="seconds"),
            e.username,
            e.kind,
            e.object_id,
            e.label,
            e.tier,
            e.organization_key or "",
            e.path,
        ]
        yield writer.writerow([csv_cell(v) for v in row])


class AccessLogReportView(AdminReportView):
    template_name = "audit/admin/access_log_report.html"
    page_title = _("Access log")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ACCESS_LOG_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = AccessLogFilter(request.GET)  # every field is optional: no filter lists everything
        entries = form.filter(AccessLogEntry.objects.all())
        if request.GET.get("format") == "csv":
            response = StreamingHttpResponse(
                csv_rows(entries.order_by("viewed_at", "pk")), content_type="text/csv"
            )
            response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
            response["Cache-Control"] = "private, no-store"
            return response
        context = self.get_context_data(
            form=form,
            entries=list(entries[:LISTED]),
            total=entries.count(),
            listed=LISTED,
            days=settings.PORTAL_ACCESS_LOG_DAYS,
            csv_query=_csv_query(request),
        )
        return self.render_to_response(context)


def _csv_query(request):
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()
