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
    located = make_org(
        "Sunrise Shelter", slug="sunrise", area_key="KH:02", description="A home for survivors."
    )
    make_service(mentions, "Emergency shelter", terms=["SHELTER.SHORT"])
    make_service(located, "Emergency shelter", terms=["SHELTER.SHORT"])
    api.rebuild(database_engine())
    assert slugs(get(client, q="shelter battambang")) == ["sunrise", "aurora"]
    assert slugs(get(client, q="shelter battambang", sort="name")) == ["aurora", "sunrise"]


# -- the produced order is the full sort's -------------------------------------------------------

VOCABULARY = [
    "legal",
    "aid",
    "shelter",
    "return",
    "ជំនួយ",
    "ផ្លូវច្បាប់",
    "ជំនួយផ្លូវច្បាប់",
    "family",
    "counselling",
    "retrun",
]


@pytest.fixture
def crowd(make_org, make_service):
    """Sixty organizations whose names, descriptions and services mix the same few words, so
    hits tie, score above and below the default (a near spelling, "retrun"), and come from
    services as well as names."""
    import random

    rng = random.Random(7)
    types = ["LEGAL.ADVICE", "SHELTER.SHORT", "EDU.SCHOOL"]
    for i in range(60):
        org = make_org(
            f"{' '.join(rng.sample(VOCABULARY, rng.randint(1, 3)))} group {i}",
            slug=f"crowd-{i}",
            description=" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 6))),
            area_key=rng.choice(["KH:02", "KH:12"]),
        )
        for j in range(rng.randint(0, 3)):
            make_service(
                org,
                f"{' '.join(rng.sample(VOCABULARY, rng.randint(0, 2)))} desk {i}-{j}",
                terms=[rng.choice(types)],
                description=" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 4))),
            )
    api.rebuild(database_engine())


def full_sort(search):
    """Every matching organization sorted at once by (name rank, its best hit, title), where a
    hit is the organization or one of its services the words found, and a hit's place is
    (-score, title rank) as on /search/: what the listing's order is defined as."""
    from search.engines.database import DatabaseEngine

    selection = search.selection
    snap, directory = selection.snap, selection.directory
    selected = selection.organizations()
    members = snap.members(selection.name_candidates(selected))
    from directory.ranking import snapshot_name_ranks

    names = snapshot_name_ranks(snap, search.q, members, search.locale)
    rank = snap.title_rank
    texts = set(snap.members(selection.text_entries))

    def best(org):
        places = [
            (-DatabaseEngine._score_of(pk, selection.matches, snap), rank[pk])
            for pk in (org, *directory.services_of(org))
            if pk in texts
        ]
        places = [p for p in places if p[0] or not selection.partial]  # a partial hit scores
        return min(places, default=(1, 0))

    return sorted(snap.members(selected), key=lambda org: (names.get(org, 2), best(org), rank[org]))


QUERIES = [
    {"q": "legal"},
    {"q": "legal aid"},
    {"q": "shelter", "type": "LEGAL"},
    {"q": "ជំនួយ", "province": "battambang"},
    {"q": "return"},  # "retrun" is a near match: hits below the default
    {"q": "family return", "province": "phnom-penh"},
    {"q": "family counselling", "type": "SHELTER"},
    {"q": "return nosuchwordzx"},  # partial: no organization has both
    {"q": "aid", "type": "EDU", "province": "phnom-penh"},
]


def test_every_page_of_the_relevance_order_is_the_full_sorts(crowd):
    """The order is produced lazily (best hits walked only as far as a page reads, plain hits in
    title order, the rest sorted only when reached); read whole, or a page at a time, it equals
    sorting every matching organization by the definition."""
    from django.http import QueryDict

    from directory.filters import DirectorySearch

    for params in QUERIES:
        search = DirectorySearch(QueryDict(urlencode(params)))
        expected = full_sort(search)
        assert len(expected) >= 3, params  # not vacuous
        assert list(search._order) == expected, params
        paged = DirectorySearch(QueryDict(urlencode(params)))._order
        assert [pk for start in range(0, len(expected), 4) for pk in paged[start : start + 4]] == expected
