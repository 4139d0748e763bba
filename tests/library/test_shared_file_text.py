"""A file's text is indexed under the strictest access level of the items that use it: a public
item whose file is also attached to a partners or restricted item indexes only its own metadata,
so no hit, snippet, export or spelling suggestion shows the file's text below that level."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from search import api
from search.contract import Query

from .conftest import reindex

MARKER = "quasarmarkerzx"


def _publish(page, capture, **changes):
    page.refresh_from_db()
    for name, value in changes.items():
        setattr(page, name, value)
    with capture(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def _hit_urls(text, viewer=None):
    return {h.url for h in api.run(Query(text=text, kinds=["document"], viewer=viewer)).hits}


CONTROL = "nosuchwordzx"  # a word that is nowhere: a search for the marker must answer like it
_VOLATILE = [
    (re.compile(r"\b[A-Za-z0-9]{64}\b"), "«token»"),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r"\bin [\d.]+ ms\b"), "in « » ms"),
]


def _answer(client, url, word):
    response = client.get(url.format(q=word))
    assert response.status_code == 200, url
    body = response.content.decode().replace(word, "«Q»")
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    return body


def assert_nothing_shows_the_text(client):
    """Searching the marker answers exactly like searching a word that is nowhere (the query's
    own echo aside), and no listing, export or item page holds the marker."""
    for url in ("/library/?q={q}", "/search/?q={q}", "/search/?q={q}y", "/search/suggest/?q={q}"):
        assert _answer(client, url, MARKER) == _answer(client, url, CONTROL), url
    for url in (
        "/library/",
        "/library/?q=border+screening",
        "/search/?q=border+screening",
        "/search/?kind=document",
        "/library/export/json/",
        "/library/export/ris/",
        "/library/export/bib/",
        "/library/export/json/?q=border+screening",
        "/library/public-screening-summary/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), url


@pytest.mark.parametrize("level", ["partners", "restricted"])
def test_a_public_item_sharing_a_file_with_a_hidden_item_indexes_no_file_text(
    level, make_doc, make_file, django_capture_on_commit_callbacks, partner_user
):
    capture = django_capture_on_commit_callbacks
    document = make_file("screening.txt", f"Border screening notes: {MARKER} interview steps.".encode())
    public = make_doc(
        "Public screening summary", slug="public-screening-summary", abstract="Border screening."
    )
    hidden = make_doc("Hidden screening original", slug="hidden-screening-original", access_level=level)

    # Alone, the public item's file text is searchable by anyone (the marker is extractable).
    public = _publish(public, capture, file=document)
    assert public.extraction_status == "done" and MARKER in public.extracted_text
    assert _hit_urls(MARKER) == {"/library/public-screening-summary/"}

    # The same file attached to a hidden item: the public item is re-indexed without its text.
    _publish(hidden, capture, file=document)
    assert _hit_urls(MARKER) == set()
    assert_nothing_shows_the_text(Client())
    # Not vacuous: the public item is still found by its own words and listed...
    assert _hit_urls("public screening summary") == {"/library/public-screening-summary/"}
    # ...and the viewer of the hidden item's tier finds the text through the hidden item.
    viewer = (
        partner_user if level == "partners" else User.objects.create_superuser("ed", "e@example.org", "x")
    )
    assert "/library/hidden-screening-original/" in _hit_urls(MARKER, viewer)
    client = Client()
    client.force_login(viewer)
    assert MARKER in client.get(f"/library/?q={MARKER}").content.decode()

    # A full rebuild applies the same rule.
    reindex()
    assert _hit_urls(MARKER) == set()

    # The hidden item lets go of the file: the public item gets its text back.
    _publish(hidden, capture, file=None)
    assert _hit_urls(MARKER) == {"/library/public-screening-summary/"}


def test_raising_the_other_items_access_level_reindexes_the_public_item(
    make_doc, make_file, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    document = make_file("annex.txt", f"Annex {MARKER} figures.".encode())
    public = make_doc("Public annex", slug="public-annex")
    other = make_doc("Second annex item", slug="second-annex")
    _publish(public, capture, file=document)
    _publish(other, capture, file=document)
    assert _hit_urls(MARKER) == {"/library/public-annex/", "/library/second-annex/"}
    _publish(other, capture, access_level="restricted")
    assert _hit_urls(MARKER) == set()
    _publish(other, capture, access_level="public")
    assert _hit_urls(MARKER) == {"/library/public-annex/", "/library/second-annex/"}
