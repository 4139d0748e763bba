"""The public relevance evaluation set (bench/relevance/queries.json) cannot rot silently.

It must stay well-formed and broad (at least 150 queries in English, Khmer, Thai and Lao; every
category at least 8), and every entry a query expects must exist in the demo data and be visible
to the public, with text in the query's script to be found by. No relevance threshold is asserted
here: bench/relevance.py measures and prints it.
"""

import importlib
import json
import re
from collections import Counter

import pytest
from django.db import transaction

from directory.demo import translations as directory_translations
from directory.demo.loader import load_demo
from library.demo import translations as library_translations
from library.demo.loader import load_library_demo
from search import api, registry

relevance = importlib.import_module("bench.relevance")

LANGUAGES = {"en", "km", "th", "lo"}
KEY = re.compile(r"(org:[a-z0-9-]+|service:[a-z0-9-]+/[A-Z]+|doc:[a-z0-9-]+)")
SCRIPTS = {"km": re.compile("[\u1780-\u17ff]"), "th": re.compile("[\u0e00-\u0e7f]"), "lo": re.compile("[\u0e80-\u0eff]")}


@pytest.fixture(scope="module")
def public_text(django_db_setup, django_db_blocker):
    """{stable key: indexed text} of every document the public may see, demo data loaded once
    for this module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            load_demo(update_reference_index=False)
            load_library_demo()
            keys = relevance.stable_keys()
            text = {}
            for kind in registry.kinds():
                for doc in api.documents_of(kind):
                    key = keys.get((doc.kind, doc.id))
                    if key and doc.tier == "public":
                        titles = [doc.title] + [d.get("title", "") for d in doc.display.values()]
                        text[key] = "\n".join(titles + list(doc.names) + [doc.body])
            yield text
            transaction.set_rollback(True)


def test_the_set_is_broad_and_well_formed():
    queries = relevance.load_set()
    assert len(queries) >= 150
    assert {q["lang"] for q in queries} == LANGUAGES
    per_category = Counter(q["category"] for q in queries)
    assert min(per_category.values()) >= 8, per_category
    texts = [q["q"].casefold() for q in queries]
    assert len(texts) == len(set(texts)), [t for t, n in Counter(texts).items() if n > 1]
    for query in queries:
        assert query["q"].strip() and query["expect"], query
        assert all(KEY.fullmatch(key) for key in query["expect"]), query
        if query["lang"] != "en":
            assert SCRIPTS[query["lang"]].search(query["q"]), query


@pytest.mark.django_db
def test_every_expected_entry_is_in_the_demo_data_and_public(public_text):
    expected = {key for q in relevance.load_set() for key in q["expect"]}
    assert sorted(expected - set(public_text)) == []


@pytest.mark.django_db
def test_each_khmer_thai_and_lao_query_has_text_in_its_script_to_find(public_text):
    """The demo data carries the Khmer, Thai and Lao text the set needs (names, titles, service
    types), so a miss measures the engine, not missing data."""
    without = [
        q["q"]
        for q in relevance.load_set()
        if q["lang"] in SCRIPTS
        and not any(SCRIPTS[q["lang"]].search(public_text.get(key, "")) for key in q["expect"])
    ]
    assert without == []


def test_translated_demo_text_has_no_contact_details():
    files = [directory_translations.FILE, library_translations.FILE]
    for path in files:
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        assert "@" not in text and "http" not in text, path
        assert not re.search(r"\d{5,}|[០-៩]{5,}", text), path  # no phone-like number runs
