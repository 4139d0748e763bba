"""The public "suggest an update" form: sanitizing, rate limit, CSRF, honeypot, moderation."""

import re
import smtplib

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse

from directory.models import Organization, UpdateSuggestion
from directory.suggestions import plain_text
from portal.roles import EDITORS


class DownBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(make_org):
    steward = User.objects.create_user("stew", "stew@example.org", "pw-12345-pw")
    return make_org("Suggestible Centre", slug="suggestible", steward=steward, description="Original text.")


def suggest_url(slug="suggestible"):
    return reverse("directory:organization_suggest", kwargs={"slug": slug})


def post(client, data, slug="suggestible", **extra):
    return client.post(suggest_url(slug), data, **extra)


@pytest.mark.django_db
def test_page_has_the_form_with_a_csrf_token(org):
    html = Client().get("/directory/suggestible/").content.decode()
    form = html[html.index('id="suggest"') :]
    assert f'action="{suggest_url()}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="message"' in form and 'name="email"' in form


@pytest.mark.django_db
def test_a_suggestion_is_stored_for_editors_and_never_published(org):
    client = Client()
    response = post(
        client, {"message": "The hotline moved to 012 000 000.", "name": "Dara", "email": "dara@example.org"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/directory/suggestible/#suggest"
    suggestion = UpdateSuggestion.objects.get()
    assert (suggestion.organization, suggestion.status) == (org, "new")
    assert suggestion.contact == "Dara <dara@example.org>"

    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="suggest-thanks"' in page
    assert "012 000 000" not in page  # nothing a visitor writes reaches the page
    assert Organization.objects.get(pk=org.pk).description == "Original text."


@pytest.mark.django_db
def test_the_steward_is_told(org):
    post(Client(), {"message": "Office closed on Fridays now."})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["stew@example.org"]
    assert "Office closed on Fridays now." in mail.outbox[0].body
    assert "/admin/snippets/directory/updatesuggestion/edit/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_mail_failure_still_keeps_the_suggestion(org, caplog):
    with override_settings(EMAIL_BACKEND="tests.directory.test_suggestions.DownBackend"):
        response = post(Client(), {"message": "Please update the hours."})
    assert response.status_code == 302
    assert UpdateSuggestion.objects.count() == 1
    assert any(
        "stew@example.org" in r.getMessage() for r in caplog.records if r.name == "directory.suggestions"
    )


# --- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<script>alert(1)</script>New number", "New number"),
        ("<b>bold</b> & <i>italic</i>", "bold & italic"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok"),
        ('<img src=x onerror="alert(1)">photo', "photo"),
        ("line one\r\nline two\x07\x1b[31m", "line one\nline two[31m"),
        ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
        ("ខ្ញុំ\u200bចង់ប្ដូរ", "ខ្ញុំ\u200bចង់ប្ដូរ"),  # Khmer with its zero-width space survives
    ],
)
def test_plain_text(raw, clean):
    assert plain_text(raw) == clean


@pytest.mark.django_db
def test_markup_is_removed_before_storing(org):
    post(Client(), {"message": "<script>steal()</script><p>Phone changed</p>", "name": "<b>Dara</b>"})
    suggestion = UpdateSuggestion.objects.get()
    assert suggestion.message == "Phone changed"
    assert suggestion.name == "Dara"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"message": ""}, "message", "Write what should change"),
        ({"message": "<script>only()</script>"}, "message", "in words"),
        ({"message": "x" * 4001}, "message", "under 4000 characters"),
        ({"message": "y" * 1_000_000}, "message", "under 4000 characters"),
        ({"message": "null\x00byte"}, "message", "Null characters"),
        ({"message": "ok", "email": "not-an-address"}, "email", "valid email"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(org, data, field, text):
    response = post(Client(), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert text in html
    assert "<details open>" in html  # the form is open on its errors
    assert field in response.context["suggestion_form"].errors
    assert not UpdateSuggestion.objects.exists()


@pytest.mark.django_db
def test_honeypot_pretends_success_and_stores_nothing(org):
    response = post(Client(), {"message": "Buy cheap watches", "website": "http://spam.example.net"})
    assert response.status_code == 302
    assert not UpdateSuggestion.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_unknown_or_unpublished_organization_is_404(make_org):
    make_org(slug="hidden", live=False)
    assert post(Client(), {"message": "hi"}, slug="hidden").status_code == 404
    assert post(Client(), {"message": "hi"}, slug="nowhere").status_code == 404


# --- cross-site posting and rate limit ------------------------------------------------------------


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused(org):
    client = Client(enforce_csrf_checks=True)
    response = post(client, {"message": "From another site"})
    assert response.status_code == 403
    assert not UpdateSuggestion.objects.exists()

    page = client.get("/directory/suggestible/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert post(client, {"message": "From the page", "csrfmiddlewaretoken": token}).status_code == 302
    assert UpdateSuggestion.objects.get().message == "From the page"


@pytest.mark.django_db
@override_settings(DIRECTORY_SUGGESTION_RATE_LIMIT=3)
def test_rate_limit_per_client(org):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        assert post(client, {"message": f"suggestion {n}"}).status_code == 302
    response = post(client, {"message": "one too many"})
    assert response.status_code == 429
    assert "Too many suggestions" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert UpdateSuggestion.objects.count() == 3
    assert not UpdateSuggestion.objects.filter(message="one too many").exists()

    other = Client(REMOTE_ADDR="198.51.100.9")  # another client is not affected
    assert post(other, {"message": "from elsewhere"}).status_code == 302


@pytest.mark.django_db
def test_the_default_limit_is_five_an_hour(org):
    client = Client(REMOTE_ADDR="203.0.113.8")
    statuses = [post(client, {"message": f"m{n}"}).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]


@pytest.mark.django_db
def test_the_address_itself_is_not_kept(org):
    from directory.suggestions import client_key

    class Request:
        META = {"REMOTE_ADDR": "203.0.113.7"}

    assert "203.0.113.7" not in client_key(Request())


# --- moderation queue --------------------------------------------------------------------------


def editors_client():
    user = User.objects.create_user("ed", "ed@example.org", "pw-12345-pw")
    user.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(user)
    return client, user


QUEUE = "/admin/snippets/directory/updatesuggestion/"


@pytest.mark.django_db
def test_queue_shows_new_suggestions_by_default(org):
    UpdateSuggestion.objects.create(organization=org, message="Waiting for an editor")
    UpdateSuggestion.objects.create(organization=org, message="Dealt with already", status="accepted")
    client, _user = editors_client()
    html = client.get(QUEUE).content.decode()
    assert "Waiting for an editor" in html and "Dealt with already" not in html
    everything = client.get(QUEUE, {"status": ""}).content.decode()
    assert "Dealt with already" in everything


@pytest.mark.django_db
def test_editor_marks_a_suggestion_handled(org):
    suggestion = UpdateSuggestion.objects.create(organization=org, message="Phone changed", name="Dara")
    client, user = editors_client()
    url = reverse("wagtailsnippets_directory_updatesuggestion:edit", args=[suggestion.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Phone changed" in page.content.decode()
    response = client.post(
        url, {"status": "accepted", "editor_note": "Updated the phone", "message": "HACKED"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.handled_by, suggestion.editor_note) == (
        "accepted",
        user,
        "Updated the phone",
    )
    assert suggestion.handled_at is not None
    assert suggestion.message == "Phone changed"  # the visitor's text is read-only


@pytest.mark.django_db
def test_partners_and_anonymous_cannot_see_the_queue(org, partner_client):
    UpdateSuggestion.objects.create(organization=org, message="Private note")
    for client in (partner_client, Client()):
        response = client.get(QUEUE)
        assert response.status_code in (302, 403)
        assert b"Private note" not in response.content


@pytest.mark.django_db
def test_nobody_adds_suggestions_in_the_admin(org, admin_client):
    suggestion = UpdateSuggestion.objects.create(organization=org, message="From the public form")
    listing = admin_client.get(QUEUE).content.decode()
    assert "Add update suggestion" not in listing
    edit = reverse("wagtailsnippets_directory_updatesuggestion:edit", args=[suggestion.pk])
    assert f'href="{edit}"' in listing  # each row opens the suggestion
    response = admin_client.get(reverse("wagtailsnippets_directory_updatesuggestion:add"))
    assert response.status_code in (302, 403)
    assert UpdateSuggestion.objects.count() == 1
