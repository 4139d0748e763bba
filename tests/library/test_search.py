"""The library in search: the "document" kind, hits with marked snippets from the full text,
facets (document type, decade, year, country, province, language, topic, issuer) on both engines,
the /library/ page, the portal-wide /search/ page, and index sync on publish, unpublish, delete."""

import pytest
from django.test import Client

from search import api, registry
from search.contract import Query
from search.engines import database_engine

from .conftest import reindex

FACETS = ["doc_type", "decade", "year", "country", "province", "language", "topic", "issuer"]


def run(engine, **kwargs):
    return engine.search(Query(kinds=["document"], facets=FACETS, **kwargs))


def counts(result, name):
    return {v.value: v.count for v in result.facets[name]}


@pytest.fixture(params=["database", "elasticsearch"])
def indexed(request, corpus):
    """The corpus indexed in each engine."""
    if request.param == "database":
        yield database_engine()
        return
    engine = request.getfixturevalue("es_engine")
    api.rebuild(engine, ["document"])
    yield engine
    engine.drop(["document"])


def test_full_text_finds_words_inside_the_extracted_text(indexed, partner_user):
    result = run(indexed, text="capacity figures", viewer=partner_user)
    assert [h.title for h in result.hits] != []
    assert "Partners-only case review" in result.hits[0].title.replace("<mark>", "").replace("</mark>", "")


def test_snippets_mark_the_matched_words(indexed):
    result = run(indexed, text="returned migrants")
    assert result.total == 1
    assert "<mark>returned</mark> <mark>migrants</mark>" in result.hits[0].snippet


def test_khmer_words_are_found_inside_running_khmer_text(indexed):
    result = run(indexed, text="ជំនួយ")
    assert [h.url for h in result.hits] == ["/library/safe-migration-guide-km/"]
    assert "<mark>ជំនួយ</mark>" in result.hits[0].snippet


def test_facet_counts_for_the_public(indexed):
    result = run(indexed)
    assert result.total == 3  # partners and restricted items are not counted
    assert counts(result, "doc_type") == {"evaluation": 1, "law": 1, "guideline": 1}
    assert counts(result, "decade") == {"2000": 2, "2010": 1}
    assert counts(result, "year") == {"2009": 1, "2008": 1, "2015": 1}
    assert counts(result, "country") == {"kh": 3, "th": 1}
    assert counts(result, "province") == {"battambang": 1}
    assert counts(result, "language") == {"en": 2, "km": 2}
    assert counts(result, "topic")["return-reintegration"] == 1
    assert "shelter-care" not in counts(result, "topic")
    assert counts(result, "issuer") == {
        "IOM Cambodia": 1,
        "Ministry of Women's Affairs": 1,
        "Royal Government of Cambodia": 1,
        "Ministry of Labour and Vocational Training": 1,
    }
    labels = {v.value: v.label for v in result.facets["doc_type"]}
    assert labels["law"] == "Law"
    assert {v.value: v.label for v in result.facets["decade"]}["2000"] == "2000s"


def test_filters_narrow_and_other_facets_count_within_them(indexed):
    result = run(indexed, filters={"decade": ["2000"], "doc_type": ["law"]})
    assert [h.url for h in result.hits] == ["/library/trafficking-law-2008/"]
    # Document-type counts ignore the type filter itself (so the other choices stay visible).
    assert counts(result, "doc_type") == {"evaluation": 1, "law": 1}


def test_sort_by_date_puts_the_newest_first(indexed):
    result = run(indexed, sort="recent")
    assert [h.url for h in result.hits] == [
        "/library/safe-migration-guide-km/",
        "/library/reintegration-evaluation/",
        "/library/trafficking-law-2008/",
    ]


def test_alternative_titles_issuers_and_authors_are_searchable(make_doc):
    make_doc(
        "Return SOP",
        slug="return-sop",
        alternative_titles="Bilateral return procedure",
        authors="Chan, Sopheap",
    )
    reindex()
    assert [h.url for h in run(database_engine(), text="Sopheap").hits] == ["/library/return-sop/"]
    assert [h.url for h in run(database_engine(), text="bilateral procedure").hits] == [
        "/library/return-sop/"
    ]


def test_kind_and_facets_are_registered():
    assert registry.kinds()["document"].label == "Library"
    for name in FACETS:
        assert name in registry.facets()


# -- pages ------------------------------------------------------------------------------------
def test_library_page_lists_everything_newest_first_without_a_query(client, corpus):
    response = client.get("/library/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="3"' in html
    assert html.index("safe-migration-guide-km") < html.index("reintegration-evaluation")


def test_library_page_filters_by_shareable_get_url(client, corpus):
    html = client.get("/library/?doc_type=evaluation&decade=2000").content.decode()
    assert 'data-testid="result-count" data-count="1"' in html
    assert "/library/reintegration-evaluation/" in html
    assert 'value="evaluation" checked' in html
    assert "Document type: <strong>Evaluation</strong>" in html


def test_library_page_highlights_and_paginates(client, make_doc):
    for n in range(23):
        make_doc(
            f"Referral guideline {n:02d}",
            slug=f"referral-{n:02d}",
            abstract="How to refer a returnee.",
            year=2000 + n,
        )
    reindex()
    html = client.get("/library/?q=returnee").content.decode()
    assert 'data-count="23"' in html
    assert "<mark>returnee</mark>" in html
    assert 'href="/library/?q=returnee&amp;page=2"' in html
    page2 = client.get("/library/?q=returnee&page=2").content.decode()
    assert page2.count('data-testid="hit"') == 3


def test_library_page_export_links_carry_the_search(client, corpus):
    html = client.get("/library/?q=law&doc_type=law").content.decode()
    assert 'href="/library/export/ris/?q=law&amp;doc_type=law"' in html


def test_portal_search_includes_library_hits(client, corpus):
    html = Client().get("/search/?q=trafficking offences").content.decode()
    assert 'data-kind="document"' in html
    assert "/library/trafficking-law-2008/" in html


# -- index sync -------------------------------------------------------------------------------
def found_urls(text):
    return [h.url for h in api.run(Query(text=text, kinds=["document"])).hits]


def test_publish_unpublish_and_delete_reach_the_index(make_doc, django_capture_on_commit_callbacks):
    page = make_doc("Migrant worker complaint form", slug="complaint-form", live=False)
    reindex()
    assert found_urls("complaint form") == []
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert found_urls("complaint form") == ["/library/complaint-form/"]
    page.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert found_urls("complaint form") == []
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert found_urls("complaint form") == ["/library/complaint-form/"]
    page.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert found_urls("complaint form") == []


def test_a_draft_change_does_not_reach_the_index(make_doc, django_capture_on_commit_callbacks):
    page = make_doc("Recruitment agency register", slug="agency-register")
    reindex()
    page.title = "Secret draft title xylophone"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()
    assert found_urls("xylophone") == []
    assert found_urls("agency register") == ["/library/agency-register/"]


def test_lowering_access_level_on_publish_updates_the_tier(make_doc, django_capture_on_commit_callbacks):
    page = make_doc("Shelter standards review", slug="standards-review", access_level="partners")
    reindex()
    assert found_urls("standards review") == []
    page.access_level = "public"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert found_urls("standards review") == ["/library/standards-review/"]


def test_typing_words_after_browsing_sorts_by_best_match(client, corpus):
    browse = client.get("/library/").content.decode()
    assert 'name="sort"' not in browse  # the default sort is not carried into the next search
    html = client.get("/library/?sort=title").content.decode()
    assert '<input type="hidden" name="sort" value="title">' in html


def test_listing_keeps_the_library_page_title_and_form_target(client, corpus):
    """The page number must not shadow the page: the heading and the form's target stay."""
    html = client.get("/library/?q=reintegration&page=1").content.decode()
    assert "<h1>Research library</h1>" in html or "<h1>Library</h1>" in html
    assert 'action="/library/"' in html
    assert 'aria-current="page" class="current">1<' in html or 'data-testid="pagination"' not in html
