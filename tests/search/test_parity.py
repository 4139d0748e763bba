"""The two engines honour one contract: the same queries give the same hits and facet counts."""

import pytest

from search import api
from search.contract import Query
from search.engines.database import DatabaseEngine

FACETS = ["kind", "country", "province", "type", "group", "language"]
QUERIES = [
    ("Battambang", {}),
    ("Batambang", {}),
    ("shelters", {}),
    ("Poi Pet", {}),
    ("MOSALVY", {}),
    ("ជំនួយ", {}),
    ("ช่วยเหลือ", {}),
    ("Phnum Penh", {}),
    ("labor center", {}),
    ("centre", {"kind": ["organization"]}),
    ("centre", {"province": ["battambang"]}),
    ("", {"type": ["LEGAL"]}),
    ("", {"group": ["migrants"], "language": ["km"]}),
    ("reintegration", {"province": ["kratie"]}),
    ('"NEAR( * AND', {}),
    # Partial matches: no document has every word.
    ("shelter for boys Battambang", {}),
    ("Poipet zzyzxqwv", {}),
    ("legal aid Battambang", {"kind": ["organization"]}),
    ("centre zzyzxqwv", {"province": ["battambang"]}),
    # Stop words and administrative words never block.
    ("the reception centre of Battambang province", {}),
    ("ខេត្ត បាត់ដំបង", {}),
    # Spelling by length, compounds, sub-words.
    ("reintegrasoin", {}),
    ("counseling centre", {}),
    ("រងគ្រោះ", {}),
    ("ច្បាប់", {}),
]


@pytest.fixture
def both(corpus, es_engine):
    database = DatabaseEngine()
    api.rebuild(database)
    api.rebuild(es_engine)
    return database, es_engine


def shape(result):
    return (
        result.total,
        sorted((h.kind, h.id) for h in result.hits),
        {
            name: sorted((v.value, v.count, v.selected) for v in values)
            for name, values in result.facets.items()
        },
        result.corrections,
        result.partial,
        result.unmatched,
        result.absent,
    )


def ranking(result):
    return [(h.kind, h.id, h.score, h.missing) for h in result.hits]


@pytest.mark.parametrize("text, filters", QUERIES, ids=[f"{q}|{sorted(f)}" for q, f in QUERIES])
def test_same_hits_and_facets_from_both_engines(both, text, filters):
    database, elasticsearch = both
    query = dict(text=text, filters=filters, facets=FACETS, per_page=100)
    assert shape(database.search(Query(**query))) == shape(elasticsearch.search(Query(**query)))


def test_same_snippets_from_both_engines(both):
    database, elasticsearch = both
    query = dict(text="Poipet border", per_page=100)
    db_hits = {h.id: (h.title, h.snippet) for h in database.search(Query(**query)).hits}
    es_hits = {h.id: (h.title, h.snippet) for h in elasticsearch.search(Query(**query)).hits}
    assert db_hits == es_hits and db_hits


@pytest.mark.parametrize("text", [q for q, f in QUERIES if q and not f])
def test_same_order_scores_and_missing_words_from_both_engines(both, text):
    database, elasticsearch = both
    for page in (1, 2):
        query = dict(text=text, per_page=3, page=page)
        db, es = database.search(Query(**query)), elasticsearch.search(Query(**query))
        assert ranking(db) == ranking(es)
        assert (db.partial, db.unmatched) == (es.partial, es.unmatched)
