"""How /search/ presents results: a few services per organization in the list (the rest summed
up under it), places and parent organizations in the ranking, partial matches named with a way
to search without the missing words, and an empty page that offers names instead of an empty
filter box. Database engine, real index."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import OrganizationName
from search import api
from search.engines import database_engine
from tests.library.conftest import library, make_doc  # noqa: F401 (fixtures used here)


def get(**params):
    response = Client().get(reverse("search:index"), params)
    assert response.status_code == 200
    return response


def hit_urls(response):
    return [h.hit.url for h in response.context["hit_views"] if h.hit]


@pytest.fixture
def crowded(make_org, make_service):
    """One organization with six counselling services, two others with one each."""
    harbour = make_org("Harbour Network", slug="harbour", description="Family support.")
    for place in ("Kampot", "Kep", "Takeo", "Kandal", "Pursat", "Kratie"):
        make_service(harbour, f"Counselling in {place}", terms=["PSY.COUNSEL"])
    lotus = make_org("Lotus Counselling Centre", slug="lotus")
    make_service(lotus, "Counselling for children", terms=["PSY.COUNSEL"])
    river = make_org("River Youth Project", slug="river")
    make_service(river, "Counselling for youth", terms=["PSY.COUNSEL"])
    api.rebuild(database_engine())
    return harbour


def test_at_most_three_services_of_one_organization_are_listed_the_rest_summed_up(crowded):
    response = get(q="counselling")
    urls = hit_urls(response)
    harbour_services = [u for u in urls if u.startswith("/directory/harbour/#service-")]
    assert len(harbour_services) == 3
    assert "/directory/lotus/" in urls
    assert any(u.startswith("/directory/river/#service-") for u in urls)
    html = response.content.decode()
    more = re.findall(r'data-testid="more-of-parent"><a href="([^"]+)">([^<]+)</a>', html)
    assert more == [("/directory/harbour/", "and 3 more services of Harbour Network")]


def test_sorted_by_name_every_hit_is_listed(crowded):
    response = get(q="counselling", sort="title")
    assert len([u for u in hit_urls(response) if u.startswith("/directory/harbour/#")]) == 6
    assert 'data-testid="more-of-parent"' not in response.content.decode()


def test_an_organization_located_in_a_place_outranks_a_document_that_mentions_it(
    make_org, make_service, make_doc  # noqa: F811
):
    make_doc(
        "Review of shelter standards",
        slug="shelter-review",
        document_type="report",
        year=2019,
        abstract="Visits to shelters in Battambang, Kampot and Svay Rieng.",
    )
    sunrise = make_org("Sunrise Shelter", slug="sunrise", area_key="KH:02", description="A home for survivors.")
    make_service(sunrise, "Emergency shelter", terms=["SHELTER.SHORT"])
    api.rebuild(database_engine())
    urls = hit_urls(get(q="shelter battambang"))
    assert urls.index("/directory/sunrise/") < urls.index("/library/shelter-review/")


def test_a_provincial_department_is_found_by_its_ministry_acronym_and_its_province(make_org):
    ministry = make_org("Ministry of Labour and Vocational Training", slug="molvt", org_type="ministry")
    OrganizationName.objects.create(organization=ministry, name="MoLVT", kind="acronym")
    for slug, key, office in (("dolvt-battambang", "KH:02", "North"), ("dolvt-svay-rieng", "KH:20", "East")):
        make_org(
            f"Provincial Department of Labour, {office} office",
            slug=slug,
            area_key=key,
            org_type="subnational_government",
            parent_organization=ministry,
        )
    api.rebuild(database_engine())
    urls = hit_urls(get(q="MoLVT Battambang"))
    assert urls[0] == "/directory/dolvt-battambang/"
    assert "/directory/dolvt-svay-rieng/" not in urls[:1]


def test_an_empty_result_shows_no_filter_box_but_names_to_try(corpus):
    api.rebuild(database_engine())
    response = get(q="Poipet", province="battambang")  # Poipet is in Banteay Meanchey
    html = response.content.decode()
    assert response.context["result"].total == 0
    assert 'data-testid="no-results"' in html
    suggestions = re.search(r'data-testid="no-result-suggestions">(.*?)</div>', html, re.S).group(1)
    assert "/directory/" in suggestions and "Poipet Transit Centre" in suggestions
    # The only filter box left holds the chosen province, to take it off again.
    assert [f.name for f in response.context["facets"]] == ["province"]


def test_nothing_at_all_matches_no_filter_box_and_no_suggestion_from_nowhere(corpus):
    api.rebuild(database_engine())
    html = get(q="qqxxzzvv").content.decode()
    assert 'data-testid="no-results"' in html
    assert 'id="filters"' not in html
    assert 'data-testid="apply-filters"' not in html
    assert 'data-testid="no-result-suggestions"' not in html

