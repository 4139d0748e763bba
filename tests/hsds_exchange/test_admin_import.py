"""The admin screen: Editors and Moderators check a file first, then import it; drafts only."""

import json
import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from directory.models import Organization, Service
from portal.roles import EDITORS, MODERATORS, organization_editors_group_name

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hsds"
URL = "/admin/directory/hsds-import/"


def client_for(name, group):
    user = User.objects.create_user(name, f"{name}@example.org", "pass-12345-pass")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    return client


def upload(name="organization_full.json", content=None):
    return SimpleUploadedFile(
        name, content or (FIXTURES / name).read_bytes(), content_type="application/json"
    )


@pytest.mark.parametrize("group", [EDITORS, MODERATORS])
def test_check_then_import_creates_drafts(db, group):
    client = client_for("importer", group)
    assert reverse("directory_hsds_import") == URL
    page = client.get("/admin/")
    assert URL in page.content.decode()  # the menu item
    preview = client.post(URL, {"file": upload(), "check": "1"})
    html = preview.content.decode()
    assert 'data-testid="hsds-preview"' in html
    assert "organization “Example Organization Inc.” (draft)" in html
    assert "is not an area in the portal" in html  # warnings are shown
    assert Organization.objects.count() == 0  # the check wrote nothing
    token = preview.context["token"]
    done = client.post(URL, {"checked": token, "import": "1"})
    assert 'data-testid="hsds-done"' in done.content.decode()
    org = Organization.objects.get()
    assert not org.live and org.has_unpublished_changes
    assert Service.objects.filter(live=False).count() == 1
    assert org.latest_revision.user.username == "importer"


def test_problems_are_listed_and_nothing_is_written(db):
    client = client_for("importer", EDITORS)
    bad = json.dumps({"id": "x", "name": "", "description": "No name", "website": "not a url"}).encode()
    html = client.post(URL, {"file": upload("bad.json", bad), "check": "1"}).content.decode()
    assert 'data-testid="hsds-problems"' in html
    assert "bad.json, [1], name: This field cannot be blank." in html
    assert "bad.json, [1], website: Enter a valid URL." in html
    assert 'data-testid="hsds-confirm"' not in html
    assert Organization.objects.count() == 0


def test_upload_over_the_limit_is_refused_before_it_is_read(db, caplog):
    client = client_for("importer", EDITORS)
    caplog.set_level(logging.WARNING, logger="directory.hsds.imports")
    boundary = "BoUnDaRy"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    # The request says 200 MB; only its first megabyte exists (the test client fails any read
    # past it): the upload is refused from the Content-Length, once the file part begins.
    response = client.generic(
        "POST",
        URL,
        head + b"PK\x03\x04" + b"0" * (1024 * 1024),
        content_type=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The upload: is 200.0 MB; files of up to 20.0 MB can be imported. Nothing was read." in html
    assert Organization.objects.count() == 0
    assert "is 200.0 MB" in caplog.text


def test_scoped_editors_and_partners_may_not_import(db):
    scoped = client_for("focal", organization_editors_group_name())
    assert scoped.get(URL).status_code in (302, 403)
    assert URL not in scoped.get("/admin/").content.decode()
    partner = client_for("partner", "Partners")
    assert partner.get(URL).status_code in (302, 403)
