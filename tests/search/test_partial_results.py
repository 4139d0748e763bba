"""Partial results on /search/ and /directory/: when no record holds every typed word, the page
shows the best partial matches, names the words left out and links to the search without them."""

import re

from django.test import Client
from django.urls import reverse

from search import api
from search.engines import database_engine


def get(**params):
    response = Client().get(reverse("search:index"), params)
    assert response.status_code == 200
    return response


def hit_urls(response):
    return [h.hit.url for h in response.context["hit_views"] if h.hit]


def test_partial_results_name_the_missing_words_and_link_to_the_search_without_them(corpus):
    api.rebuild(database_engine())
    response = get(q="Poipet qqxxzzvv")
    html = response.content.decode()
    assert response.context["result"].total >= 1
    assert hit_urls(response)[0].startswith("/directory/")
    notice = re.search(r'data-testid="partial-notice">(.*?)</p>', html, re.S).group(1)
    assert "<strong>qqxxzzvv</strong>" in notice
    assert 'href="/search/?q=Poipet" data-testid="search-without"' in notice



def test_the_directory_shows_partial_matches_with_the_same_notice(corpus, client):
    api.rebuild(database_engine())
    html = client.get(reverse("directory:index"), {"q": "Poipet qqxxzzvv"}).content.decode()
    slugs = re.findall(r'data-testid="result" data-slug="([^"]+)"', html)
    assert slugs == [corpus["poipet"].slug]
    notice = re.search(r'data-testid="partial-notice">(.*?)</p>', html, re.S).group(1)
    assert "<strong>qqxxzzvv</strong>" in notice
    assert 'href="/directory/?q=Poipet" data-testid="search-without"' in notice


def test_a_full_match_shows_no_partial_notice(corpus, client):
    api.rebuild(database_engine())
    assert 'data-testid="partial-notice"' not in get(q="Poipet transit").content.decode()
    html = client.get(reverse("directory:index"), {"q": "Poipet transit"}).content.decode()
    assert 'data-testid="partial-notice"' not in html
