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
    # English items; Cambodian instruments also have Khmer translations (test_content_languages.py)
    pages = LibraryDocumentPage.objects.live().filter(locale__language_code="en")
    assert pages.count() == 300
    assert not LibraryDocumentPage.objects.filter(is_demo=False).exists()
    assert LibraryIndexPage.objects.get(locale__language_code="en").url == "/library/"
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
    before = {(p.slug, p.locale_id): p.latest_revision_created_at for p in LibraryDocumentPage.objects.all()}
    result = load_library_demo()
    assert result == {"created": 0, "updated": 0, "total": 300}
    assert LibraryDocumentPage.objects.filter(locale__language_code="en").count() == 300
    assert {(p.slug, p.locale_id): p.latest_revision_created_at for p in LibraryDocumentPage.objects.all()} == before


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


SITE_TITLES = {
    "km": ("វិបផតថលការពារតំបន់មេគង្គ", "បណ្ណាល័យស្រាវជ្រាវ"),
    "th": ("พอร์ทัลคุ้มครองลุ่มน้ำโขง", "ห้องสมุดงานวิจัย"),
    "vi": ("Cổng thông tin Bảo vệ Mê Kông", "Thư viện nghiên cứu"),
    "lo": ("ປະຕູຂໍ້ມູນການປົກປ້ອງແມ່ນ້ຳຂອງ", "ຫ້ອງສະໝຸດຄົ້ນຄວ້າ"),
}


@pytest.mark.parametrize("language", sorted(SITE_TITLES))
def test_demo_home_page_and_library_are_titled_in_each_language(client, loaded, language):
    import html as htmllib
    import re

    home_title, library_title = SITE_TITLES[language]

    def h1(path):
        response = client.get(path)
        assert response.status_code == 200, path
        body = htmllib.unescape(response.content.decode())
        return re.search(r"<h1>(.*?)</h1>", body).group(1), 'data-testid="untranslated-note"' in body

    assert h1(f"/{language}/") == (home_title, False)  # the demo home page has no other text
    # The library index's introduction is English still: shown, and said.
    assert h1(f"/{language}/library/") == (library_title, True)
    assert h1("/library/") == ("Research library", False)
    # A second run keeps the titles (and an editor's own) as they are.
    load_library_demo()
    assert h1(f"/{language}/") == (home_title, False)
