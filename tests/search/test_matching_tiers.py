"""Partial matching, rarity weights, spelling, splits and joins see only the viewer's tiers.

A word that only a restricted library item has must not change, for a visitor, the order or
scores of their results (rarity is counted over what they may see), the words reported as
unmatched, or be offered as a correction, a split or a join. The editor's answers prove the
hidden items are really in the index. Runs on the database engine and on Elasticsearch.
"""

import uuid

import pytest

from search import api
from search.contract import Query
from search.engines import database_engine
from search.engines.elasticsearch import ElasticsearchEngine
from tests.library.conftest import library, make_doc  # noqa: F401 (fixtures used here)

pytestmark = pytest.mark.usefixtures("library")


@pytest.fixture
def public_items(make_doc):  # noqa: F811
    make_doc("Referral pathways in Battambang", abstract="Referral pathways for returned migrants.")
    make_doc("Referral handbook", abstract="Referral forms and contacts.")
    make_doc("Pathways to work", abstract="Pathways for young workers.")


def hide(make_doc):  # noqa: F811
    """Restricted and partners items full of the same words, and of words nobody else has."""
    make_doc(
        "Vorquintal referral pathways register",
        slug="hidden-register",
        access_level="restricted",
        abstract="Vorquintal pathways pathways pathways; kelpmoor; zanth morlix notes.",
    )
    for n in range(4):
        make_doc(
            f"Partners pathways note {n}",
            slug=f"hidden-note-{n}",
            access_level="partners",
            abstract="Pathways pathways.",
        )


@pytest.fixture(params=["database", "elasticsearch"])
def reindex(request):
    engines = []

    def _reindex():
        api.rebuild(database_engine(), ["document"])  # also the vocabulary Elasticsearch uses
        if request.param == "database":
            return database_engine()
        if not engines:
            url = request.getfixturevalue("elasticsearch_url")
            engines.append(ElasticsearchEngine(url, prefix=f"tiers-{uuid.uuid4().hex[:8]}", refresh=True))
        api.rebuild(engines[0], ["document"])
        return engines[0]

    yield _reindex
    for engine in engines:
        engine.drop(["document"])


def answer(engine, text, viewer=None):
    result = engine.search(Query(text=text, kinds=["document"], viewer=viewer, per_page=50))
    return {
        "hits": [(h.url, h.score, h.missing) for h in result.hits],
        "total": result.total,
        "partial": result.partial,
        "unmatched": result.unmatched,
        "absent": result.absent,
        "corrections": result.corrections,
    }


QUERIES = ["referral pathways vorquintal", "pathways referral", "pathways", "referral kelpmoor"]


def test_hidden_words_change_nothing_a_visitor_sees(public_items, make_doc, reindex, editor_user):  # noqa: F811
    engine = reindex()
    before = {text: answer(engine, text) for text in QUERIES}
    assert before["referral pathways vorquintal"]["partial"]
    assert before["referral pathways vorquintal"]["absent"] == ["vorquintal"]
    assert "vorquintal" in before["referral pathways vorquintal"]["unmatched"]
    hide(make_doc)
    engine = reindex()
    after = {text: answer(engine, text) for text in QUERIES}
    assert after == before
    # Not vacuous: the editor finds the hidden register by every word.
    editor = answer(engine, "referral pathways vorquintal", editor_user)
    assert editor["partial"] is False and editor["total"] == 1
    assert answer(engine, "pathways", editor_user)["total"] == before["pathways"]["total"] + 5


@pytest.mark.parametrize(
    "typed, hidden_word",
    [
        ("vorquintel", "vorquintal"),  # correction
        ("kelp moor", "kelpmoor"),  # join
        ("zanthmorlix", "zanth morlix"),  # split
    ],
)
def test_no_correction_split_or_join_from_hidden_words(
    public_items,
    make_doc,  # noqa: F811
    reindex,
    editor_user,
    typed,
    hidden_word,
):
    hide(make_doc)
    engine = reindex()
    visitor = answer(engine, typed)
    assert visitor["total"] == 0 and visitor["corrections"] == {}
    editor = answer(engine, typed, editor_user)
    assert editor["total"] >= 1
    assert editor["hits"][0][0] == "/library/hidden-register/"
    if typed == "vorquintel":
        assert editor["corrections"] == {typed: hidden_word}
