"""Hand over stewardship: every steward and deputy role of a departing user moves to a
successor in one step, recorded in the audit log."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry, Revision

from directory.models import Organization, Service
from directory.stewardship import hand_over
from portal.roles import EDITORS, MODERATORS, coordinators_group_name

HANDOVER = reverse("directory_reviews:handover")


def person(username, group=None, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-12345-pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def roles(make_org, make_service):
    leaver, successor, other = person("leaver"), person("successor"), person("other")
    org1 = make_org("Leaver's Org", steward=leaver, deputy=other)
    org2 = make_org("Deputised Org", steward=other, deputy=leaver)
    untouched = make_org("Other's Org", steward=other)
    service = make_service(untouched, "Leaver's hotline", steward=leaver)
    return {
        "leaver": leaver,
        "successor": successor,
        "other": other,
        "org1": org1,
        "org2": org2,
        "untouched": untouched,
        "service": service,
    }


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("group", [MODERATORS, "coordinators"])
def test_handover_moves_every_role_in_one_step(roles, group):
    name = coordinators_group_name() if group == "coordinators" else group
    coordinator = person("boss", name)
    client = logged_in(coordinator)
    page = client.get(HANDOVER)
    assert page.status_code == 200
    assert "leaver" in page.content.decode()

    response = client.post(HANDOVER, {"from_user": roles["leaver"].pk, "to_user": roles["successor"].pk})
    assert response.status_code == 302

    assert reload(roles["org1"]).steward == roles["successor"]
    assert reload(roles["org1"]).deputy == roles["other"]
    assert reload(roles["org2"]).deputy == roles["successor"]
    assert reload(roles["org2"]).steward == roles["other"]
    assert reload(roles["service"]).steward == roles["successor"]
    assert reload(roles["untouched"]).steward == roles["other"]
    assert not Organization.objects.filter(steward=roles["leaver"]).exists()
    assert not Organization.objects.filter(deputy=roles["leaver"]).exists()
    assert not Service.objects.filter(steward=roles["leaver"]).exists()

    logs = ModelLogEntry.objects.filter(action="directory.handover")
    assert logs.count() == 3
    org1_log = logs.get(object_id=str(roles["org1"].pk), content_type__model="organization")
    assert org1_log.user == coordinator
    assert org1_log.data["roles"] == ["steward"]
    assert org1_log.data["from"]["username"] == "leaver" and org1_log.data["to"]["username"] == "successor"
    assert "handed over from leaver to successor" in org1_log.message
    assert not logs.filter(object_id=str(roles["untouched"].pk), content_type__model="organization").exists()


@pytest.mark.django_db
def test_handover_shows_in_the_entry_history(roles, admin_client, admin_user):
    hand_over(roles["leaver"], roles["successor"], by=admin_user)
    history = admin_client.get(
        reverse("wagtailsnippets_directory_organization:history", args=[roles["org1"].pk])
    )
    assert "Stewardship handed over from leaver to successor" in history.content.decode()


@pytest.mark.django_db
def test_all_or_nothing(roles, admin_user):
    """If anything fails half-way, no role has moved."""
    calls = {"n": 0}

    def flaky_log(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("audit log unavailable")

    with mock.patch("directory.stewardship.log", side_effect=flaky_log), pytest.raises(RuntimeError):
        hand_over(roles["leaver"], roles["successor"], by=admin_user)
    assert reload(roles["org1"]).steward == roles["leaver"]
    assert reload(roles["org2"]).deputy == roles["leaver"]


@pytest.mark.django_db
def test_a_pending_draft_does_not_bring_the_leaver_back(roles, admin_user):
    org = roles["org1"]
    org.save_revision(user=admin_user).publish(user=admin_user)
    org = reload(org)
    org.description = "Draft in moderation"
    draft = org.save_revision(user=admin_user)
    hand_over(roles["leaver"], roles["successor"], by=admin_user)
    Revision.objects.get(pk=draft.pk).publish(user=admin_user)
    org = reload(org)
    assert org.description == "Draft in moderation"
    assert org.steward == roles["successor"]


@pytest.mark.django_db
def test_successor_holding_both_roles_is_flagged(make_org, admin_client):
    leaver, successor = person("leaver2"), person("successor2")
    org = make_org(steward=leaver, deputy=successor)
    response = admin_client.post(HANDOVER, {"from_user": leaver.pk, "to_user": successor.pk}, follow=True)
    assert "choose another deputy" in response.content.decode()
    assert reload(org).steward == successor


@pytest.mark.django_db
def test_same_user_or_inactive_successor_is_refused(roles, admin_client):
    response = admin_client.post(HANDOVER, {"from_user": roles["leaver"].pk, "to_user": roles["leaver"].pk})
    assert response.status_code == 400
    assert "to_user" in response.context["form"].errors
    inactive = person("inactive", is_active=False)
    response = admin_client.post(HANDOVER, {"from_user": roles["leaver"].pk, "to_user": inactive.pk})
    assert response.status_code == 400
    assert reload(roles["org1"]).steward == roles["leaver"]


@pytest.mark.django_db
def test_editors_partners_and_anonymous_cannot_hand_over(roles, partner_client):
    editor = logged_in(person("ed", EDITORS))
    for client in (editor, partner_client, Client()):
        response = client.post(HANDOVER, {"from_user": roles["leaver"].pk, "to_user": roles["successor"].pk})
        assert response.status_code in (302, 403)
    assert reload(roles["org1"]).steward == roles["leaver"]
    assert not ModelLogEntry.objects.filter(action="directory.handover").exists()


# --- steward and deputy on the edit form ---------------------------------------------------------


@pytest.mark.django_db
def test_edit_form_refuses_the_same_person_twice_and_keeps_a_departed_steward(make_org, admin_client):
    from tests.directory.test_admin import edit_form, form_errors

    active, departed = person("active"), person("departed", is_active=False)
    org = make_org(steward=departed)
    form = edit_form(admin_client, org)
    assert form.data["steward"] == str(departed.pk)  # still offered, so the entry can be saved

    errors = form_errors(form.set(steward=active, deputy=active).post(admin_client))
    assert "deputy" in errors

    response = edit_form(admin_client, org).set(steward=active, deputy=departed).post(admin_client)
    assert response.status_code == 302
    draft = reload(org).get_latest_revision_as_object()
    assert (draft.steward, draft.deputy) == (active, departed)
