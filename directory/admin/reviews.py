"""The Reviews dashboard and the stewardship actions in the Wagtail admin (Directory > Reviews).

* ``index``: due, overdue and orphaned organizations and services, filterable (GET) by state,
  kind, organization and province, each row with a one-click "Confirmed by call today" button
  and a link to the full verification form;
* ``verify`` / ``confirm``: log a verification (full form / one click);
* ``history``: the verification log and the reminders sent for one entry;
* ``handover``: move all steward and deputy roles of a departing user to a successor;
* ``assign``: give the ticked entries (or every entry matching the filters) a steward and/or a
  deputy (``directory.admin.assignment``; Moderators and Coordinators).

The dashboard's "Stewardship" filter lists the viewer's own entries (steward or deputy) or the
unassigned ones (no steward).

Editors, Moderators and Coordinators (and superusers) may use the dashboard and log
verifications (permission ``directory.add_verificationlog``); handing over needs
``directory.hand_over_stewardship`` (Moderators, Coordinators).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from ..freshness import Freshness, freshness, last_verified_on, verified_days_ago
from ..models import Area, Language, Organization, Service
from ..models.stewardship import ReviewReminder, VerificationLog, VerificationMethod, VerificationOutcome
from ..permissions import scope_queryset
from ..stewardship import (
    ATTENTION,
    entries_needing_review,
    hand_over,
    record_verification,
    reviewable_organizations,
    reviewable_services,
)
from .assignment import AssignForm, assign_view, can_assign

REVIEW_PERMISSION = "directory.add_verificationlog"
HANDOVER_PERMISSION = "directory.hand_over_stewardship"
MODELS = {"organization": Organization, "service": Service}
# Overdue entries first (an editor can act on them now), then orphaned (they need a steward), then due.
STATE_ORDER = {
    Freshness.OVERDUE: 0,
    Freshness.ORPHANED: 1,
    Freshness.DUE: 2,
    Freshness.UNVERIFIED: 3,
    Freshness.FRESH: 4,
}


def can_review(user):
    return user.is_active and (user.is_superuser or user.has_perm(REVIEW_PERMISSION))


def can_hand_over(user):
    return user.is_active and (user.is_superuser or user.has_perm(HANDOVER_PERMISSION))


def _require(check, request):
    if not check(request.user):
        raise PermissionDenied


def _entry(kind, pk, user):
    """The organization or service `kind`/`pk`; 404 also when it is outside an
    organization-scoped editor's organizations (``directory.permissions``)."""
    model = MODELS.get(kind)
    if model is None:
        raise Http404
    try:
        return scope_queryset(model.objects.select_related("steward", "deputy"), user).get(pk=pk)
    except model.DoesNotExist:
        raise Http404


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def user_label(user):
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


# --- dashboard -------------------------------------------------------------------------------


class ReviewFilterForm(forms.Form):
    STATE_CHOICES = [
        ("", _("Due, overdue or orphaned")),
        *[(s.value, s.label) for s in Freshness],
        ("all", _("All entries")),
    ]
    state = forms.ChoiceField(label=_("Freshness"), choices=STATE_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("", _("Organizations and services")),
            ("organization", _("Organizations")),
            ("service", _("Services")),
        ],
        required=False,
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False, empty_label=_("All")
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Area.objects.none(), required=False, empty_label=_("All")
    )
    stewardship = forms.ChoiceField(
        label=_("Stewardship"),
        choices=[
            ("", _("Anyone's")),
            ("mine", _("My entries (steward or deputy)")),
            ("unassigned", _("Unassigned (no steward)")),
        ],
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = reviewable_organizations().select_related(None).order_by("name")
        self.fields["organization"].queryset = (
            organizations if user is None else scope_queryset(organizations, user)
        )
        self.fields["province"].queryset = (
            Area.objects.provinces().filter(country__key="KH").order_by("name_en")
        )


def _filtered(form, user=None):
    organizations, services = reviewable_organizations(), reviewable_services()
    if user is not None:  # an organization-scoped editor sees only their organizations' entries
        organizations, services = scope_queryset(organizations, user), scope_queryset(services, user)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("stewardship") == "mine" and user is not None:
        mine = Q(steward=user) | Q(deputy=user)
        organizations, services = organizations.filter(mine), services.filter(mine)
    elif data.get("stewardship") == "unassigned":
        organizations = organizations.filter(steward__isnull=True)
        services = services.filter(steward__isnull=True)
    if data.get("organization"):
        org = data["organization"]
        organizations = organizations.filter(pk=org.pk)
        services = services.filter(organization=org)
    if data.get("province"):
        province = data["province"]
        organizations = organizations.filter(area__province=province)
        services = services.filter(
            Q(organization__area__province=province) | Q(service_areas__area__province=province)
        ).distinct()
    if data.get("kind") == "organization":
        services = services.none()
    elif data.get("kind") == "service":
        organizations = organizations.none()
    state = data.get("state") or ""
    if state == "all":
        states = tuple(Freshness)
    elif state:
        states = (Freshness(state),)
    else:
        states = ATTENTION
    return organizations, services, states


def _latest_logs(entries):
    """{(kind, pk): latest VerificationLog} for the given entries, in two queries."""
    latest = {}
    for kind in ("organization", "service"):
        ids = [e.pk for e in entries if e._meta.model_name == kind]
        if not ids:
            continue
        logs = VerificationLog.objects.filter(**{f"{kind}_id__in": ids}).order_by("-verified_on", "-pk")
        for entry_log in logs:
            latest.setdefault((kind, getattr(entry_log, f"{kind}_id")), entry_log)
    return latest


class Row:
    def __init__(self, entry, state, today, latest_log):
        self.entry = entry
        self.kind = entry._meta.model_name
        self.state = state
        self.state_label = Freshness(state).label
        self.days = verified_days_ago(entry, today)
        self.last_verified = last_verified_on(entry)  # an organization's includes its services'
        self.organization = entry if self.kind == "organization" else entry.organization
        self.steward = user_label(entry.steward)
        self.deputy = user_label(entry.deputy)
        self.steward_inactive = entry.steward_id is not None and not entry.steward.is_active
        self.deputy_inactive = entry.deputy_id is not None and not entry.deputy.is_active
        self.latest_log = latest_log
        self.not_answered = latest_log is not None and latest_log.answered is False
        self.unreachable = latest_log is not None and latest_log.outcome == VerificationOutcome.UNREACHABLE
        self.edit_url = reverse(f"wagtailsnippets_directory_{self.kind}:edit", args=[entry.pk])
        self.confirm_url = reverse("directory_reviews:confirm", args=[self.kind, entry.pk])
        self.verify_url = reverse("directory_reviews:verify", args=[self.kind, entry.pk])
        self.history_url = reverse("directory_reviews:history", args=[self.kind, entry.pk])

    @property
    def sort_key(self):
        never = self.days is None
        return (STATE_ORDER[self.state], not never, -(self.days or 0), self.entry.name.lower())


def filtered_entries(form, user, today=None):
    """[(entry, freshness)] the dashboard lists for this filter form and viewer."""
    organizations, services, states = _filtered(form, user)
    return entries_needing_review(today, organizations=organizations, services=services, states=states)


def dashboard(request):
    _require(can_review, request)
    today = timezone.localdate()
    form = ReviewFilterForm(request.GET or None, user=request.user)
    found = filtered_entries(form, request.user, today)
    latest = _latest_logs([entry for entry, _state in found])
    rows = sorted(
        (Row(entry, state, today, latest.get((entry._meta.model_name, entry.pk))) for entry, state in found),
        key=lambda row: row.sort_key,
    )
    counts = {state.value: 0 for state in Freshness}
    for row in rows:
        counts[row.state] += 1
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "directory/admin/reviews.html",
        {
            "page_title": gettext("Reviews"),
            "header_icon": "calendar-check",
            "form": form,
            "page": page,
            "rows": page.object_list,
            "total": len(rows),
            "counts": counts,
            "querystring": query.urlencode(),
            "current_url": request.get_full_path(),
            "can_hand_over": can_hand_over(request.user),
            "can_assign": can_assign(request.user),
            "assign_form": AssignForm(initial={"filters": query.urlencode()}),
            "today": today,
        },
    )


# --- logging a verification --------------------------------------------------------------------


class VerificationForm(forms.ModelForm):
    method = forms.ChoiceField(
        label=_("Method"), choices=VerificationMethod.choices, widget=forms.RadioSelect, initial="call"
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=VerificationOutcome.choices, widget=forms.RadioSelect
    )
    answered = forms.NullBooleanField(
        label=_("Hotline answered?"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not a hotline call")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    class Meta:
        model = VerificationLog
        fields = ["verified_on", "method", "outcome", "answered", "languages_answered", "note"]
        widgets = {
            "verified_on": forms.DateInput(attrs={"type": "date"}),
            "languages_answered": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages_answered"].queryset = Language.objects.order_by("name_en")
        self.fields["verified_on"].initial = timezone.localdate()

    def clean_verified_on(self):
        value = self.cleaned_data["verified_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A verification cannot be dated in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("answered") is None and data.get("languages_answered"):
            self.add_error("answered", _("Say whether the hotline answered when you give its languages."))
        if data.get("answered") is False and data.get("languages_answered"):
            self.add_error("languages_answered", _("Nobody answered, so no language can be recorded."))
        return data


def _verified_message(entry, entry_log):
    if entry_log.refreshes_date:
        text = gettext("Verification logged for “%(name)s”: verified on %(date)s.")
    else:
        text = gettext("Logged for “%(name)s”: unreachable on %(date)s; the last-verified date is unchanged.")
    return text % {"name": entry.name, "date": entry_log.verified_on.isoformat()}


@require_POST
def confirm(request, kind, pk):
    """One click from the dashboard: "confirmed by call today"."""
    _require(can_review, request)
    entry = _entry(kind, pk, request.user)
    entry_log = record_verification(
        entry, user=request.user, method=VerificationMethod.CALL, outcome=VerificationOutcome.CONFIRMED
    )
    messages.success(request, _verified_message(entry, entry_log))
    return redirect(_safe_next(request, reverse("directory_reviews:index")))


def verify(request, kind, pk):
    _require(can_review, request)
    entry = _entry(kind, pk, request.user)
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry_log = record_verification(
            entry,
            user=request.user,
            verified_on=data["verified_on"],
            method=data["method"],
            outcome=data["outcome"],
            answered=data["answered"],
            languages=list(data["languages_answered"]),
            note=data["note"],
        )
        messages.success(request, _verified_message(entry, entry_log))
        return redirect(_safe_next(request, reverse("directory_reviews:index")))
    return TemplateResponse(
        request,
        "directory/admin/verify.html",
        {
            "page_title": gettext("Log a verification"),
            "page_subtitle": str(entry),
            "header_icon": "calendar-check",
            "entry": entry,
            "kind": kind,
            "state": Freshness(freshness(entry)).label,
            "form": form,
            "next": _safe_next(request, ""),
            "history_url": reverse("directory_reviews:history", args=[kind, entry.pk]),
        },
        status=400 if form.is_bound else 200,
    )


def history(request, kind, pk):
    _require(can_review, request)
    entry = _entry(kind, pk, request.user)
    logs = entry.verifications.select_related("verified_by").prefetch_related("languages_answered")
    reminders = ReviewReminder.objects.filter(**{kind: entry}).order_by("-sent_at")[:50]
    return TemplateResponse(
        request,
        "directory/admin/history.html",
        {
            "page_title": gettext("Verification history"),
            "page_subtitle": str(entry),
            "header_icon": "history",
            "entry": entry,
            "kind": kind,
            "state": Freshness(freshness(entry)).label,
            "steward": user_label(entry.steward),
            "deputy": user_label(entry.deputy),
            "logs": logs,
            "reminders": reminders,
            "verify_url": reverse("directory_reviews:verify", args=[kind, entry.pk]),
            "edit_url": reverse(f"wagtailsnippets_directory_{kind}:edit", args=[entry.pk]),
        },
    )


# --- handover ----------------------------------------------------------------------------------


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = user_label(obj)
        roles = getattr(obj, "role_count", None)
        if roles:
            label += " – " + gettext("%(count)s roles") % {"count": roles}
        if not obj.is_active:
            label += " – " + gettext("inactive")
        return label


class HandoverForm(forms.Form):
    from_user = UserChoiceField(
        label=_("Departing steward"),
        queryset=get_user_model().objects.none(),
        help_text=_("Everyone who is steward or deputy of at least one entry."),
    )
    to_user = UserChoiceField(
        label=_("Successor"),
        queryset=get_user_model().objects.none(),
        help_text=_("Takes over every steward and deputy role of the departing user."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        holders = (
            User.objects.annotate(
                role_count=Count("stewarded_organizations", distinct=True)
                + Count("deputy_for_organizations", distinct=True)
                + Count("stewarded_services", distinct=True)
                + Count("deputy_for_services", distinct=True)
            )
            .filter(role_count__gt=0)
            .order_by("username")
        )
        self.fields["from_user"].queryset = holders
        self.fields["to_user"].queryset = User.objects.filter(is_active=True).order_by("username")

    def clean(self):
        data = super().clean()
        if data.get("from_user") and data.get("to_user") and data["from_user"].pk == data["to_user"].pk:
            self.add_error("to_user", _("Choose someone other than the departing steward."))
        return data


def handover(request):
    _require(can_hand_over, request)
    initial = {"from_user": request.GET.get("from_user")} if request.GET.get("from_user") else None
    form = HandoverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        source, target = form.cleaned_data["from_user"], form.cleaned_data["to_user"]
        result = hand_over(source, target, by=request.user)
        messages.success(
            request,
            gettext("Handed over from %(from)s to %(to)s: %(orgs)s organizations and %(services)s services.")
            % {
                "from": user_label(source),
                "to": user_label(target),
                "orgs": result["organizations"],
                "services": result["services"],
            },
        )
        if result["both_roles"]:
            messages.warning(
                request,
                gettext(
                    "%(to)s is now steward and deputy of %(count)s entries: choose another deputy for them."
                )
                % {"to": user_label(target), "count": len(result["both_roles"])},
            )
        return redirect(reverse("directory_reviews:index"))
    return TemplateResponse(
        request,
        "directory/admin/handover.html",
        {"page_title": gettext("Hand over stewardship"), "header_icon": "resubmit", "form": form},
        status=400 if form.is_bound else 200,
    )


# --- registration ------------------------------------------------------------------------------


class ReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_review(request.user)


class ReviewsViewSet(ViewSet):
    """Directory > Reviews in the admin menu, with the stewardship views under /admin/reviews/."""

    name = "directory_reviews"
    url_prefix = "directory/reviews"
    icon = "calendar-check"
    menu_label = _("Reviews")
    menu_order = 250

    @property
    def menu_item_class(self):
        return ReviewsMenuItem

    def get_urlpatterns(self):
        return [
            path("", dashboard, name="index"),
            path("handover/", handover, name="handover"),
            path("assign/", assign_view, name="assign"),
            path("<str:kind>/<int:pk>/confirm/", confirm, name="confirm"),
            path("<str:kind>/<int:pk>/verify/", verify, name="verify"),
            path("<str:kind>/<int:pk>/history/", history, name="history"),
        ]
