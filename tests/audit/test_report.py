"""The admin report: moderators and administrators only; filters by user, organization and date;
a CSV export whose cells cannot run as spreadsheet formulas."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry

URL = "/admin/reports/access-log/"


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("moderator", "moderator@example.org", "moderator-pass-123")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def add(username, org=None, days_ago=0, label="Record", kind="organization_page", tier="partners"):
    return AccessLogEntry.objects.create(
        viewed_at=timezone.now() - datetime.timedelta(days=days_ago),
        username=username,
        kind=kind,
        object_id="1",
        label=label,
        tier=tier,
        organization_key=org.translation_key if org else None,
    )


@pytest.fixture
def logged(make_org):
    first, second = make_org("First Shelter"), make_org("Second Shelter")
    return {
        "first": first,
        "second": second,
        "alice_first": add("alice", first, days_ago=1, label="First Shelter"),
        "bob_first": add("bob", first, days_ago=10, label="First Shelter"),
        "alice_second": add("alice", second, days_ago=30, label="Second Shelter"),
    }


def listed(response):
    html = response.content.decode()
    return {pk for pk in AccessLogEntry.objects.values_list("pk", flat=True) if f'data-entry="{pk}"' in html}


def test_moderator_and_superuser_open_the_report_but_editors_and_partners_do_not(
    client, moderator, editor_user, staff_editor, partner_user, logged
):
    for user, allowed in (
        (moderator, True),
        (editor_user, True),
        (staff_editor, False),
        (partner_user, False),
    ):
        client.force_login(user)
        response = client.get(URL)
        if allowed:
            assert response.status_code == 200 and b"alice" in response.content, user.username
        else:  # Wagtail answers a refusal with a redirect (to its home page, or to sign in)
            assert response.status_code == 302 and b"alice" not in response.content, user.username
        client.logout()
    client.force_login(staff_editor)
    response = client.get(URL + "?format=csv")
    assert response.status_code == 302 and not getattr(response, "streaming", False)
    assert b"access-log" not in client.get(reverse("wagtailadmin_home")).content


def test_filters_by_user_organization_and_date(client, moderator, logged):
    client.force_login(moderator)
    assert listed(client.get(URL)) == {logged[k].pk for k in ("alice_first", "bob_first", "alice_second")}
    assert listed(client.get(URL + "?user=alice")) == {logged["alice_first"].pk, logged["alice_second"].pk}
    org = logged["first"].pk
    assert listed(client.get(URL + f"?organization={org}")) == {
        logged["alice_first"].pk,
        logged["bob_first"].pk,
    }
    day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert listed(client.get(URL + f"?date_from={day}&date_to={day}")) == {logged["bob_first"].pk}
    assert listed(client.get(URL + f"?user=alice&organization={org}")) == {logged["alice_first"].pk}


def test_reversed_dates_get_a_clear_message_and_list_nothing(client, moderator, logged):
    client.force_login(moderator)
    response = client.get(URL + "?date_from=2026-05-02&date_to=2026-05-01")
    assert response.status_code == 200
    assert b"The start date is after the end date." in response.content
    assert listed(response) == set()


def test_csv_export_follows_the_filters(client, moderator, logged):
    client.force_login(moderator)
    response = client.get(URL + f"?organization={logged['first'].pk}&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["viewed_at", "user", "kind"]
    assert sorted(row[1] for row in rows[1:]) == ["alice", "bob"]
    assert all(row[4] == "First Shelter" and row[5] == "partners" for row in rows[1:])


def test_csv_cells_that_spreadsheets_would_run_are_kept_text(client, moderator, make_org):
    for start in ("=", "+", "-", "@"):
        add(f"{start}user", label=f'{start}HYPERLINK("http://evil.example")')
    client.force_login(moderator)
    body = b"".join(client.get(URL + "?format=csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert len(rows) == 4
    for row in rows:
        assert row[1].startswith("'") and row[4].startswith("'"), row
