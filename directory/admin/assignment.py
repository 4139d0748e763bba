"""Bulk steward and deputy assignment from the Reviews dashboard (Directory > Reviews).

Moderators, Coordinators and superusers (permission ``directory.hand_over_stewardship``, the
same people who may hand a departing steward's entries over) tick entries on the dashboard, or
take every entry matching its filters, and give them a steward, a deputy or both. Editors may
filter ("my entries", "unassigned") but not assign: who keeps an entry current is a
coordination decision.

Like a handover, the change is written to the live row, the pending draft and every language
copy (``directory.stewardship.update_entry``), and recorded in each entry's history (Wagtail
audit log, action ``directory.assign_steward``). An entry on which the steward would also be the
deputy is left unchanged and reported.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.log_actions import LogFormatter, log

from ..models import Organization, Service
from ..stewardship import language_copies, update_entry

ASSIGN_ACTION = "directory.assign_steward"
HANDOVER_PERMISSION = "directory.hand_over_stewardship"
MODELS = {"organization": Organization, "service": Service}


@hooks.register("register_log_actions")
def register_assignment_log_action(actions):
    @actions.register_action(ASSIGN_ACTION)
    class AssignFormatter(LogFormatter):
        label = _("Assign stewardship")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Steward set to %(steward)s, deputy to %(deputy)s") % {
                "steward": data.get("steward") or _("(unchanged)"),
                "deputy": data.get("deputy") or _("(unchanged)"),
            }


def can_assign(user):
    return user.is_active and (user.is_superuser or user.has_perm(HANDOVER_PERMISSION))


class _UserField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class AssignForm(forms.Form):
    SCOPE_CHOICES = [
        ("selected", _("The entries ticked below")),
        ("filtered", _("Every entry matching the filters")),
    ]
    scope = forms.ChoiceField(
        label=_("Assign to"), choices=SCOPE_CHOICES, initial="selected", widget=forms.RadioSelect
    )
    steward = _UserField(
        label=_("Steward"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Keep the current steward"),
    )
    deputy = _UserField(
        label=_("Deputy"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Keep the current deputy"),
    )
    entries = forms.Field(required=False, widget=forms.MultipleHiddenInput)  # "kind:pk" values
    filters = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["steward"].queryset = active
        self.fields["deputy"].queryset = active

    def clean_entries(self):
        keys = []
        for value in self.cleaned_data.get("entries") or []:
            kind, _sep, pk = value.partition(":")
            if kind in MODELS and pk.isdigit():
                keys.append((kind, int(pk)))
        return keys

    def clean(self):
        data = super().clean()
        steward, deputy = data.get("steward"), data.get("deputy")
        if steward is None and deputy is None:
            raise forms.ValidationError(_("Choose a steward, a deputy or both."))
        if steward is not None and deputy is not None and steward.pk == deputy.pk:
            self.add_error("deputy", _("The deputy must be someone other than the steward."))
        if data.get("scope") == "selected" and not data.get("entries"):
            raise forms.ValidationError(
                _("Tick at least one entry, or choose every entry matching the filters.")
            )
        return data


def _selected(keys):
    entries = []
    for kind, model in MODELS.items():
        ids = [pk for k, pk in keys if k == kind]
        if ids:
            entries += list(model.objects.filter(pk__in=ids).select_related("latest_revision"))
    return entries


def _matching(filters, user):
    """Every entry the dashboard lists with these filters (same rules, same states)."""
    from .reviews import ReviewFilterForm, filtered_entries

    form = ReviewFilterForm(QueryDict(filters or ""))
    return [entry for entry, _state in filtered_entries(form, user)]


def assign(entries, *, steward=None, deputy=None, by):
    """Give ``entries`` (and their language copies) a steward and/or a deputy. Returns
    (changed entries, entries skipped because steward and deputy would be the same person)."""
    changed, skipped = [], []
    with transaction.atomic():
        for entry in entries:
            new_steward = steward.pk if steward else entry.steward_id
            new_deputy = deputy.pk if deputy else entry.deputy_id
            if new_steward is not None and new_steward == new_deputy:
                skipped.append(entry)
                continue
            values = {}
            if steward:
                values["steward_id"] = steward.pk
            if deputy:
                values["deputy_id"] = deputy.pk
            for copy in language_copies(entry):
                if any(getattr(copy, field) != value for field, value in values.items()):
                    update_entry(copy, **values)
            log(
                instance=entry,
                action=ASSIGN_ACTION,
                user=by,
                data={
                    "steward": steward.get_username() if steward else None,
                    "deputy": deputy.get_username() if deputy else None,
                },
            )
            changed.append(entry)
    return changed, skipped


@require_POST
def assign_view(request):
    if not can_assign(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST)
    back = reverse("directory_reviews:index")
    if not form.is_valid():
        for error in [*form.non_field_errors(), *[e for f in form.errors.values() for e in f]]:
            messages.error(request, error)
        return redirect(f"{back}?{request.POST.get('filters', '')}")
    data = form.cleaned_data
    if data["scope"] == "filtered":
        entries = _matching(data["filters"], request.user)
    else:
        entries = _selected(data["entries"])
    changed, skipped = assign(entries, steward=data["steward"], deputy=data["deputy"], by=request.user)
    messages.success(
        request, gettext("Stewardship assigned on %(count)s entries.") % {"count": len(changed)}
    )
    if skipped:
        messages.warning(
            request,
            gettext(
                "%(count)s entries were left unchanged: their steward and deputy would be the same person."
            )
            % {"count": len(skipped)},
        )
    return redirect(f"{back}?{data['filters']}" if data["filters"] else back)
