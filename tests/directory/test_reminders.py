"""manage.py send_review_reminders: escalation steward -> deputy -> coordinators, idempotence,
and e-mail failures that are logged and retried."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from directory.models import ReviewReminder
from directory.stewardship import record_verification
from portal.roles import coordinators_group_name

# An organization verified on this date, reviewed every 30 days with the default 14 days'
# notice, is due from DUE_DAY (age 16) and overdue from OVERDUE_DAY (age 31).
VERIFIED = datetime.date(2026, 1, 1)
DUE_DAY = VERIFIED + datetime.timedelta(days=16)
# Never verified, and published long enough ago that its first review is overdue.
NEVER_VERIFIED = {
    "last_verified": None,
    "first_published_at": timezone.make_aware(datetime.datetime.combine(VERIFIED, datetime.time(9)))
    - datetime.timedelta(days=800),
}
OVERDUE_DAY = VERIFIED + datetime.timedelta(days=31)


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class BouncingBackend(LocmemBackend):
    """Delivers, except to addresses at bounce.example.org (refused by the server)."""

    def send_messages(self, messages):
        for message in messages:
            bad = [r for r in message.recipients() if r.endswith("@bounce.example.org")]
            if bad:
                raise smtplib.SMTPRecipientsRefused({r: (550, b"No such user") for r in bad})
        return super().send_messages(messages)


def run(day, *args):
    out, err = StringIO(), StringIO()
    call_command("send_review_reminders", "--today", day.isoformat(), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def sent_to():
    """Recipients of the e-mails sent since the last call, then forget them."""
    recipients = sorted(r for m in mail.outbox for r in m.to)
    mail.outbox.clear()
    return recipients


def user(username, email=None, **extra):
    return User.objects.create_user(
        username, email if email is not None else f"{username}@example.org", "pw-12345-pw", **extra
    )


@pytest.fixture
def coordinators(db):
    group = Group.objects.get(name=coordinators_group_name())
    people = [user("coord1"), user("coord2")]
    for person in people:
        person.groups.add(group)
    user("coord-left", is_active=False).groups.add(group)  # inactive: never written to
    return people


@pytest.fixture
def org(make_org, coordinators):
    return make_org(
        "Reminder Test Centre",
        steward=user("stew"),
        deputy=user("dep"),
        review_interval_days=30,
        last_verified=VERIFIED,
    )


@pytest.mark.django_db
def test_nothing_while_fresh(org):
    run(DUE_DAY - datetime.timedelta(days=1))
    assert sent_to() == []


@pytest.mark.django_db
def test_steward_is_reminded_on_the_due_day_and_only_once(org):
    output = run(DUE_DAY)
    assert sent_to() == ["stew@example.org"]
    assert "1 e-mails sent" in output
    reminder = ReviewReminder.objects.get()
    assert (reminder.organization, reminder.level, reminder.due_on) == (org, "steward", DUE_DAY)

    run(DUE_DAY)  # same day again
    run(DUE_DAY + datetime.timedelta(days=3))  # a later day, same review cycle
    assert sent_to() == []
    assert ReviewReminder.objects.count() == 1


@pytest.mark.django_db
def test_escalation_steward_then_deputy_then_coordinators(make_org, coordinators):
    """First run when the entry is already overdue: steward on day 0, deputy on day 7,
    coordinators on day 14 (the default thresholds), each once."""
    start = OVERDUE_DAY + datetime.timedelta(days=10)
    make_org(steward=user("stew"), deputy=user("dep"), review_interval_days=30, last_verified=VERIFIED)
    expected = {
        0: ["stew@example.org"],
        6: [],
        7: ["dep@example.org"],
        8: [],
        13: [],
        14: ["coord1@example.org", "coord2@example.org"],
        15: [],
        40: [],
    }
    for offset, recipients in expected.items():
        run(start + datetime.timedelta(days=offset))
        assert sent_to() == recipients, f"day {offset}"
    assert sorted(ReviewReminder.objects.values_list("level", flat=True)) == [
        "coordinator",
        "coordinator",
        "deputy",
        "steward",
    ]


@pytest.mark.django_db
@override_settings(DIRECTORY_REMINDER_DEPUTY_AFTER_DAYS=2, DIRECTORY_REMINDER_COORDINATOR_AFTER_DAYS=3)
def test_thresholds_are_settings(org):
    run(OVERDUE_DAY)
    assert sent_to() == ["stew@example.org"]
    run(OVERDUE_DAY + datetime.timedelta(days=2))
    assert sent_to() == ["dep@example.org"]
    run(OVERDUE_DAY + datetime.timedelta(days=3))
    assert sent_to() == ["coord1@example.org", "coord2@example.org"]


@pytest.mark.django_db
def test_deputy_waits_while_the_entry_is_only_due(org):
    run(DUE_DAY)
    assert sent_to() == ["stew@example.org"]
    run(DUE_DAY + datetime.timedelta(days=8))  # 8 days after the reminder, but not overdue yet
    assert sent_to() == []
    run(OVERDUE_DAY)  # now overdue, more than 7 days after the steward's reminder
    assert "dep@example.org" in sent_to()


@pytest.mark.django_db
def test_a_verification_stops_the_escalation(org):
    run(OVERDUE_DAY)
    assert sent_to() == ["stew@example.org"]
    checked = OVERDUE_DAY + datetime.timedelta(days=1)
    record_verification(org, user=org.steward, method="call", outcome="confirmed", verified_on=checked)
    for offset in (1, 7, 14, 15):  # no deputy, no coordinators: the entry is fresh again
        run(checked + datetime.timedelta(days=offset))
    assert sent_to() == []
    run(checked + datetime.timedelta(days=16))  # the next cycle starts with the steward again
    assert sent_to() == ["stew@example.org"]


@pytest.mark.django_db
def test_orphaned_entries_go_straight_to_coordinators(make_org, coordinators):
    make_org("Orphan", steward=user("gone", is_active=False), last_verified=VERIFIED)
    run(VERIFIED + datetime.timedelta(days=1))  # fresh, but nobody looks after it
    assert sent_to() == ["coord1@example.org", "coord2@example.org"]
    assert set(ReviewReminder.objects.values_list("level", flat=True)) == {"coordinator"}
    run(VERIFIED + datetime.timedelta(days=2))
    assert sent_to() == []


@pytest.mark.django_db
def test_a_steward_without_e_mail_falls_to_the_deputy(make_org, coordinators):
    make_org(
        steward=user("noemail", email=""), deputy=user("dep"), review_interval_days=30, last_verified=VERIFIED
    )
    run(DUE_DAY)
    assert sent_to() == ["dep@example.org"]


@pytest.mark.django_db
def test_no_coordinators_is_reported_not_crashed(make_org):
    make_org("Nobody's", **NEVER_VERIFIED)
    output = run(DUE_DAY)
    assert sent_to() == []
    assert "need a coordinator" in output and "Coordinators" in output


@pytest.mark.django_db
def test_one_digest_per_recipient(make_org, make_service, coordinators):
    stew = user("busy")
    first = make_org("Alpha Org", steward=stew, review_interval_days=30, last_verified=VERIFIED)
    make_service(first, "Beta hotline", steward=stew, review_interval_days=30, **NEVER_VERIFIED)
    run(DUE_DAY)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Alpha Org" in body and "Beta hotline" in body and "never verified" in body
    assert "/admin/snippets/directory/organization/edit/" in body
    assert "2 directory entries need a review" in mail.outbox[0].subject
    assert ReviewReminder.objects.count() == 2


@pytest.mark.django_db
def test_demo_entries_are_left_out_unless_asked(make_org, coordinators):
    make_org("Demo Org", is_demo=True, steward=user("demo-stew"), **NEVER_VERIFIED)
    run(DUE_DAY)
    assert sent_to() == []
    run(DUE_DAY, "--include-demo")
    assert sent_to() == ["demo-stew@example.org"]


@pytest.mark.django_db
def test_dry_run_sends_and_records_nothing(org):
    output = run(OVERDUE_DAY, "--dry-run")
    assert "would send 1 e-mails" in output and "stew@example.org" in output
    assert mail.outbox == [] and not ReviewReminder.objects.exists()


@pytest.mark.django_db
def test_a_bad_date_is_a_clear_error(org):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_review_reminders", "--today", "31/12/2026")


# --- failures ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_smtp_down_is_logged_not_recorded_and_retried(org, caplog):
    with override_settings(EMAIL_BACKEND="tests.directory.test_reminders.FailingBackend"):
        output = run(OVERDUE_DAY)  # must not raise
    assert "1 e-mails failed" in output and "FAILED stew@example.org" in output
    assert not ReviewReminder.objects.exists()
    failure = next(r for r in caplog.records if r.name == "directory.reminders")
    assert "stew@example.org" in failure.getMessage() and "SMTPServerDisconnected" in failure.getMessage()
    assert f"organization {org.pk}" in failure.getMessage()

    run(OVERDUE_DAY + datetime.timedelta(days=1))  # the server is back
    assert sent_to() == ["stew@example.org"]
    assert ReviewReminder.objects.filter(level="steward").count() == 1


@pytest.mark.django_db
def test_a_bounce_fails_only_that_recipient(make_org, coordinators):
    make_org("Bouncing", steward=user("stew", "stew@bounce.example.org"), **NEVER_VERIFIED)
    make_org("Fine", steward=user("fine"), **NEVER_VERIFIED)
    with override_settings(EMAIL_BACKEND="tests.directory.test_reminders.BouncingBackend"):
        output = run(DUE_DAY)
    assert sent_to() == ["fine@example.org"]
    assert "1 e-mails failed" in output
    assert list(ReviewReminder.objects.values_list("recipient", flat=True)) == ["fine@example.org"]
