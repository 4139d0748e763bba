"""Page weight on a slow line: text responses are gzip-compressed when the client accepts it,
and pages carry validators so a repeat visit costs a 304 (portal/compression.py,
portal/conditional.py). The validators never let one tier's or language's page stand for
another's."""

import gzip
import json
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils.http import http_date
from wagtail.documents.models import Document as WagtailDocument

from directory.models import Area, Location
from library.demo.loader import index_page
from library.models import LibraryDocumentPage

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
ORG_PAGE = "/directory/weighty-legal-aid/"  # read from the database (the listing from the search index)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def listed(make_org, make_service):
    org = make_org("Weighty Legal Aid Network", slug="weighty-legal-aid", area_key="KH:12")
    Location.objects.create(
        organization=org,
        name="Legal aid office",
        location_type="office",
        area=Area.objects.get(key="KH:12"),
        latitude=11.56,
        longitude=104.92,
        visibility="public",
    )
    make_service(org, "Legal advice for returned migrants", terms=["LEGAL"], areas=["KH:12"])
    for n in range(8):  # enough text for compression to pay
        make_service(org, f"Legal clinic number {n} for workers abroad", terms=["LEGAL"], areas=["KH:12"])
    return org


def body_of(response):
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return response.content


def partner():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("weight-partner", "weight-partner@example.org", "partner-pass-123")
    user.groups.add(Group.objects.get_or_create(name=settings.DIRECTORY_PARTNER_GROUP)[0])
    client = Client()
    client.force_login(user)
    return client


# -- compression -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "content_type", "expected"),
    [
        (ORG_PAGE, "text/html", b"Weighty Legal Aid Network"),
        ("/directory/hsds/organizations/", "application/json", b"Weighty Legal Aid Network"),
        ("/map/services.geojson", "application/geo+json", b"Legal advice for returned migrants"),
        ("/map/coverage.csv", "text/csv", b"#adm1+name"),
    ],
)
def test_text_responses_are_compressed_only_when_the_client_accepts_gzip(listed, url, content_type, expected):
    client = Client()
    compressed = client.get(url, **GZIP)
    assert compressed.status_code == 200
    assert compressed["Content-Type"].startswith(content_type)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    unpacked = gzip.decompress(compressed.content)
    assert expected in unpacked
    assert len(compressed.content) < len(unpacked)

    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert plain.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert expected in plain.content
    assert "Accept-Encoding" in plain["Vary"]
    if content_type == "application/json":
        json.loads(plain.content)


def test_a_library_file_is_sent_as_it_is(db):
    """PDF, DOCX and the like are compressed already: gzip would cost CPU for nothing."""
    document = WagtailDocument(title="Report")
    document.file.save("weight-report.pdf", ContentFile(b"%PDF-1.4\n" + b"stream of text " * 200), save=False)
    document.save()
    page = LibraryDocumentPage(title="A public report", slug="a-public-report", file=document, live=True)
    index_page().add_child(instance=page)
    response = Client().get("/library/a-public-report/download/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


# -- conditional requests ----------------------------------------------------------------------


def test_a_repeat_visit_with_the_etag_is_a_304_without_a_body(listed):
    client = Client()
    first = client.get("/directory/", **GZIP)
    assert first.status_code == 200
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"]  # stored, but asked again on every visit
    again = client.get("/directory/", HTTP_IF_NONE_MATCH=etag, **GZIP)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_a_repeat_visit_with_if_modified_since_is_a_304(listed):
    client = Client()
    first = client.get("/directory/?type=LEGAL")
    last_modified = first["Last-Modified"]
    again = client.get("/directory/?type=LEGAL", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_record_is_sent_again(listed):
    client = Client()
    first = client.get(ORG_PAGE)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    time.sleep(1.01)  # HTTP dates count whole seconds
    listed.name = "Weighty Legal Aid Network (renamed)"
    listed.save()
    by_etag = client.get(ORG_PAGE, HTTP_IF_NONE_MATCH=etag)
    assert by_etag.status_code == 200
    assert b"(renamed)" in body_of(by_etag)
    by_date = client.get(ORG_PAGE, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert by_date.status_code == 200
    assert b"(renamed)" in body_of(by_date)


def test_a_partner_never_gets_a_304_for_the_public_page(listed):
    anonymous = Client()
    public = anonymous.get("/directory/")
    partners = partner()
    # The same browser, signed in now, revalidating its public copy.
    response = partners.get(
        "/directory/", HTTP_IF_NONE_MATCH=public["ETag"], HTTP_IF_MODIFIED_SINCE=public["Last-Modified"]
    )
    assert response.status_code == 200
    assert response["ETag"] != public["ETag"]
    # A signed-in page is private and validated by its ETag alone.
    assert not response.has_header("Last-Modified")
    assert "private" in response["Cache-Control"]
    assert partners.get("/directory/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_after_signing_out_the_partner_copy_does_not_validate(listed):
    partners = partner()
    signed_in = partners.get("/directory/")
    partners.logout()
    response = partners.get("/directory/", HTTP_IF_NONE_MATCH=signed_in["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != signed_in["ETag"]


def test_each_language_has_its_own_etag(listed):
    english = Client()
    khmer = Client()
    khmer.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"  # chosen with the language switch
    en = english.get("/directory/")
    km = khmer.get("/directory/", follow=True)  # the Khmer page (at its own address, if it has one)
    assert en["Content-Language"] == "en" and km["Content-Language"] == "km"
    assert en["ETag"] != km["ETag"]
    km_path = km.request["PATH_INFO"]
    assert khmer.get(km_path, HTTP_IF_NONE_MATCH=en["ETag"]).status_code == 200
    assert khmer.get(km_path, HTTP_IF_NONE_MATCH=km["ETag"]).status_code == 304


def test_an_old_if_modified_since_gets_the_page(listed):
    response = Client().get(ORG_PAGE, HTTP_IF_MODIFIED_SINCE=http_date(time.time() - 3600))
    assert response.status_code == 200
    assert b"Weighty Legal Aid Network" in body_of(response)


def test_pages_marked_no_store_get_no_validators(client, editor_user):
    client.force_login(editor_user)
    response = client.get("/accounts/security/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")
