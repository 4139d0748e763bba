"""Stewardship in the admin edit screens and the queue of visitors' update suggestions.

* ``stewardship_panels``: steward, deputy and review interval, with the last-verified date
  (it changes only by logging a verification) and the latest verifications of the entry.
* ``UpdateSuggestionViewSet``: Directory > Suggestions, the moderation queue of the public
  "suggest an update" form, showing new suggestions first. Editors read a suggestion, change
  the entry through the normal draft and moderation steps if it is right, and mark it accepted
  or rejected. Nothing a visitor writes is ever copied into an entry automatically.
"""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from ..freshness import Freshness, freshness, last_verified_on, verified_days_ago
from ..models import SuggestionStatus, UpdateSuggestion
from .scoping import ScopedViewSetMixin

# --- organization and service edit screens -----------------------------------------------------


class VerificationHistoryPanel(Panel):
    """The entry's freshness and latest verifications, with links to log one and to the history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "directory/admin/verification_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            entry = self.instance
            kind = entry._meta.model_name
            context["entry_saved"] = bool(entry.pk)
            if entry.pk:
                context.update(
                    state=Freshness(freshness(entry)).label,
                    days=verified_days_ago(entry),
                    last_verified=last_verified_on(entry),
                    logs=list(entry.verifications.select_related("verified_by")[:5]),
                    verify_url=reverse("directory_reviews:verify", args=[kind, entry.pk]),
                    history_url=reverse("directory_reviews:history", args=[kind, entry.pk]),
                )
            return context


def stewardship_panels():
    return [
        FieldRowPanel([FieldPanel("steward"), FieldPanel("deputy")], heading=_("Who keeps it current")),
        FieldPanel("review_interval_days"),
        VerificationHistoryPanel(heading=_("Verifications")),
    ]


def _creator(form):
    """The editor creating a new entry (None when editing one, or without a user)."""
    user = getattr(form, "for_user", None)
    if form.instance.pk is not None or user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


def limit_steward_choices(form):
    """Offer active users as steward and deputy, plus whoever holds the role now (so an entry
    whose steward was deactivated can still be saved while a successor is found). On a new
    entry the editor creating it is offered as its steward."""
    User = get_user_model()
    current = [getattr(form.instance, f"{role}_id") for role in ("steward", "deputy")]
    queryset = User.objects.filter(Q(is_active=True) | Q(pk__in=[pk for pk in current if pk])).order_by(
        "username"
    )
    for role in ("steward", "deputy"):
        field = form.fields.get(role)
        if field is not None:
            field.queryset = queryset
            field.label_from_instance = _user_label
    creator = _creator(form)
    if creator is not None and "steward" in form.fields and form.instance.steward_id is None:
        form.initial["steward"] = creator.pk  # the instance's empty value would win over field.initial


def _user_label(user):
    name = user.get_full_name()
    label = f"{name} ({user.get_username()})" if name else user.get_username()
    return label if user.is_active else f"{label} – {_('inactive')}"


def clean_stewardship(form, cleaned_data):
    """Steward and deputy differ; a new entry saved without a steward gets its creator (whoever
    creates an entry keeps it current unless another steward is chosen)."""
    creator = _creator(form)
    if creator is not None and "steward" in form.fields and cleaned_data.get("steward") is None:
        cleaned_data["steward"] = creator
    steward, deputy = cleaned_data.get("steward"), cleaned_data.get("deputy")
    if steward is not None and deputy is not None and steward.pk == deputy.pk:
        form.add_error("deputy", _("The deputy must be someone other than the steward."))


# --- suggestions queue ---------------------------------------------------------------------------


class SuggestionPermissionPolicy(ModelPermissionPolicy):
    """Suggestions come from the public form only: nobody adds or copies one in the admin."""

    NEVER = {"add", "copy"}

    def user_has_permission(self, user, action):
        return action not in self.NEVER and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(UpdateSuggestion, SuggestionPermissionPolicy(UpdateSuggestion))


class SuggestionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=SuggestionStatus.choices, empty_label=_("All")
    )

    class Meta:
        model = UpdateSuggestion
        fields = ["status", "organization"]

    def __init__(self, data=None, *args, **kwargs):
        # New suggestions are what editors came for: that is the default view of the queue.
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = SuggestionStatus.NEW
        super().__init__(data, *args, **kwargs)


class SuggestionAdminForm(WagtailAdminModelForm):
    def save(self, commit=True):
        suggestion = self.instance
        if "status" in self.changed_data:
            if suggestion.status == SuggestionStatus.NEW:
                suggestion.handled_by, suggestion.handled_at = None, None
            else:
                suggestion.handled_by = self.for_user
                suggestion.handled_at = timezone.now()
        return super().save(commit=commit)


class UpdateSuggestionViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = UpdateSuggestion
    icon = "mail"
    menu_label = _("Suggestions")
    menu_order = 260
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    filterset_class = SuggestionFilterSet
    search_fields = ["message", "organization__name"]
    search_backend_name = None
    list_display = [
        "excerpt",
        Column("organization", label=_("Organization"), accessor="organization.name"),
        Column("contact", label=_("From")),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        DateColumn("created_at", label=_("Received")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("organization", read_only=True),
            FieldPanel("message", read_only=True),
            FieldRowPanel([FieldPanel("name", read_only=True), FieldPanel("email", read_only=True)]),
            FieldPanel("status", widget=forms.RadioSelect),
            FieldPanel("editor_note"),
        ],
        base_form_class=SuggestionAdminForm,
    )

    def base_queryset(self, request):  # narrowed by ScopedViewSetMixin.get_queryset
        return UpdateSuggestion.objects.select_related("organization", "handled_by")
