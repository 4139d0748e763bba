"""What search derives from indexed words holds the tiers of the documents the words come from
(issue 9): "did you mean" and fuzzy matches, autocomplete, facet values, counts and labels.

Each secret word below exists only in one partners or restricted library item (its title, its
abstract or its full text). A visitor who types it one letter off must get no correction, no
"results include" and no hit unless their tier may see that item; the editor's answers prove the
tests are not vacuous. Every test runs on the database engine and on Elasticsearch (the noida-db
emulator), through the engine and through the pages visitors use.
"""

import importlib
import uuid

import pytest
from django.apps import apps as django_apps
from django.test import Client, override_settings

from directory.models import Area
from search import api
from search.contract import Query
from search.engines import database_engine, elasticsearch_engine
from search.engines import snapshot as snapshots
from search.models import IndexTerm
from tests.library.conftest import library, make_doc  # noqa: F401 (fixtures used here)

pytestmark = pytest.mark.usefixtures("library")

# typed (one letter off) -> (the word in the index, the tier of the only item that has it, field)
SECRETS = {
    "drumolitzo": ("drumolitza", "partners", "abstract"),
    "quorvandek": ("quorvandel", "restricted", "title"),
    "zimbrothol": ("zimbrothal", "restricted", "abstract"),
    "plexivorun": ("plexivoran", "restricted", "full text"),
}
VISIBLE = {
    "anonymous": {"public"},
    "partner": {"public", "partners"},
    "editor": {"public", "partners", "restricted"},
}
HIDDEN_TOPICS = {  # slug -> (display name, who may see it)
    "velvet-heron-protocol": ("Velvet Heron Protocol", {"partner", "editor"}),
    "ghost-orchid-route": ("Ghost Orchid Route", {"editor"}),
    "silent-lantern-draft": ("Silent Lantern Draft", set()),  # only on an unpublished item
}


@pytest.fixture
def items(make_doc):  # noqa: F811
    return {
        "public": make_doc(
            "Annual review of referral pathways",
            slug="referral-pathways-review",
            document_type="report",
            year=2020,
            abstract="Referral pathways for returned migrants in Battambang.",
            provinces=["KH:02"],
            topics=["referral pathways"],
        ),
        "partners": make_doc(
            "Partners shelter capacity review",
            slug="partners-capacity",
            document_type="report",
            year=2021,
            access_level="partners",
            abstract="Capacity of the drumolitza network of shelters.",
            topics=["Velvet Heron Protocol"],
        ),
        "restricted": make_doc(
            "Quorvandel incident register",
            slug="restricted-register",
            document_type="dataset",
            year=2022,
            access_level="restricted",
            abstract="Notes on zimbrothal handovers and referral pathways.",
            extracted_text="Appendix with plexivoran figures.",
            provinces=["KH:17"],
            topics=["Ghost Orchid Route"],
        ),
        "draft": make_doc(
            "Draft guidance never published",
            slug="draft-guidance",
            live=False,
            topics=["Silent Lantern Draft"],
        ),
    }


@pytest.fixture
def viewers(partner_user, editor_user):
    return {"anonymous": None, "partner": partner_user, "editor": editor_user}


@pytest.fixture(params=["database", "elasticsearch"])
def indexed(request, items):
    """The library indexed in one engine, which the pages then use. The database index is always
    built too: it is the fallback, and its vocabulary gives Elasticsearch's "did you mean"."""
    api.rebuild(database_engine(), ["document"])
    if request.param == "database":
        with override_settings(ELASTICSEARCH_URL=""):
            yield database_engine()
        return
    url = request.getfixturevalue("elasticsearch_url")
    with override_settings(ELASTICSEARCH_URL=url, SEARCH_INDEX_PREFIX=f"derived-{uuid.uuid4().hex[:8]}"):
        engine = elasticsearch_engine()
        api.rebuild(engine, ["document"])
        try:
            yield engine
        finally:
            engine.drop(["document"])


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def plain(html):
    return html.replace("<mark>", "").replace("</mark>", "")


# -- "did you mean" and fuzzy matches ---------------------------------------------------------
def test_corrections_and_fuzzy_hits_come_only_from_the_viewers_tiers(indexed, viewers):
    for who, viewer in viewers.items():
        for typed, (word, tier, field) in SECRETS.items():
            result = indexed.search(Query(text=typed, kinds=["document"], viewer=viewer))
            found = " ".join(plain(h.title + " " + h.snippet) for h in result.hits).lower()
            if tier in VISIBLE[who]:
                assert result.corrections == {typed: word}, (who, field)
                assert result.total == 1 and word in found, (who, field)
            else:
                assert result.corrections == {}, (who, typed, field)
                assert result.total == 0 and result.hits == [], (who, typed, field)


def test_search_page_says_results_include_only_visible_words(indexed, viewers):
    for who, viewer in viewers.items():
        client = client_for(viewer)
        for typed, (word, tier, _field) in SECRETS.items():
            response = client.get("/search/", {"q": typed})
            html = response.content.decode().lower()
            assert response["X-Search-Engine"] == indexed.name
            if tier in VISIBLE[who]:
                assert 'data-testid="did-you-mean"' in html and word in html, (who, typed)
            else:
                assert 'data-testid="did-you-mean"' not in html, (who, typed)
                assert word not in html, (who, typed)
                assert 'data-testid="hit"' not in html, (who, typed)
            listing = client.get("/library/", {"q": typed}).content.decode().lower()
            assert (word in listing) == (tier in VISIBLE[who]), (who, typed)


def test_a_word_also_in_a_public_item_is_offered_to_everyone(indexed):
    # "referral" is in the public and the restricted item: its least-privileged tier is public.
    result = indexed.search(Query(text="referrel", kinds=["document"]))
    assert result.corrections == {"referrel": "referral"}
    assert [h.url for h in result.hits] == ["/library/referral-pathways-review/"]


# -- the vocabulary table: rebuild, incremental sync, migration ------------------------------
def term_tiers(word):
    return sorted(IndexTerm.objects.filter(term=word, kind="document").values_list("tier", flat=True))


def anonymous_correction(typed):
    return database_engine().search(Query(text=typed, kinds=["document"])).corrections


def test_rebuild_records_each_word_with_the_tier_of_its_documents(items):
    api.rebuild(database_engine(), ["document"])
    assert term_tiers("quorvandel") == ["restricted"]
    assert term_tiers("plexivoran") == ["restricted"]
    assert term_tiers("drumolitza") == ["partners"]
    assert term_tiers("referral") == ["public", "restricted"]
    assert term_tiers("lantern") == []  # the unpublished item is not indexed at all
    vocabulary = snapshots.get().vocabulary_for(["public"])
    assert "referral" in vocabulary and "quorvandel" not in vocabulary


def test_incremental_sync_moves_words_with_the_items_tier(items):
    api.rebuild(database_engine(), ["document"])
    page = items["restricted"]
    key = f"document:{page.pk}"
    assert anonymous_correction("quorvandek") == {}

    page.access_level = "public"
    page.save()
    api.refresh([key])
    assert term_tiers("quorvandel") == ["public"]
    assert anonymous_correction("quorvandek") == {"quorvandek": "quorvandel"}

    # Raised again (published in error): the word leaves the public vocabulary at once.
    page.access_level = "restricted"
    page.save()
    api.refresh([key])
    assert term_tiers("quorvandel") == ["restricted"]
    assert anonymous_correction("quorvandek") == {}

    page.unpublish()
    api.refresh([key])
    assert term_tiers("quorvandel") == []
    assert term_tiers("referral") == ["public"]  # still used by the public item


def test_migration_fills_the_vocabulary_from_the_indexed_entries(items):
    api.rebuild(database_engine(), ["document"])
    built = set(IndexTerm.objects.values_list("term", "kind", "tier", "documents"))
    assert built
    IndexTerm.objects.all().delete()
    # 0007 refills the vocabulary as the engine now keeps it (3-letter words and up).
    migration = importlib.import_module("search.migrations.0007_subword_field")
    migration.fill_vocabulary(django_apps)
    assert set(IndexTerm.objects.values_list("term", "kind", "tier", "documents")) == built


# -- autocomplete -----------------------------------------------------------------------------
def suggested(client, text):
    return [r["title"] for r in client.get("/search/suggest/", {"q": text}).json()["results"]]


def test_autocomplete_offers_only_titles_the_viewer_may_see(indexed, viewers):
    anonymous, partner, editor = (client_for(viewers[w]) for w in ("anonymous", "partner", "editor"))
    assert suggested(anonymous, "Quorvan") == []
    assert suggested(partner, "Quorvan") == []
    assert suggested(editor, "Quorvan") == ["Quorvandel incident register"]
    assert suggested(anonymous, "Partners shel") == []
    assert suggested(partner, "Partners shel") == ["Partners shelter capacity review"]
    assert suggested(anonymous, "Annual rev") == ["Annual review of referral pathways"]


# -- facet values, counts and labels ----------------------------------------------------------
def facet_counts(engine, viewer, name, **filters):
    result = engine.search(Query(kinds=["document"], facets=[name], viewer=viewer, filters=filters))
    return {v.value: v.count for v in result.facets[name]}


def test_values_only_hidden_items_have_get_no_facet_entry(indexed, viewers):
    siem_reap = Area.objects.get(key="KH:17").slug
    anonymous = facet_counts(indexed, None, "topic")
    assert "ghost-orchid-route" not in anonymous and "velvet-heron-protocol" not in anonymous
    assert anonymous == {"referral-pathways": 1}
    assert "velvet-heron-protocol" in facet_counts(indexed, viewers["partner"], "topic")
    assert "ghost-orchid-route" not in facet_counts(indexed, viewers["partner"], "topic")
    assert facet_counts(indexed, viewers["editor"], "topic")["ghost-orchid-route"] == 1
    assert siem_reap not in facet_counts(indexed, None, "province")
    assert facet_counts(indexed, viewers["editor"], "province")[siem_reap] == 1
    assert facet_counts(indexed, None, "doc_type") == {"report": 1}


def test_a_hidden_topic_is_ignored_like_an_unknown_one(indexed, viewers):
    anonymous = client_for(None)
    for path, params in (("/library/", {}), ("/search/", {"kind": "document"})):
        baseline = anonymous.get(path, {**params, "topic": "no-such-topic"})
        for slug, (name, _seen_by) in HIDDEN_TOPICS.items():
            response = anonymous.get(path, {**params, "topic": slug})
            html = response.content.decode()
            assert name not in html, (path, slug)
            assert response.context["result"].total == baseline.context["result"].total == 1
            assert response.context["active_filters"] == baseline.context["active_filters"]
            assert [a for a in response.context["active_filters"] if a[0] == "topic"] == []
        for who in ("partner", "editor"):
            client = client_for(viewers[who])
            for slug, (name, seen_by) in HIDDEN_TOPICS.items():
                response = client.get(path, {**params, "topic": slug})
                html = response.content.decode()
                assert (name in html) == (who in seen_by), (path, who, slug)
                if who in seen_by:
                    assert response.context["result"].total == 1
                    assert "<strong>" + name + "</strong>" in html  # listed as an active filter


def test_no_results_page_does_not_offer_removing_a_hidden_topic(indexed):
    params = {"q": "referral", "doc_type": "law", "topic": "ghost-orchid-route"}
    response = client_for(None).get("/search/", params)
    html = response.content.decode()
    assert response.context["result"].total == 0
    assert 'data-testid="no-results"' in html
    relaxed = response.context["relaxed"]
    assert [(str(label), value, count) for label, value, _url, count in relaxed] == [
        ("Document type", "Law", 1)
    ]
    assert "Ghost Orchid" not in html


def test_a_province_only_hidden_items_have_answers_like_an_empty_one(indexed):
    """Province labels are gazetteer data, so a chosen province stays chosen; but what comes back
    must be the same as for a province with nothing in it."""
    hidden, empty = Area.objects.get(key="KH:17").slug, Area.objects.get(key="KH:12").slug
    answers = []
    for slug in (hidden, empty):
        result = indexed.search(
            Query(kinds=["document"], facets=["province", "topic"], filters={"province": [slug]})
        )
        answers.append(
            (result.total, [(v.count, v.selected) for v in result.facets["province"]], result.facets["topic"])
        )
    # Battambang (the public item's) is still offered; the chosen province counts nothing.
    assert answers[0] == answers[1] == (0, [(1, False), (0, True)], [])
