"""Stewardship in the admin: the creator of an entry becomes its steward; the Reviews dashboard's
"my entries" and "unassigned" filters and bulk steward/deputy assignment (Moderators and
Coordinators only)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from directory.admin.assignment import ASSIGN_ACTION
from directory.models import Organization, Service
from portal.roles import EDITORS, MODERATORS, coordinators_group_name

from .test_admin import form_errors, organization_form, service_form

DASHBOARD = "/admin/directory/reviews/"
ASSIGN = "/admin/directory/reviews/assign/"


def member(username, group):
    user = User.objects.create_user(username, f"{username}@example.org", "pass-12345-pass")
    user.groups.add(Group.objects.get(name=group))
    return user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def listed(response):
    html = response.content.decode()
    return set(re.findall(r'data-testid="review-row".*?<strong>(.*?)</strong>', html, re.S))


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


# --- whoever creates an entry becomes its steward --------------------------------------------


@pytest.mark.django_db
def test_the_editor_creating_an_organization_becomes_its_steward():
    editor = member("creator", EDITORS)
    client = client_for(editor)
    data = organization_form(client)
    assert str(data.data.get("steward")) == str(editor.pk)  # offered on the form
    response = data.post(client)
    assert response.status_code == 302, form_errors(response)
    assert Organization.objects.get(slug="friends-of-the-mekong").steward == editor


@pytest.mark.django_db
def test_a_steward_left_empty_is_the_creator_and_another_choice_wins(make_org):
    editor = member("creator", EDITORS)
    colleague = member("colleague", EDITORS)
    client = client_for(editor)
    org = make_org("Host Org")
    response = service_form(client, org, name="Cleared steward", steward="").post(client)
    assert response.status_code == 302, form_errors(response)
    assert Service.objects.get(name="Cleared steward").steward == editor
    response = service_form(client, org, name="Chosen steward", steward=colleague.pk).post(client)
    assert response.status_code == 302, form_errors(response)
    assert Service.objects.get(name="Chosen steward").steward == colleague


@pytest.mark.django_db
def test_editing_an_entry_does_not_make_the_editor_its_steward(make_org):
    from .test_admin import edit_form

    editor = member("passer-by", EDITORS)
    client = client_for(editor)
    org = make_org("Unassigned Org", live=False)
    response = edit_form(client, org).post(client)
    assert response.status_code == 302, form_errors(response)
    org.refresh_from_db()
    assert org.steward is None


# --- dashboard: my entries, unassigned, bulk assignment -------------------------------------


@pytest.fixture
def people(db):
    return {
        "editor": member("ed", EDITORS),
        "moderator": member("mo", MODERATORS),
        "coordinator": member("co", coordinators_group_name()),
        "other": member("other", EDITORS),
    }


@pytest.fixture
def board(make_org, make_service, people):
    mine = make_org("Mine Overdue", steward=people["editor"], last_verified=ago(400))
    deputy_of = make_org(
        "Deputy Overdue", steward=people["other"], deputy=people["editor"], last_verified=ago(400)
    )
    theirs = make_org("Theirs Overdue", steward=people["other"], last_verified=ago(400))
    nobody = make_org("Nobody Org", last_verified=ago(400))
    nobody_service = make_service(theirs, "Nobody hotline", last_verified=ago(400))
    return {
        "mine": mine,
        "deputy_of": deputy_of,
        "theirs": theirs,
        "nobody": nobody,
        "service": nobody_service,
    }


@pytest.mark.django_db
def test_my_entries_lists_where_i_am_steward_or_deputy(people, board):
    client = client_for(people["editor"])
    assert listed(client.get(DASHBOARD, {"stewardship": "mine"})) == {"Mine Overdue", "Deputy Overdue"}


@pytest.mark.django_db
def test_unassigned_lists_entries_without_a_steward(people, board):
    client = client_for(people["editor"])
    assert listed(client.get(DASHBOARD, {"stewardship": "unassigned"})) == {"Nobody Org", "Nobody hotline"}


@pytest.mark.django_db
def test_editors_see_no_assignment_form_and_cannot_post_one(people, board):
    client = client_for(people["editor"])
    html = client.get(DASHBOARD).content.decode()
    assert 'data-testid="bulk-assign"' not in html and 'data-testid="select-entry"' not in html
    response = client.post(
        ASSIGN,
        {
            "scope": "selected",
            "entries": [f"organization:{board['nobody'].pk}"],
            "steward": people["editor"].pk,
        },
    )
    assert response.status_code in (302, 403)  # Wagtail turns "permission denied" into a redirect
    assert response.status_code == 403 or response.url == "/admin/"
    board["nobody"].refresh_from_db()
    assert board["nobody"].steward is None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["moderator", "coordinator"])
def test_moderators_and_coordinators_assign_ticked_entries(people, board, who):
    client = client_for(people[who])
    html = client.get(DASHBOARD).content.decode()
    assert 'data-testid="bulk-assign"' in html and 'data-testid="select-entry"' in html
    response = client.post(
        ASSIGN,
        {
            "scope": "selected",
            "entries": [f"organization:{board['nobody'].pk}", f"service:{board['service'].pk}"],
            "steward": people["editor"].pk,
            "deputy": people["other"].pk,
            "filters": "stewardship=unassigned",
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("?stewardship=unassigned")
    for entry in (board["nobody"], board["service"]):
        entry.refresh_from_db()
        assert (entry.steward, entry.deputy) == (people["editor"], people["other"])
        assert ModelLogEntry.objects.for_instance(entry).filter(action=ASSIGN_ACTION).exists()
    board["theirs"].refresh_from_db()
    assert board["theirs"].steward == people["other"]  # not ticked: unchanged
    assert listed(client_for(people["editor"]).get(DASHBOARD, {"stewardship": "unassigned"})) == set()


@pytest.mark.django_db
def test_assign_every_entry_matching_the_filters_and_keep_the_other_role(people, board):
    client = client_for(people["moderator"])
    response = client.post(
        ASSIGN, {"scope": "filtered", "filters": "stewardship=unassigned", "deputy": people["moderator"].pk}
    )
    assert response.status_code == 302
    for entry in (board["nobody"], board["service"]):
        entry.refresh_from_db()
        assert entry.deputy == people["moderator"] and entry.steward is None  # steward kept (empty)
    board["mine"].refresh_from_db()
    assert board["mine"].deputy is None  # outside the filter


@pytest.mark.django_db
def test_assignment_refuses_the_same_person_twice_and_an_empty_choice(people, board):
    client = client_for(people["moderator"])
    entries = [f"organization:{board['mine'].pk}"]
    # The deputy would be the steward already on the entry: left unchanged and reported.
    response = client.post(
        ASSIGN, {"scope": "selected", "entries": entries, "deputy": people["editor"].pk}, follow=True
    )
    board["mine"].refresh_from_db()
    assert board["mine"].deputy is None
    assert "left unchanged" in response.content.decode()
    response = client.post(ASSIGN, {"scope": "selected", "entries": entries}, follow=True)
    assert "Choose a steward, a deputy or both." in response.content.decode()
    response = client.post(ASSIGN, {"scope": "selected", "steward": people["editor"].pk}, follow=True)
    assert "Tick at least one entry" in response.content.decode()
