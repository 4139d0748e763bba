"""Review reminders by e-mail: steward first, then deputy, then the coordinators.

For each published entry (default locale, not demo unless asked) that is due, overdue or
orphaned, in its current review cycle (``cycle_date``: the date it fell due, or for an entry
never verified the date it was created):

1. **steward**: as soon as the entry is due or overdue, its steward is reminded (its deputy
   instead when the steward is inactive or has no e-mail address);
2. **deputy**: when the entry is still *overdue* ``DIRECTORY_REMINDER_DEPUTY_AFTER_DAYS``
   after the first reminder of the cycle, the deputy is reminded too;
3. **coordinators**: when it is still overdue ``DIRECTORY_REMINDER_COORDINATOR_AFTER_DAYS``
   after the first reminder, every active member of the Coordinators group with an e-mail
   address is reminded. Orphaned entries (no active steward or deputy), and entries whose
   steward and deputy have no e-mail address, go to the coordinators at once.

Every reminder sent is stored as a ``ReviewReminder`` (entry, cycle, level, recipient), unique
per entry, cycle, level and recipient, so running the command again sends nothing twice. Each
recipient gets one e-mail per run listing all their entries. A send that fails (SMTP server
down, recipient refused) is logged with its details and not stored, so the next run retries it;
the run goes on with the other recipients.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .freshness import Freshness, due_date, verified_days_ago
from .models import Organization
from .models.stewardship import ReminderLevel, ReviewReminder
from .stewardship import entries_needing_review, reviewable_organizations, reviewable_services

logger = logging.getLogger("directory.reminders")


@dataclass
class Reminder:
    entry: object
    state: str
    due_on: datetime.date
    level: str
    email: str
    user: object = None


@dataclass
class RunResult:
    today: datetime.date
    planned: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # Reminder
    failed: list = field(default_factory=list)  # (email, error text, [Reminder])
    emails_sent: int = 0
    no_coordinators: list = field(default_factory=list)  # entries that needed coordinators

    def summary(self, dry_run=False):
        by_level = defaultdict(int)
        for reminder in self.planned if dry_run else self.sent:
            by_level[reminder.level] += 1
        levels = ", ".join(f"{count} {level}" for level, count in sorted(by_level.items())) or "none"
        if dry_run:
            recipients = len({r.email for r in self.planned})
            text = (
                f"Dry run for {self.today}: would send {recipients} e-mails "
                f"({len(self.planned)} reminders: {levels})."
            )
        else:
            text = (
                f"Review reminders for {self.today}: {self.emails_sent} e-mails sent "
                f"({len(self.sent)} reminders: {levels}); {len(self.failed)} e-mails failed"
                + (" (logged; retried on the next run)" if self.failed else "")
                + "."
            )
        if self.no_coordinators:
            text += (
                f" {len(self.no_coordinators)} entries need a coordinator but the "
                f"{settings.DIRECTORY_COORDINATOR_GROUP} group has nobody with an e-mail address."
            )
        return text


def cycle_date(entry):
    """The review cycle an entry is in: the date it falls due, or its creation date when it
    was never verified."""
    return due_date(entry) or timezone.localdate(entry.created_at)


def _reachable(user):
    return user is not None and user.is_active and bool(user.email)


def coordinators():
    User = get_user_model()
    return list(
        User.objects.filter(groups__name=settings.DIRECTORY_COORDINATOR_GROUP, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def _entry_key(entry):
    return ("organization" if isinstance(entry, Organization) else "service", entry.pk)


def _sent_reminders(entries):
    """{(kind, pk, due_on): [ReviewReminder]} for the given [(entry, state)]."""
    org_ids = [e.pk for e, _s in entries if isinstance(e, Organization)]
    service_ids = [e.pk for e, _s in entries if not isinstance(e, Organization)]
    found = defaultdict(list)
    rows = ReviewReminder.objects.filter(organization_id__in=org_ids) | ReviewReminder.objects.filter(
        service_id__in=service_ids
    )
    for row in rows:
        kind = "organization" if row.organization_id else "service"
        found[(kind, row.organization_id or row.service_id, row.due_on)].append(row)
    return found


def plan(today=None, include_demo=False):
    """The reminders to send on ``today`` (nothing already sent is planned again)."""
    today = today or timezone.localdate()
    organizations = reviewable_organizations()
    services = reviewable_services()
    if not include_demo:
        organizations = organizations.filter(is_demo=False)
        services = services.filter(is_demo=False)
    entries = entries_needing_review(today, organizations=organizations, services=services)
    already = _sent_reminders(entries)
    coordinator_users = coordinators()
    deputy_after = datetime.timedelta(days=settings.DIRECTORY_REMINDER_DEPUTY_AFTER_DAYS)
    coordinator_after = datetime.timedelta(days=settings.DIRECTORY_REMINDER_COORDINATOR_AFTER_DAYS)

    result = RunResult(today=today)
    for entry, state in entries:
        due_on = cycle_date(entry)
        sent = already.get((*_entry_key(entry), due_on), [])
        anchor = min((row.run_date for row in sent), default=None)
        wanted = []  # (level, user)
        steward = entry.steward if _reachable(entry.steward) else None
        deputy = entry.deputy if _reachable(entry.deputy) else None
        needs_coordinators = state == Freshness.ORPHANED or not (steward or deputy)
        if not needs_coordinators:
            if steward:
                wanted.append((ReminderLevel.STEWARD, steward))
            else:
                wanted.append((ReminderLevel.DEPUTY, deputy))
            if state == Freshness.OVERDUE and anchor is not None:
                if deputy and steward and deputy.pk != steward.pk and today >= anchor + deputy_after:
                    wanted.append((ReminderLevel.DEPUTY, deputy))
                if today >= anchor + coordinator_after:
                    needs_coordinators = True
        if needs_coordinators:
            if not coordinator_users:
                result.no_coordinators.append(entry)
            wanted.extend((ReminderLevel.COORDINATOR, user) for user in coordinator_users)

        done = {(row.level, row.recipient.lower()) for row in sent}
        for level, user in wanted:
            if (level, user.email.lower()) in done:
                continue
            done.add((level, user.email.lower()))
            result.planned.append(Reminder(entry, state, due_on, level, user.email, user))
    return result


# --- the e-mail ------------------------------------------------------------------------------

ROLE_TEXT = {
    ReminderLevel.STEWARD: "you are its steward",
    ReminderLevel.DEPUTY: "you are its deputy steward",
    ReminderLevel.COORDINATOR: "you coordinate the directory",
}
STATE_TEXT = {
    Freshness.DUE: "due for review",
    Freshness.OVERDUE: "OVERDUE for review",
    Freshness.ORPHANED: "ORPHANED: no active steward or deputy",
}


def _admin_url(name, *args):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def edit_url(entry):
    return _admin_url(f"wagtailsnippets_directory_{entry._meta.model_name}:edit", entry.pk)


def _entry_line(reminder, today):
    entry = reminder.entry
    age = verified_days_ago(entry, today)
    if age is None:
        verified = "never verified"
    else:
        verified = f"last verified {entry.last_verified:%Y-%m-%d} ({age} days ago)"
    label = entry.name if isinstance(entry, Organization) else f"{entry.name} ({entry.organization.name})"
    return (
        f"* {label}\n"
        f"  {STATE_TEXT[reminder.state]}; {verified}; {ROLE_TEXT[reminder.level]}.\n"
        f"  Edit: {edit_url(entry)}"
    )


def compose(email, reminders, today):
    count = len(reminders)
    subject = (
        f"[{settings.WAGTAIL_SITE_NAME}] {count} directory "
        f"{'entry needs' if count == 1 else 'entries need'} a review"
    )
    lines = [
        "Hello,",
        "",
        "These directory entries need someone to check that they are still right:",
        "",
        *[_entry_line(r, today) for r in reminders],
        "",
        "Call, e-mail or visit, then log the verification in the Reviews dashboard "
        "(a hotline that does not answer is worth logging too):",
        _admin_url("directory_reviews:index"),
        "",
        "If you are leaving or changing role, ask a coordinator to hand your entries over.",
        "",
        f"-- {settings.WAGTAIL_SITE_NAME}",
    ]
    return EmailMessage(subject=subject, body="\n".join(lines), to=[email])


def send(result, dry_run=False):
    """Send the planned reminders (one e-mail per recipient) and record the ones that went."""
    by_email = defaultdict(list)
    for reminder in result.planned:
        by_email[reminder.email].append(reminder)
    if dry_run:
        return result
    try:
        connection = get_connection()
    except Exception as exc:  # a misconfigured backend: log, send nothing, retry next run
        logger.error("Review reminders: no e-mail connection (%s: %s)", type(exc).__name__, exc)
        result.failed = [(email, str(exc), items) for email, items in by_email.items()]
        return result
    try:
        for email, reminders in by_email.items():
            message = compose(email, reminders, result.today)
            message.connection = connection
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # SMTP down, recipient refused, anything: retry next run
                entries = ", ".join(f"{r.entry._meta.model_name} {r.entry.pk}" for r in reminders)
                logger.error(
                    "Review reminder to %s failed (%s: %s); entries: %s; levels: %s. "
                    "Not recorded: it will be retried on the next run.",
                    email,
                    type(exc).__name__,
                    exc,
                    entries,
                    ", ".join(sorted({r.level for r in reminders})),
                    exc_info=True,
                )
                result.failed.append((email, f"{type(exc).__name__}: {exc}", reminders))
                continue
            result.emails_sent += 1
            _record(result.today, reminders)
            result.sent.extend(reminders)
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the summary
            logger.warning("Review reminders: closing the e-mail connection failed", exc_info=True)
    return result


def _record(today, reminders):
    for reminder in reminders:
        row = ReviewReminder(
            due_on=reminder.due_on,
            level=reminder.level,
            recipient=reminder.email,
            recipient_user=reminder.user,
            run_date=today,
        )
        row.set_entry(reminder.entry)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # recorded by a concurrent run: fine, it was sent once already
            logger.info("Review reminder already recorded: %s", row)


def run(today=None, dry_run=False, include_demo=False):
    return send(plan(today, include_demo=include_demo), dry_run=dry_run)
