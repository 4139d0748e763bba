"""Editors import library records in the admin: a dry run that reports every problem, then an
import that writes all records or none."""

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from library.models import LibraryDocumentPage

HEADER = "title,doc_type,issuer,year,countries,language,topics,notes\n"
GOOD = (
    HEADER
    + "Safe migration handbook for returnees,guideline,IOM Cambodia,2012,KH;TH,en,safe-migration,\n"
    + "Sub-decree on the management of sending workers abroad,sub_decree,Royal Government of Cambodia,2011,KH,km,labour-migration,\n"
)
BAD = HEADER + "A record with a made-up type,poem,Nobody,1750,KH,en,,\n"
RIS_BROKEN = "TY  - RPRT\nTI  - Good report\nPY  - 2010\nER  - \nTI  - no type line\nER  - \n"


def post(client, content, name="records.csv", **extra):
    data = {"file": SimpleUploadedFile(name, content.encode()), "format": "", **extra}
    return client.post(reverse("library_import"), data)


def test_dry_run_lists_what_would_be_created_and_writes_nothing(editor_client, library):
    response = post(editor_client, GOOD, check="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-dry-run"' in html
    assert "Safe migration handbook for returnees" in html
    assert not LibraryDocumentPage.objects.exists()


def test_import_creates_every_record_as_drafts(editor_client, library):
    response = post(editor_client, GOOD, **{"import": "1"})
    assert 'data-testid="import-done"' in response.content.decode()
    titles = sorted(LibraryDocumentPage.objects.values_list("title", flat=True))
    assert titles == [
        "Safe migration handbook for returnees",
        "Sub-decree on the management of sending workers abroad",
    ]
    assert not LibraryDocumentPage.objects.filter(live=True).exists()


def test_a_bad_row_imports_nothing_and_names_the_problem(editor_client, library):
    response = post(editor_client, GOOD + BAD.split("\n", 1)[1], **{"import": "1"})
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "poem" in html and "1750" in html
    assert not LibraryDocumentPage.objects.exists()


def test_broken_ris_record_is_reported_by_line(editor_client, library):
    response = post(editor_client, RIS_BROKEN, name="zotero.ris", check="1")
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "line" in html.lower()
    assert not LibraryDocumentPage.objects.exists()


def test_only_editors_reach_the_import(library):
    assert Client().get(reverse("library_import")).status_code == 302  # to the admin login
    partner = User.objects.create_user("import-partner", "p@example.org", "x")
    partner.groups.add(Group.objects.get_or_create(name="Partners")[0])
    client = Client()
    client.force_login(partner)
    assert client.get(reverse("library_import")).status_code in (302, 403)


def _member_of(group_name, username):
    """A user in one of the groups Wagtail's migrations create (page permissions on the root page)
    and ``ensure_roles`` extends: what a real Editor or Moderator account has, not a superuser."""
    user = User.objects.create_user(username, f"{username}@example.org", "x")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_imports_drafts_and_cannot_publish(library):
    client = _member_of("Editors", "import-editor")
    page = client.get(reverse("library_import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="publish"' not in html and 'data-testid="import-drafts-only"' in html

    # A crafted "publish" is ignored: the items are drafts for a Moderator.
    response = post(client, GOOD, publish="on", **{"import": "1"})
    assert 'data-testid="import-done"' in response.content.decode()
    assert LibraryDocumentPage.objects.count() == 2
    assert not LibraryDocumentPage.objects.filter(live=True).exists()
    assert all(p.get_latest_revision() is not None for p in LibraryDocumentPage.objects.all())


def test_a_moderator_imports_and_publishes(library):
    client = _member_of("Moderators", "import-moderator")
    assert 'name="publish"' in client.get(reverse("library_import")).content.decode()
    response = post(client, GOOD, publish="on", **{"import": "1"})
    assert 'data-testid="import-done"' in response.content.decode()
    assert LibraryDocumentPage.objects.filter(live=True).count() == 2


def test_the_import_menu_item_shows_for_editors_and_moderators_only(library):
    for group, shown in (("Editors", True), ("Moderators", True), ("Partners", False)):
        if group == "Partners":
            Group.objects.get_or_create(name="Partners")
        client = _member_of(group, f"menu-{group.lower()}")
        home = client.get(reverse("wagtailadmin_home"))
        if not shown:
            assert home.status_code in (302, 403)
            continue
        html = home.content.decode()
        assert reverse("library_import") in html, group
        # The "Library" entry leads to the library's items in the page explorer.
        assert '"Library"' in html and reverse("wagtailadmin_explore", args=[library.pk]) in html, group
