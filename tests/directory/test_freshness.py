"""Freshness (directory/freshness.py) at every boundary, and what the public pages say about it."""

import datetime

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


@pytest.mark.django_db
def test_never_verified_is_overdue(make_org, steward):
    org = make_org(steward=steward, last_verified=None)
    assert freshness(org, TODAY) == Freshness.OVERDUE
    assert verified_days_ago(org, TODAY) is None


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
    # The public is told "overdue", never that the staff left.
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
    html = public_page("checked")
    assert "Last verified 12 days ago" in html
    assert "Last verified 1 day ago" in html  # the service, singular
    assert "Not yet verified" in html  # the counselling service
    assert 'data-testid="overdue-notice"' not in html  # the organization itself is fresh


@pytest.mark.django_db
def test_overdue_organization_says_so(make_org, steward):
    make_org(slug="stale", steward=steward, last_verified=timezone.localdate() - datetime.timedelta(days=400))
    html = public_page("stale")
    assert "This entry is overdue for review" in html
    assert 'data-testid="overdue-notice"' in html


@pytest.mark.django_db
def test_orphaned_reads_as_overdue_without_naming_staff(make_org):
    gone = User.objects.create_user("leaver", "leaver@example.org", "x", first_name="Sokha", is_active=False)
    make_org(slug="orphan", steward=gone, last_verified=timezone.localdate())
    html = public_page("orphan")
    assert 'data-testid="overdue-notice"' in html
    assert "orphan" not in html.replace("/directory/orphan/", "").lower()
    assert "Sokha" not in html and "leaver" not in html
