"""`manage.py setup_portal`: reference data, demo data once, admin and partner accounts once."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import ReferenceIndex

from directory.models import Area, Organization
from portal.management.commands import setup_portal
from search.contract import Query
from search.engines import database_engine

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("setup_portal", "--no-communes", *args, stdout=out)
    return out.getvalue()


def printed_password(output, username):
    match = re.search(rf"Username:\s+{username}\s*\n\s*Password:\s+(\S+)", output)
    assert match, output
    return match.group(1)


@pytest.fixture
def load_demo_calls(monkeypatch):
    """Record demo loads instead of running them, and skip the reference data (already loaded
    for the session). The real steps run in the first two tests."""
    calls = []
    monkeypatch.setattr(setup_portal, "load_demo", lambda stdout=None: calls.append(stdout))
    monkeypatch.setattr(setup_portal, "call_command", lambda *args, **kwargs: None)
    return calls


def test_first_run_sets_everything_up_and_second_run_changes_nothing():
    first = run()

    english = Organization.objects.filter(locale__language_code="en")
    assert english.filter(is_demo=True, live=True).count() == 150
    # ... each with a Khmer translation (drafts for native review), one search document per entry
    assert Organization.objects.filter(is_demo=True, live=True, locale__language_code="km").count() == 150
    poipet = english.get(slug="poipet-transit-centre-mosvy")
    assert ReferenceIndex.get_references_for_object(poipet).exists()  # the admin's "usage" data
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    admin_password = printed_password(first, "admin")
    assert admin.check_password(admin_password)
    assert "http://127.0.0.1:8000/admin/" in first
    partner = User.objects.get(username="partner")
    assert not partner.is_staff and not partner.is_superuser
    assert partner.groups.filter(name="Partners").exists()
    partner_password = printed_password(first, "partner")
    assert partner.check_password(partner_password)
    assert admin_password != partner_password
    assert len(admin_password) >= 16  # secrets.token_urlsafe(12)
    # The demo is searchable at once: setup rebuilds the search index.
    assert "database: indexed 150 organization" in first
    found = database_engine().search(Query(text="Poi Pet", kinds=["organization"]))
    assert any("Poipet" in hit.title for hit in found.hits)
    # A Khmer word inside the Khmer name of an organization that had none before (សួនក្តីសង្ឃឹម)
    found = database_engine().search(Query(text="ក្តីសង្ឃឹម", kinds=["organization"], locale="km"))
    assert any("សួនក្តីសង្ឃឹម" in re.sub("</?mark>", "", hit.title) for hit in found.hits)

    # An editor's change to a demo entry must survive the next `make run`.
    mosvy = english.get(slug="ministry-of-social-affairs-veterans-and-youth-rehabilitation")
    mosvy.name = "Edited by an editor"
    mosvy.save()

    second = run()
    assert "Password:" not in second
    assert admin_password not in second
    assert "already loaded" in second
    assert "changepassword admin" in second
    assert User.objects.filter(is_superuser=True).count() == 1
    assert User.objects.count() == 2
    assert User.objects.get(username="admin").check_password(admin_password)
    assert english.filter(is_demo=True).count() == 150
    assert Organization.objects.filter(is_demo=True).count() == 337  # and no translation twice
    mosvy.refresh_from_db()
    assert mosvy.name == "Edited by an editor"


def test_loads_reference_data():
    Area.objects.filter(key="KH:17").update(name_en="Wrong name")
    run("--no-demo")
    assert Area.objects.get(key="KH:17").name_en == "Siemreap"


def test_demo_loaded_only_when_no_demo_organization_exists(load_demo_calls, make_org):
    run()
    assert len(load_demo_calls) == 1
    make_org(is_demo=True)
    output = run()
    assert len(load_demo_calls) == 1
    assert "--reload-demo" in output


def test_reload_demo_forces_a_reload(load_demo_calls, make_org):
    make_org(is_demo=True)
    run("--reload-demo")
    assert len(load_demo_calls) == 1


def test_draft_demo_organization_still_counts_as_loaded(load_demo_calls, make_org):
    make_org(is_demo=True, live=False)  # an editor unpublished it: do not bring it back
    run()
    assert load_demo_calls == []


def test_no_demo_skips_demo_data_and_partner(load_demo_calls):
    output = run("--no-demo")
    assert load_demo_calls == []
    assert not User.objects.filter(username="partner").exists()
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    assert printed_password(output, "admin")


def test_existing_superuser_is_kept(load_demo_calls):
    User.objects.create_superuser("boss", "boss@example.org", "boss-pass-123")
    output = run("--no-demo")
    assert not User.objects.filter(username="admin").exists()
    assert "changepassword boss" in output
    assert "Password:" not in output


def test_non_superuser_called_admin_is_not_promoted(load_demo_calls):
    User.objects.create_user("admin", "admin@example.org", "x-pass-123")
    output = run("--no-demo")
    user = User.objects.get(username="admin")
    assert not user.is_superuser
    assert user.check_password("x-pass-123")
    assert "createsuperuser" in output


def test_existing_partner_keeps_password_and_joins_group(load_demo_calls, make_org):
    make_org(is_demo=True)
    User.objects.create_user("partner", "partner@example.org", "partner-pass-123")
    output = run()
    partner = User.objects.get(username="partner")
    assert partner.check_password("partner-pass-123")
    assert partner.groups.filter(name="Partners").exists()
    assert Group.objects.filter(name="Partners").count() == 1
    assert "changepassword partner" in output
    assert printed_password(output, "admin")


def test_conflicting_flags_are_refused():
    with pytest.raises(CommandError):
        run("--no-demo", "--reload-demo")


def test_printed_links_follow_the_address_make_run_serves_on(load_demo_calls):
    output = run("--base-url", "http://127.0.0.1:8031/")
    assert "Log in at: http://127.0.0.1:8031/admin/" in output
    assert "http://127.0.0.1:8031/accounts/login/" in output
    assert "127.0.0.1:8000" not in output
