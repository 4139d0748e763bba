"""`manage.py search_rebuild`: both engines, alias swap on Elasticsearch, clear errors."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from search.contract import Query
from search.engines import database_engine, elasticsearch_engine
from search.models import IndexEntry


def test_rebuild_database_index_from_published_records(corpus, capsys):
    call_command("search_rebuild", "--engine", "database")
    out = capsys.readouterr().out
    assert "database: indexed" in out and "organization" in out
    live_orgs = sum(1 for o in corpus.values() if o.live)
    assert IndexEntry.objects.filter(kind="organization").count() == live_orgs
    assert not IndexEntry.objects.filter(title__startswith="Draft").exists()
    # Rebuilding again replaces, never duplicates.
    call_command("search_rebuild", "--engine", "database", "--kind", "organization")
    assert IndexEntry.objects.filter(kind="organization").count() == live_orgs


def test_rebuild_elasticsearch_swaps_the_alias_to_a_new_index(corpus, elasticsearch_url, capsys):
    prefix = f"rebuild-{uuid.uuid4().hex[:8]}"
    with override_settings(ELASTICSEARCH_URL=elasticsearch_url, SEARCH_INDEX_PREFIX=prefix):
        engine = elasticsearch_engine()
        try:
            call_command("search_rebuild")
            first = set(engine.client.indices.get_alias(name=f"{prefix}-organization"))
            call_command("search_rebuild", "--engine", "elasticsearch")
            second = set(engine.client.indices.get_alias(name=f"{prefix}-organization"))
            assert len(first) == len(second) == 1 and first != second
            # The old index is gone; searches go through the alias to the new one.
            assert not engine.client.indices.exists(index=next(iter(first)))
            hits = engine.search(Query(text="Poipet")).hits
            assert "Poipet Transit Centre" in [
                h.title.replace("<mark>", "").replace("</mark>", "") for h in hits
            ]
        finally:
            engine.drop(["organization", "service"])
    out = capsys.readouterr().out
    assert "elasticsearch: indexed" in out and "database: indexed" in out


def test_rebuild_reports_an_unreachable_search_server(corpus):
    with override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", SEARCH_INDEX_PREFIX="down"):
        with pytest.raises(CommandError, match="did not finish"):
            call_command("search_rebuild")
    # The database part still ran.
    assert database_engine().search(Query(text="Poipet")).total >= 1


def test_rebuild_rejects_unknown_kind_and_missing_server(db):
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("search_rebuild", "--kind", "nonsense")
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL is not set"):
        call_command("search_rebuild", "--engine", "elasticsearch")
