"""Registration numbers and other identifiers (OrganizationIdentifier) are edited on the
organization's admin form: an editor's new identifier waits in the draft, and once published it
is in the public HSDS export (identifiers carry no tier: registration numbers are public)."""

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Organization, OrganizationIdentifier
from portal.roles import EDITORS, MODERATORS

from .test_admin import _member, edit_form, form_errors, organization_form

pytestmark = pytest.mark.django_db


def _client(username, group):
    client = Client()
    client.force_login(_member(username, group))
    return client


def _package(client):
    response = client.get(reverse("directory:hsds_datapackage"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _identifier_rows(files):
    return list(csv.DictReader(io.StringIO(files["organization_identifiers.csv"])))


def test_the_organization_form_has_an_identifiers_panel(admin_client):
    data = organization_form(admin_client)
    assert "identifiers-TOTAL_FORMS" in data.data
    html = admin_client.get(reverse("wagtailsnippets_directory_organization:add")).content.decode()
    assert "Registration numbers and other identifiers" in html
    assert "Register (scheme)" in html and "Kind of identifier" in html


def test_an_editor_adds_an_identifier_and_once_published_it_is_in_the_hsds_export(admin_client):
    response = organization_form(admin_client, name="Mekong Legal Aid", slug="mekong-legal-aid").post(
        admin_client, action="publish"
    )
    assert response.status_code == 302, form_errors(response)
    org = Organization.objects.get(slug="mekong-legal-aid")

    editor = _client("ed", EDITORS)
    data = edit_form(editor, org).add_row(
        "identifiers", identifier_scheme="KH-MOI", identifier_type="NGO registration", identifier="1234"
    )
    response = data.post(editor)
    assert response.status_code == 302, form_errors(response)

    # A draft: the live organization (and so the public export) does not have it yet.
    assert not OrganizationIdentifier.objects.filter(organization=org).exists()
    draft = Organization.objects.get(pk=org.pk).get_latest_revision_as_object()
    assert [(i.identifier_scheme, i.identifier_type, i.identifier) for i in draft.identifiers.all()] == [
        ("KH-MOI", "NGO registration", "1234")
    ]
    assert _identifier_rows(_package(Client())) == []

    moderator = _client("mod", MODERATORS)
    response = edit_form(moderator, org).post(moderator, action="publish")
    assert response.status_code == 302, form_errors(response)
    assert [(i.identifier_scheme, i.identifier) for i in org.identifiers.all()] == [("KH-MOI", "1234")]

    rows = _identifier_rows(_package(Client()))
    assert [(r["identifier_scheme"], r["identifier_type"], r["identifier"]) for r in rows] == [
        ("KH-MOI", "NGO registration", "1234")
    ]
    assert rows[0]["organization_id"] == str(org.translation_key)


def test_an_identifier_needs_its_kind_and_value_to_be_published(admin_client):
    data = organization_form(admin_client).add_row("identifiers", identifier_scheme="KH-MOI")
    errors = form_errors(data.post(admin_client, action="publish"))
    assert "identifiers-0-identifier" in errors and "identifiers-0-identifier_type" in errors
    assert not Organization.objects.filter(slug="friends-of-the-mekong").exists()


def test_the_ndjson_export_carries_the_identifiers(admin_client, tmp_path):
    from django.core.management import call_command

    data = organization_form(admin_client).add_row(
        "identifiers", identifier_scheme="GB-COH", identifier_type="Company number", identifier="0987"
    )
    response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    target = tmp_path / "directory.ndjson"
    call_command("export_hsds", "--ndjson", "--output", str(target), stdout=io.StringIO())
    (line,) = target.read_text(encoding="utf-8").splitlines()
    found = json.loads(line)["organization_identifiers"]
    assert [(i["identifier_scheme"], i["identifier"]) for i in found] == [("GB-COH", "0987")]
