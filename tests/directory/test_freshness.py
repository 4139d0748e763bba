"""Freshness (directory/freshness.py) at every boundary, and what the public pages say about it."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone

from directory.freshness import Freshness, freshness, public_freshness, verified_days_ago

TODAY = datetime.date(2026, 6, 30)


def days_before(n, today=TODAY):
    return today - datetime.timedelta(days=n)


@pytest.fixture
def steward(db):
    return User.objects.create_user("steward", "steward@example.org", "pass-12345-pass")


@pytest.fixture
def deputy(db):
    return User.objects.create_user("deputy", "deputy@example.org", "pass-12345-pass")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (0, Freshness.FRESH),
        (165, Freshness.FRESH),  # the day before it falls due (180 - 14 = 166)
        (166, Freshness.DUE),  # due day
        (179, Freshness.DUE),
        (180, Freshness.DUE),  # interval day: still valid, but due
        (181, Freshness.OVERDUE),  # the day after the interval
        (900, Freshness.OVERDUE),
    ],
)
def test_boundaries_with_default_interval(make_org, steward, age, expected):
    org = make_org(steward=steward, last_verified=days_before(age))
    assert org.review_interval_days == 180
    assert freshness(org, TODAY) == expected
    assert verified_days_ago(org, TODAY) == age


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "expected"),
    [(22, Freshness.FRESH), (23, Freshness.DUE), (30, Freshness.DUE), (31, Freshness.OVERDUE)],
)
@override_settings(DIRECTORY_REVIEW_DUE_SOON_DAYS=7)
def test_boundaries_follow_the_entry_interval_and_the_due_soon_setting(
    make_org, make_service, steward, age, expected
):
    org = make_org(steward=steward)
    service = make_service(org, deputy=steward, review_interval_days=30, last_verified=days_before(age))
    assert freshness(service, TODAY) == expected


def published_days_before(entry, n):
    """Date the entry's first publication `n` days before TODAY (its review clock's start)."""
    when = timezone.make_aware(datetime.datetime.combine(days_before(n), datetime.time(12)))
    type(entry).objects.filter(pk=entry.pk).update(first_published_at=when)
    entry.first_published_at = when
    return entry


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("published_ago", "expected"),
    [
        (0, Freshness.UNVERIFIED),  # just published: "not yet verified", never "overdue"
        (165, Freshness.UNVERIFIED),  # the day before its first review falls due
        (166, Freshness.DUE),  # first review due (180 - 14)
        (180, Freshness.DUE),  # last day of the first interval
        (181, Freshness.OVERDUE),  # the first review was missed
    ],
)
def test_never_verified_is_not_yet_verified_until_its_first_review_falls_due(
    make_org, steward, published_ago, expected
):
    org = published_days_before(make_org(steward=steward, last_verified=None), published_ago)
    assert freshness(org, TODAY) == expected
    assert public_freshness(org, TODAY) == expected
    assert verified_days_ago(org, TODAY) is None


@pytest.mark.django_db
def test_never_published_entry_counts_from_its_creation(make_org, make_service, steward):
    org = make_org(steward=steward)
    service = make_service(org, steward=steward, live=False, first_published_at=None)
    assert freshness(service) == Freshness.UNVERIFIED  # created today


@pytest.mark.django_db
def test_organization_is_as_current_as_its_most_current_service(make_org, make_service, steward):
    org = published_days_before(make_org(steward=steward, last_verified=days_before(400)), 500)
    service = make_service(org, steward=steward, last_verified=days_before(400))
    assert freshness(org, TODAY) == Freshness.OVERDUE
    # "Confirmed by call today" on the service reached the organization too.
    service.last_verified = TODAY
    service.save()
    assert freshness(org, TODAY) == Freshness.FRESH
    assert verified_days_ago(org, TODAY) == 0
    # A draft (unpublished) service does not count.
    service.live = False
    service.save()
    assert freshness(org, TODAY) == Freshness.OVERDUE


@pytest.mark.django_db
def test_organization_takes_the_best_state_even_with_a_shorter_interval(make_org, make_service, steward):
    # Organization every 90 days, service every 365: both verified 100 days ago. The service is
    # fresh, so the organization must not read "overdue" above it.
    org = make_org(steward=steward, review_interval_days=90, last_verified=days_before(100))
    make_service(org, steward=steward, review_interval_days=365, last_verified=days_before(100))
    assert freshness(org, TODAY) == Freshness.FRESH


@pytest.mark.django_db
def test_orphaned_when_no_active_steward_or_deputy(make_org, steward, deputy):
    org = make_org(last_verified=days_before(1))
    assert freshness(org, TODAY) == Freshness.ORPHANED  # nobody at all

    org.steward, org.deputy = steward, deputy
    steward.is_active = False
    steward.save()
    assert freshness(org, TODAY) == Freshness.FRESH  # the deputy still looks after it

    deputy.is_active = False
    deputy.save()
    assert freshness(org, TODAY) == Freshness.ORPHANED  # both left
    # The public is told the verification age (a fact), never that the staff left.
    assert public_freshness(org, TODAY) == Freshness.FRESH
    org.last_verified = days_before(400)
    assert public_freshness(org, TODAY) == Freshness.OVERDUE


@pytest.mark.django_db
def test_interval_is_validated(make_org):
    from django.core.exceptions import ValidationError

    org = make_org(review_interval_days=6)
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "review_interval_days" in error.value.message_dict
    org.review_interval_days = 731
    with pytest.raises(ValidationError):
        org.full_clean()


@pytest.mark.django_db
@override_settings(DIRECTORY_REVIEW_INTERVAL_DAYS=90)
def test_default_interval_comes_from_the_setting(make_org):
    assert make_org().review_interval_days == 90


# --- public pages ------------------------------------------------------------------------------


def public_page(slug):
    response = Client().get(f"/directory/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_page_says_how_many_days_ago_it_was_verified(make_org, make_service, steward):
    today = timezone.localdate()
    org = make_org(slug="checked", steward=steward, last_verified=today - datetime.timedelta(days=12))
    make_service(org, "Legal aid", steward=steward, last_verified=today - datetime.timedelta(days=1))
    make_service(org, "Counselling", steward=steward, last_verified=None)
    make_service(org, "Outreach", steward=steward, last_verified=today - datetime.timedelta(days=20))
    html = public_page("checked")
    # The organization reads its latest verification, its own or a service's (the legal aid call).
    organization_line = html.split('data-testid="last-verified"', 1)[1].split("</p>", 1)[0]
    assert "Last verified 1 day ago" in organization_line
    assert "Last verified 1 day ago" in html  # the service, singular
    assert "Last verified 20 days ago" in html
    assert "Not yet verified" in html  # the counselling service
    assert 'data-testid="overdue-notice"' not in html  # the organization itself is fresh


@pytest.mark.django_db
def test_overdue_organization_says_so(make_org, steward):
    make_org(slug="stale", steward=steward, last_verified=timezone.localdate() - datetime.timedelta(days=400))
    html = public_page("stale")
    assert "This entry is overdue for review" in html
    assert 'data-testid="overdue-notice"' in html


@pytest.mark.django_db
def test_orphaned_entry_reads_its_verification_age_without_naming_staff(make_org):
    gone = User.objects.create_user("leaver", "leaver@example.org", "x", first_name="Sokha", is_active=False)
    org = make_org(slug="orphan", steward=gone, last_verified=timezone.localdate())
    html = public_page("orphan")
    assert 'data-testid="overdue-notice"' not in html  # verified today: that is a fact
    assert "Last verified today" in html
    # The slug is in the page's address (also percent-encoded, in the share links): nothing else.
    assert "orphan" not in re.sub(r"(/|%2f)orphan(/|%2f)", "", html.lower())
    assert "Sokha" not in html and "leaver" not in html
    org.last_verified = timezone.localdate() - datetime.timedelta(days=400)
    org.save()
    assert 'data-testid="overdue-notice"' in public_page("orphan")


@pytest.mark.django_db
def test_just_published_entry_is_not_yet_verified_not_overdue(make_org, make_service, steward):
    org = make_org(slug="new-entry", steward=steward, first_published_at=timezone.now())
    make_service(org, "New counselling", steward=steward, first_published_at=timezone.now())
    html = public_page("new-entry")
    assert 'data-testid="overdue-notice"' not in html
    assert "overdue" not in html.lower()
    assert html.count("Not yet verified") >= 2  # the organization and its service


@pytest.mark.django_db
def test_service_confirmed_today_and_organization_banner_agree(make_org, make_service, steward):
    from directory.models.stewardship import VerificationMethod, VerificationOutcome
    from directory.stewardship import record_verification

    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    org = make_org(slug="one-page", steward=steward, last_verified=long_ago)
    service = make_service(org, "Hotline", steward=steward, last_verified=long_ago)
    html = public_page("one-page")
    assert 'data-testid="overdue-notice"' in html  # both overdue: consistent
    record_verification(
        service, user=steward, method=VerificationMethod.CALL, outcome=VerificationOutcome.CONFIRMED
    )
    html = public_page("one-page")
    assert 'data-testid="overdue-notice"' not in html
    assert "overdue" not in html.lower()
    organization_line = html.split('data-testid="last-verified"', 1)[1].split("</p>", 1)[0]
    assert "Last verified today" in organization_line
    service_line = html.split('data-testid="service-verified"', 1)[1].split("</dd>", 1)[0]
    assert "Last verified today" in service_line
