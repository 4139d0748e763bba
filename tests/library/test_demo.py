"""The demonstration library: 300 records from the project's own fixture, flagged as demo,
published under /library/, idempotent, indexed, and announced by the demo banner."""

import pytest
from django.core.management import call_command

from library.demo.loader import FIXTURE, load_library_demo, read_records
from library.models import LibraryDocumentPage, LibraryIndexPage
from search import api
from search.contract import Query


@pytest.fixture
def loaded(db, make_org):
    make_org("Chab Dai Coalition", slug="chab-dai")
    call_command("load_library_demo", verbosity=0)


def test_fixture_lives_in_the_project():
    assert FIXTURE.is_file() and "library" in str(FIXTURE.parent)
    assert len(read_records()) == 300


def test_demo_records_become_published_demo_items(client, loaded):
    pages = LibraryDocumentPage.objects.live()
    assert pages.count() == 300
    assert not pages.filter(is_demo=False).exists()
    assert LibraryIndexPage.objects.get().url == "/library/"
    item = pages.get(title__startswith="Evaluation of the IOM Project for the Return and Reintegration")
    assert item.document_type == "evaluation"
    assert item.year == 2003
    assert item.issuer_name == "IOM Office of the Inspector General"
    assert sorted(a.key for a in item.countries.all()) == ["KH", "LA", "MM", "TH", "VN"]
    assert [lang.code for lang in item.languages.all()] == ["en"]
    assert "return reintegration" in item.topic_names
    assert "redact" in item.editor_notes  # the brief's notes stay with editors ...
    html = client.get(item.url).content.decode()
    assert "redact before public full text" not in html  # ... and never reach the public page
    assert 'data-testid="demo-flag"' in html
    # The issuer is linked to the directory organization when it is there.
    linked = LibraryDocumentPage.objects.filter(issuer__slug="chab-dai")
    assert linked.exists()
    assert all("Chab Dai Coalition" in p.issuer_name for p in linked)


def test_loading_twice_changes_nothing(loaded):
    before = {p.slug: p.latest_revision_created_at for p in LibraryDocumentPage.objects.all()}
    result = load_library_demo()
    assert result == {"created": 0, "updated": 0, "total": 300}
    assert LibraryDocumentPage.objects.count() == 300
    assert {p.slug: p.latest_revision_created_at for p in LibraryDocumentPage.objects.all()} == before


def test_demo_library_is_searchable_with_facets(client, loaded):
    result = api.run(
        Query(text="reintegration evaluation", kinds=["document"], facets=["doc_type", "decade"])
    )
    assert result.total > 0
    assert {v.value for v in result.facets["doc_type"]} >= {"evaluation"}
    assert all(h.url.startswith("/library/") for h in result.hits)
    # The demo banner shows while demo library items are published.
    assert 'data-testid="demo-banner"' in client.get("/library/").content.decode()
    LibraryDocumentPage.objects.update(live=False)
    html = client.get("/search/").content.decode()
    assert 'data-testid="demo-banner"' not in html
