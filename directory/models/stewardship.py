"""Stewardship records: the verification log, the reminders sent and visitors' update suggestions.

Steward, deputy and review interval are fields of Organization and Service; how current an
entry is follows from them (``directory.freshness``). The logic that writes these records
lives in ``directory.stewardship``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..validators import validate_plain_text


class VerificationMethod(models.TextChoices):
    CALL = "call", _("Phone call")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    SELF_REPORT = "self_report", _("Self-report by the organization")


class VerificationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed: the entry is correct")
    CHANGED = "changed", _("Changed: the entry was corrected")
    UNREACHABLE = "unreachable", _("Unreachable: nobody answered")


# Outcomes that make an entry verified as of the log's date.
VERIFYING_OUTCOMES = (VerificationOutcome.CONFIRMED, VerificationOutcome.CHANGED)

_ONE_ENTRY = (Q(organization__isnull=False) & Q(service__isnull=True)) | (
    Q(organization__isnull=True) & Q(service__isnull=False)
)


class EntryRecord(models.Model):
    """A record about exactly one organization or one service."""

    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def entry(self):
        return self.organization if self.organization_id else self.service

    @property
    def entry_kind(self):
        return "organization" if self.organization_id else "service"

    def set_entry(self, entry):
        from .organization import Organization

        if isinstance(entry, Organization):
            self.organization, self.service = entry, None
        else:
            self.organization, self.service = None, entry


class VerificationLog(EntryRecord):
    """One check of an entry: when, by whom, how and with what result."""

    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="verifications"
    )
    verified_on = models.DateField(default=timezone.localdate)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verifications_logged",
    )
    method = models.CharField(max_length=12, choices=VerificationMethod.choices)
    outcome = models.CharField(max_length=12, choices=VerificationOutcome.choices)
    answered = models.BooleanField(
        _("hotline answered"),
        null=True,
        blank=True,
        help_text=_("For hotlines: did someone answer the call? Leave empty for other entries."),
    )
    languages_answered = models.ManyToManyField(
        "directory.Language",
        blank=True,
        related_name="+",
        help_text=_("For hotlines: the languages the call could be handled in."),
    )
    note = models.TextField(blank=True, max_length=2000, validators=[validate_plain_text])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-verified_on", "-pk"]
        verbose_name = _("verification")
        permissions = [("hand_over_stewardship", _("Can hand over stewardship to another user"))]
        constraints = [
            models.CheckConstraint(condition=_ONE_ENTRY, name="directory_verificationlog_one_entry"),
        ]

    def __str__(self):
        return f"{self.entry} – {self.get_outcome_display()} ({self.verified_on:%Y-%m-%d})"

    @property
    def refreshes_date(self):
        return self.outcome in VERIFYING_OUTCOMES

    @property
    def hotline_not_answered(self):
        return self.answered is False


class ReminderLevel(models.TextChoices):
    STEWARD = "steward", _("Steward")
    DEPUTY = "deputy", _("Deputy")
    COORDINATOR = "coordinator", _("Coordinators")


class ReviewReminder(EntryRecord):
    """A review reminder that was sent (failed sends are logged, not recorded, and retried).

    ``due_on`` identifies the review cycle: the date the entry fell due (or, for an entry never
    verified, the date it was created). At most one reminder per entry, cycle, level and
    recipient exists.
    """

    due_on = models.DateField()
    level = models.CharField(max_length=12, choices=ReminderLevel.choices)
    recipient = models.EmailField()
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_date = models.DateField(help_text=_("The date of the run that sent it (escalation counts from it)."))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("review reminder")
        constraints = [
            models.CheckConstraint(condition=_ONE_ENTRY, name="directory_reviewreminder_one_entry"),
            models.UniqueConstraint(
                fields=["organization", "due_on", "level", "recipient"],
                condition=Q(organization__isnull=False),
                name="directory_reminder_once_per_org_cycle",
            ),
            models.UniqueConstraint(
                fields=["service", "due_on", "level", "recipient"],
                condition=Q(service__isnull=False),
                name="directory_reminder_once_per_service_cycle",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} reminder to {self.recipient} ({self.due_on:%Y-%m-%d})"


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted (entry updated)")
    REJECTED = "rejected", _("Rejected")


SUGGESTION_MAX_LENGTH = 4000


class UpdateSuggestion(models.Model):
    """A visitor's "suggest an update" message. Never published: an editor reads it and, if it
    is right, changes the entry through the normal draft and moderation steps."""

    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="suggestions"
    )
    message = models.TextField(max_length=SUGGESTION_MAX_LENGTH)
    name = models.CharField(_("their name"), max_length=200, blank=True)
    email = models.EmailField(_("their e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    editor_note = models.TextField(
        blank=True, max_length=2000, help_text=_("For editors only: what was done about it.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("update suggestion")

    def __str__(self):
        return f"{self.organization.name}: {self.excerpt}" if self.organization_id else self.excerpt

    @property
    def excerpt(self):
        text = " ".join(self.message.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    excerpt.fget.short_description = _("suggestion")

    @property
    def contact(self):
        return " ".join(part for part in (self.name, f"<{self.email}>" if self.email else "") if part)
