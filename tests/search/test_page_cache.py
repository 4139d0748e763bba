"""Listing and search pages for anonymous visitors come from the shared cache (search/page_cache.py):
a repeat page is not rendered again, a publish or unpublish shows on the very next page, a
partner's page is never stored for or served to the public, languages stay apart, and the
language switch's CSRF token works on a page served from the cache."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from search import api
from search.engines import database_engine
from tests.library.conftest import corpus, library, make_doc  # noqa: F401 (fixtures)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def rebuild_directory():
    api.rebuild(database_engine(), ["organization", "service"])


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def text_of(response):
    """The page's words, without markup (the search page marks the words that matched)."""
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


def without_tokens(html):
    return TOKEN.sub("", html)


@pytest.mark.parametrize("url", ["/directory/", "/directory/?q=zebrafinch", "/search/?q=zebrafinch"])
def test_a_repeat_anonymous_page_is_served_without_rendering_it_again(make_org, url):
    make_org("Zebrafinch Legal Aid", slug="zebrafinch")
    rebuild_directory()
    first, rendered = queries_of(Client(), url)
    again, cached = queries_of(Client(), url)
    assert "Zebrafinch Legal Aid" in text_of(again)
    assert without_tokens(again.content.decode()) == without_tokens(first.content.decode())
    assert cached <= 2 < rendered  # the index state (and nothing else) is read for a cached page


def test_a_publish_and_an_unpublish_show_on_the_next_anonymous_page(make_org):
    make_org("Zebrafinch Legal Aid", slug="zebrafinch")
    rebuild_directory()
    for url in ("/directory/?q=zebrafinch", "/search/?q=zebrafinch"):
        assert "Kestrel Zebrafinch Shelter" not in text_of(Client().get(url))
    kestrel = make_org("Kestrel Zebrafinch Shelter", slug="kestrel")
    api.refresh([f"organization:{kestrel.translation_key}"])  # what publishing does
    for url in ("/directory/?q=zebrafinch", "/search/?q=zebrafinch"):
        assert "Kestrel Zebrafinch Shelter" in text_of(Client().get(url))
    kestrel.unpublish()
    api.refresh([f"organization:{kestrel.translation_key}"])
    for url in ("/directory/?q=zebrafinch", "/search/?q=zebrafinch"):
        assert "Kestrel Zebrafinch Shelter" not in text_of(Client().get(url))


def test_a_partners_page_is_never_stored_for_or_served_to_the_public(corpus, partner_user):  # noqa: F811
    partner = Client()
    partner.force_login(partner_user)
    url = "/search/?q=reintegration"
    # The partner first: their page (with a partners-only item) must not be stored for the public.
    assert "Partners-only case review" in partner.get(url).content.decode()
    public = Client().get(url).content.decode()
    assert "Partners-only case review" not in public
    # The public page, now stored, is not what the partner gets.
    assert "Partners-only case review" in partner.get(url).content.decode()
    assert "Partners-only case review" not in text_of(Client().get(url))


def test_a_visitor_with_a_session_gets_a_fresh_page(make_org):
    make_org("Zebrafinch Legal Aid", slug="zebrafinch")
    rebuild_directory()
    queries_of(Client(), "/directory/")
    visitor = Client()
    visitor.cookies["sessionid"] = "anything"  # may hold messages meant for this visitor only
    _response, count = queries_of(visitor, "/directory/")
    assert count > 2


def test_languages_are_kept_apart(make_org):
    make_org("Zebrafinch Legal Aid", slug="zebrafinch")
    rebuild_directory()
    english = Client().get("/directory/").content.decode()
    khmer = Client().get("/km/directory/").content.decode()
    assert '<html lang="en"' in english and '<html lang="km"' in khmer
    assert '<html lang="km"' in Client().get("/km/directory/").content.decode()
    assert '<html lang="en"' in Client().get("/directory/").content.decode()


def test_a_page_asked_for_under_another_host_name_links_to_that_host(make_org, settings):
    settings.ALLOWED_HOSTS = ["portal.example.org", "www.portal.example.org"]
    make_org("Zebrafinch Legal Aid", slug="zebrafinch")
    rebuild_directory()
    Client().get("/directory/?q=zebrafinch", HTTP_HOST="portal.example.org")
    other = Client().get("/directory/?q=zebrafinch", HTTP_HOST="www.portal.example.org").content.decode()
    assert "http://www.portal.example.org/directory/?q=zebrafinch" in other  # the share link


def test_the_language_switch_works_from_a_page_served_from_the_cache(make_org):
    make_org("Zebrafinch Legal Aid", slug="zebrafinch")
    rebuild_directory()
    Client().get("/directory/")  # stored
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/directory/")
    token = TOKEN.search(page.content.decode()).group(1)
    assert page.cookies.get("csrftoken")  # the visitor's own secret, set as after a render
    response = visitor.post("/i18n/setlang/", {"language": "km", "next": "/directory/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"].startswith("/km/")
