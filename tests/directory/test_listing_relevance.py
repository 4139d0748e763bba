"""/directory/ with words: best match first (exact and prefix names, acronyms and aliases, then
the portal search's order, where a place an organization is located in outweighs a mention),
A-Z on request; without words, A-Z. Runs on the database engine's real index."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from directory.models import OrganizationName
from search import api
from search.engines import database_engine

INDEX = reverse("directory:index")


def get(client, **params):
    response = client.get(f"{INDEX}?{urlencode(params)}" if params else INDEX)
    assert response.status_code == 200
    return response.content.decode()


def slugs(html):
    return re.findall(r'<li class="result[^"]*" data-testid="result" data-slug="([^"]+)"', html)


@pytest.fixture
def legal(make_org, make_service):
    orgs = {
        "network": make_org("Cambodian Legal Aid Network", slug="network"),
        "rights": make_org("Aid for Legal Rights", slug="rights"),
        "prefix": make_org("Legal Aid Cambodia", slug="prefix"),
        "exact": make_org("Legal Aid", slug="exact"),
        "alias": make_org("Khmer Justice Project", slug="alias"),
        "other": make_org("Bright Futures", slug="other", description="Schools and sports."),
    }
    OrganizationName.objects.create(organization=orgs["alias"], name="Legal Aid", kind="alias")
    OrganizationName.objects.create(organization=orgs["other"], name="KJP", kind="acronym")
    for org in orgs.values():  # a service type whose name shares no word with the queries
        make_service(org, "Homework club", terms=["EDU.SCHOOL"])
    api.rebuild(database_engine())
    return orgs


def test_with_words_the_exact_name_and_alias_come_first_then_a_name_that_starts_with_them(client, legal):
    order = slugs(get(client, q="legal aid"))
    assert set(order[:2]) == {"exact", "alias"}
    assert order[2] == "prefix"
    assert set(order[3:]) == {"network", "rights"}


def test_an_exact_acronym_outranks_names_that_merely_contain_the_word(client, legal, make_org):
    make_org("KJP Partners Forum", slug="forum")
    make_org("Forum of KJP members", slug="members")
    api.rebuild(database_engine())
    order = slugs(get(client, q="KJP"))
    assert order[0] == "other"  # its acronym is exactly what was typed
    assert order[1] == "forum"  # its name starts with it
    assert "members" in order


def test_a_to_z_stays_available_as_a_sort(client, legal):
    html = get(client, q="legal aid")
    assert 'data-testid="sort-links"' in html
    assert f'href="{INDEX}?q=legal+aid&amp;sort=name"' in html
    order = slugs(get(client, q="legal aid", sort="name"))
    assert order == ["rights", "network", "alias", "exact", "prefix"]


def test_without_words_the_list_is_a_to_z_and_offers_no_relevance_sort(client, legal):
    html = get(client)
    assert slugs(html) == ["rights", "other", "network", "alias", "exact", "prefix"]
    assert 'data-testid="sort-links"' not in html
    assert slugs(get(client, sort="relevance")) == slugs(html)


def test_paging_keeps_the_chosen_sort(client, legal, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    html = get(client, q="legal aid", sort="name")
    assert f"{INDEX}?q=legal+aid&amp;sort=name&amp;page=2" in html
    second = slugs(get(client, q="legal aid", sort="name", page=2))
    assert second == ["alias", "exact"]


def test_an_organization_located_in_the_place_outranks_one_that_mentions_it(client, make_org, make_service):
    mentions = make_org(
        "Aurora Shelter",
        slug="aurora",
        area_key="KH:12",
        description="Takes referrals of survivors from Battambang and other provinces.",
    )
    located = make_org("Sunrise Shelter", slug="sunrise", area_key="KH:02", description="A home for survivors.")
    make_service(mentions, "Emergency shelter", terms=["SHELTER.SHORT"])
    make_service(located, "Emergency shelter", terms=["SHELTER.SHORT"])
    api.rebuild(database_engine())
    assert slugs(get(client, q="shelter battambang")) == ["sunrise", "aurora"]
    assert slugs(get(client, q="shelter battambang", sort="name")) == ["aurora", "sunrise"]
