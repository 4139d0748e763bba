"""The field a word is found in decides its points (title, names, body, inside a compound), on
SQLite (FTS5 columns) and PostgreSQL (a tsvector column per field, see `PostgresFTS`) alike, and
PostgreSQL's migration 0011 splits stored vectors exactly as a write does."""

import importlib

import pytest
from django.db import connection

from search import api
from search.contract import Query
from search.engines.database import DatabaseEngine
from tests.search.conftest import _names

COMPOUND = "មជ្ឈមណ្ឌលសេវាកម្មជំនួយផ្លូវច្បាប់"  # ICU keeps it whole; ច្បាប់ is inside


@pytest.fixture
def engine(make_org):
    make_org("Zebrafinch Outreach", description="Street outreach.")
    _names(make_org("Harbour Aid", description="Zebrafinch volunteers."), "Zebrafinch Partners")
    make_org("River Aid", description="Trains zebrafinch volunteers.")
    make_org("Khmer Law Library", description="សៀវភៅ ច្បាប់ សម្រាប់ គ្រប់គ្នា")
    make_org(COMPOUND, description="Legal help.")
    make_org("Unrelated Office", description="Nothing to see.")
    engine = DatabaseEngine()
    api.rebuild(engine)
    return engine


def scores(engine, text):
    result = engine.search(Query(text=text, kinds=["organization"]))
    return {h.title.replace("<mark>", "").replace("</mark>", ""): h.score for h in result.hits}


def test_title_then_names_then_body(engine):
    found = scores(engine, "zebrafinch")
    assert set(found) == {"Zebrafinch Outreach", "Harbour Aid", "River Aid"}
    # The names field wins over the body of the same record.
    assert found["Zebrafinch Outreach"] > found["Harbour Aid"] > found["River Aid"] > 0


def test_a_word_inside_a_compound_is_found_below_the_whole_word(engine):
    found = scores(engine, "ច្បាប់")
    assert set(found) == {"Khmer Law Library", COMPOUND}
    assert found["Khmer Law Library"] > found[COMPOUND] > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's columns")
def test_the_migration_splits_stored_vectors_as_a_write_does(engine):
    migration = importlib.import_module("search.migrations.0011_field_vectors")
    columns = "vector, title_vector, names_vector, subword_vector"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM search_indexentry ORDER BY id")  # noqa: S608
        written = cursor.fetchall()
        assert all(row[2] for row in written) and any(row[4] for row in written)
        with connection.schema_editor() as editor:
            migration.backwards(None, editor)  # the sub-words back in `vector`, columns gone
            migration.forwards(None, editor)
        cursor.execute(f"SELECT id, {columns} FROM search_indexentry ORDER BY id")  # noqa: S608
        assert cursor.fetchall() == written
    assert set(scores(engine, "zebrafinch")) == {"Zebrafinch Outreach", "Harbour Aid", "River Aid"}
