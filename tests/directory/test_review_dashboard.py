"""Directory > Reviews: who may open it, what it lists, its filters, and logging in two clicks."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.freshness import Freshness, freshness
from directory.models import Area, VerificationLog
from portal.roles import EDITORS, MODERATORS, coordinators_group_name

DASHBOARD = "/admin/directory/reviews/"


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def client_in(group_name, username):
    user = User.objects.create_user(username, f"{username}@example.org", "pass-12345-pass")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def steward(db):
    return User.objects.create_user("steward", "steward@example.org", "pass-12345-pass")


@pytest.fixture
def entries(make_org, make_service, steward):
    """One organization and service in each state, in two provinces."""
    fresh = make_org("Fresh Legal Aid", steward=steward, last_verified=ago(5), area_key="KH:12")
    due = make_org("Due Shelter Network", steward=steward, last_verified=ago(170), area_key="KH:02")
    overdue = make_org("Overdue Outreach", steward=steward, last_verified=ago(400), area_key="KH:12")
    orphaned = make_org("Orphaned Clinic", last_verified=ago(1), area_key="KH:02")
    overdue_service = make_service(
        fresh,
        "Overdue hotline",
        steward=steward,
        last_verified=None,  # never verified, and its first review was missed long ago
        first_published_at=timezone.now() - datetime.timedelta(days=400),
    )
    # Under the fresh organization: a fresh service would make its organization fresh too.
    fresh_service = make_service(fresh, "Fresh counselling", steward=steward, last_verified=ago(2))
    return {
        "fresh": fresh,
        "due": due,
        "overdue": overdue,
        "orphaned": orphaned,
        "overdue_service": overdue_service,
        "fresh_service": fresh_service,
    }


def listed(response):
    """Names of the rows on the dashboard page."""
    html = response.content.decode()
    return set(re.findall(r'data-testid="review-row".*?<strong>(.*?)</strong>', html, re.S))


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("group", [EDITORS, MODERATORS, "coordinators"])
def test_editors_moderators_and_coordinators_open_it(entries, group):
    name = coordinators_group_name() if group == "coordinators" else group
    client = client_in(name, "staff")
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "Overdue Outreach" in listed(response)
    assert "Reviews" in client.get("/admin/").content.decode()  # the menu item


@pytest.mark.django_db
def test_anonymous_and_partners_get_nothing(entries, partner_client):
    anonymous = Client()
    for client in (anonymous, partner_client):
        response = client.get(DASHBOARD)
        assert response.status_code in (302, 403)
        assert b"Overdue Outreach" not in response.content
        confirm = reverse("directory_reviews:confirm", args=["organization", entries["overdue"].pk])
        assert client.post(confirm).status_code in (302, 403)
        assert client.post(
            reverse("directory_reviews:verify", args=["organization", entries["overdue"].pk]),
            {
                "verified_on": timezone.localdate().isoformat(),
                "method": "call",
                "outcome": "confirmed",
            },
        ).status_code in (302, 403)
    assert not VerificationLog.objects.exists()
    entries["overdue"].refresh_from_db()
    assert entries["overdue"].last_verified == ago(400)


@pytest.mark.django_db
def test_admin_users_without_the_stewardship_permission_are_refused(entries):
    user = User.objects.create_user("viewer", "viewer@example.org", "pass-12345-pass")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(user)
    assert client.get(DASHBOARD).status_code in (302, 403)
    assert "directory/reviews" not in client.get("/admin/").content.decode()


# --- what it lists -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_due_overdue_and_orphaned_but_not_fresh(editor_client, entries, make_org, steward):
    make_org("Unpublished Draft Org", live=False, steward=steward, last_verified=None)
    make_org("Closed Org", status="closed", steward=steward, last_verified=None)
    response = editor_client.get(DASHBOARD)
    assert listed(response) == {
        "Due Shelter Network",
        "Overdue Outreach",
        "Orphaned Clinic",
        "Overdue hotline",
    }
    html = response.content.decode()
    counts = html[html.index('data-testid="review-counts"') :]
    html = html[html.index('data-testid="review-table"') :]
    overdue_row = html[html.index(f'data-pk="{entries["overdue"].pk}" data-state="overdue"') :]
    assert "<td>steward</td>" in overdue_row[: overdue_row.index("</tr>")]
    # Overdue first (never verified before the oldest), then orphaned, then due.
    order = [
        html.index(name) for name in ("Overdue hotline", "Overdue Outreach", "Orphaned Clinic", "Due Shelter")
    ]
    assert order == sorted(order)
    assert "2 overdue" in counts and "1 orphaned" in counts and "1 due" in counts


@pytest.mark.django_db
def test_filters_by_state_kind_organization_and_province(editor_client, entries):
    assert listed(editor_client.get(DASHBOARD, {"state": "overdue"})) == {
        "Overdue Outreach",
        "Overdue hotline",
    }
    assert listed(editor_client.get(DASHBOARD, {"kind": "service"})) == {"Overdue hotline"}
    assert listed(editor_client.get(DASHBOARD, {"organization": entries["fresh"].pk})) == {"Overdue hotline"}
    battambang = Area.objects.get(key="KH:02")
    assert listed(editor_client.get(DASHBOARD, {"province": battambang.pk})) == {
        "Due Shelter Network",
        "Orphaned Clinic",
    }
    everything = listed(editor_client.get(DASHBOARD, {"state": "all"}))
    assert {"Fresh Legal Aid", "Fresh counselling"} <= everything


@pytest.mark.django_db
def test_bad_filter_values_do_not_break_the_page(editor_client, entries):
    response = editor_client.get(
        DASHBOARD, {"province": "nope", "organization": "999999", "state": "<x>", "p": "zz"}
    )
    assert response.status_code == 200


# --- two clicks ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_confirm_in_two_clicks(editor_client, editor_user, entries):
    """Click 1 opens the dashboard, click 2 presses "Confirmed by call today" on the row."""
    overdue = entries["overdue"]
    page = editor_client.get(DASHBOARD, {"state": "overdue"}).content.decode()
    row = page[page.index(f'data-kind="organization" data-pk="{overdue.pk}"') :]
    action = re.search(r'<form method="post" action="([^"]+)"', row).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', row).group(1).replace("&amp;", "&")

    response = editor_client.post(action, {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url  # back to the same filtered dashboard

    overdue.refresh_from_db()
    assert overdue.last_verified == timezone.localdate()
    assert freshness(overdue) == Freshness.FRESH
    log = overdue.verifications.get()
    assert (log.method, log.outcome, log.verified_by) == ("call", "confirmed", editor_user)
    assert "Overdue Outreach" not in listed(editor_client.get(response["Location"]))


@pytest.mark.django_db
def test_confirm_is_post_only_and_ignores_foreign_redirects(editor_client, entries):
    url = reverse("directory_reviews:confirm", args=["service", entries["overdue_service"].pk])
    assert editor_client.get(url).status_code == 405
    response = editor_client.post(url, {"next": "https://evil.example.net/"})
    assert response["Location"] == DASHBOARD
    assert editor_client.post(reverse("directory_reviews:confirm", args=["area", 1])).status_code == 404


@pytest.mark.django_db
def test_full_form_is_one_click_from_the_row(editor_client, entries):
    page = editor_client.get(DASHBOARD).content.decode()
    service = entries["overdue_service"]
    row = page[page.index(f'data-kind="service" data-pk="{service.pk}"') :]
    link = re.search(r'href="([^"]+)"[^>]*data-testid="verify-link"', row).group(1).replace("&amp;", "&")
    form = editor_client.get(link)
    assert form.status_code == 200
    assert 'name="outcome"' in form.content.decode() and 'name="languages_answered"' in form.content.decode()
