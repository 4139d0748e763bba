"""An anonymous request for a hidden library item (unpublished, partners or restricted), its
sub-pages or its file gets the same answer as one for an item or file that does not exist: the
404 page, offering sign-in back to the requested address. The viewer who may see it gets 200."""

import re
from urllib.parse import quote

import pytest
from django.test import Client

UNKNOWN = "no-such-item-zq"
_VOLATILE = [
    (re.compile(r"\b[A-Za-z0-9]{64}\b"), "«token»"),  # CSRF tokens
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
]


def normalised(response, path):
    """(status, body) with the requested path (raw, URL-encoded, or as ?next=) replaced."""
    body = response.content.decode()
    for form in (quote(path, safe=""), quote(path), path):
        body = body.replace(form, "«PATH»")
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    return response.status_code, body


@pytest.fixture
def hidden(make_doc, make_file):
    """Slug -> file of a partners, a restricted and an unpublished item, each with a file."""
    out = {}
    for slug, fields in (
        ("partners-hidden", {"access_level": "partners"}),
        ("restricted-hidden", {"access_level": "restricted"}),
        ("draft-hidden", {"live": False}),
    ):
        document = make_file(f"{slug}.pdf", f"%PDF-1.4 {slug} BODY".encode())
        make_doc(f"Hidden {slug}", slug=slug, file=document, **fields)
        document.refresh_from_db()
        out[slug] = document
    return out


def _same(client, hidden_path, unknown_path):
    a = normalised(client.get(hidden_path), hidden_path)
    b = normalised(client.get(unknown_path), unknown_path)
    assert a[0] == b[0] == 404, (hidden_path, a[0], b[0])
    assert a[1] == b[1], hidden_path
    return a[1]


def test_hidden_items_answer_like_unknown_ones(hidden):
    anonymous = Client()
    for slug in hidden:
        for suffix in ("", "download/", "cite/ris/", "cite/json/"):
            body = _same(anonymous, f"/library/{slug}/{suffix}", f"/library/{UNKNOWN}/{suffix}")
            assert "BODY" not in body and "Hidden" not in body
            # The 404 offers sign-in, coming back to the requested address.
            assert 'href="/accounts/login/?next=«PATH»"' in body, suffix


def test_hidden_files_answer_like_unknown_ones(hidden):
    anonymous = Client()
    for document in hidden.values():
        unknown = document.url.replace(f"/documents/{document.pk}/", "/documents/987654/")
        body = _same(anonymous, document.url, unknown)
        assert "BODY" not in body
        assert 'href="/accounts/login/?next=«PATH»"' in body


def test_a_partner_below_the_tier_gets_the_same_404_without_a_sign_in_offer(partner_client, hidden):
    body = _same(partner_client, "/library/restricted-hidden/", f"/library/{UNKNOWN}/")
    assert "/accounts/login/" not in body.split('data-testid="not-found"')[1]
    _same(partner_client, hidden["restricted-hidden"].url, "/documents/987654/restricted-hidden.pdf")


def test_the_viewer_who_may_see_the_item_gets_it(partner_client, hidden):
    response = partner_client.get("/library/partners-hidden/")
    assert response.status_code == 200 and b"Hidden partners-hidden" in response.content
    file_response = partner_client.get(hidden["partners-hidden"].url)
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == b"%PDF-1.4 partners-hidden BODY"
    download = partner_client.get("/library/partners-hidden/download/")
    assert download.status_code == 200


def test_signing_in_from_the_404_leads_back_to_the_item(client, partner_user, hidden):
    response = client.get("/library/partners-hidden/")
    assert response.status_code == 404
    next_url = re.search(r'href="/accounts/login/\?next=([^"]+)"', response.content.decode()).group(1)
    login = client.post(
        f"/accounts/login/?next={next_url}", {"username": "partner", "password": "partner-pass-123"}
    )
    assert login.status_code == 302 and login["Location"] == "/library/partners-hidden/"
    assert client.get(login["Location"]).status_code == 200
