"""Library items and the home page in several languages (issue 15).

An item's translation (Wagtail page copy in another locale) gives its title and abstract to
readers of that language, field by field; what it lacks is shown in English with a "not yet
translated" note. Its text is searchable, within the item's tier. Translating the home page does
not take the library's addresses away.
"""

import re

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale

from library.demo.translated_pages import DRAFT_NOTE, is_cambodian_instrument
from portal.models import HomePage
from search import api
from search.contract import Query
from search.engines import database_engine

NOTE = 'data-testid="untranslated-note"'
KHMER_ABSTRACT = "ច្បាប់នេះការពារពលករចំណាកស្រុកពីការជួញដូរ និងការកេងប្រវ័ញ្ចលើកម្លាំងពលកម្ម"


def read_in(client, language, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, follow=True)
    translation.activate(settings.LANGUAGE_CODE)
    assert response.status_code == 200, url
    return response.content.decode()


def translate(page, language, **fields):
    """A published translation of `page` (its parents are copied as drafts)."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True).specific
    for key, value in fields.items():
        setattr(copy, key, value)
    copy.draft_title = copy.title
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


@pytest.fixture
def law(make_doc):
    return make_doc(
        "Law on migrant workers",
        document_type="law",
        abstract="Protects migrant workers from trafficking and labour exploitation.",
        countries=["KH"],
    )


def test_a_translated_item_shows_its_title_and_abstract(client, law):
    translate(law, "km", title="ច្បាប់ស្តីពីពលករចំណាកស្រុក", abstract=KHMER_ABSTRACT)
    html = read_in(client, "km", law.url)
    assert "ច្បាប់ស្តីពីពលករចំណាកស្រុក" in html and KHMER_ABSTRACT in html
    assert NOTE not in html
    english = read_in(client, "en", law.url)
    assert "Law on migrant workers" in english and KHMER_ABSTRACT not in english and NOTE not in english


def test_a_blank_translated_abstract_shows_the_english_one_with_a_note(client, law):
    translate(law, "km", title="ច្បាប់ស្តីពីពលករចំណាកស្រុក", abstract="")
    html = read_in(client, "km", law.url)
    assert "ច្បាប់ស្តីពីពលករចំណាកស្រុក" in html
    assert "Protects migrant workers from trafficking" in html and NOTE in html


def test_an_untranslated_item_is_english_with_a_note(client, law):
    for language in ["km", "th", "vi", "lo"]:
        html = read_in(client, language, law.url)
        assert "Law on migrant workers" in html and "Protects migrant workers" in html
        note = re.search(r'data-testid="untranslated-note">([^<]+)<', html)
        assert note and note.group(1).strip(), language


def test_a_translation_above_the_viewers_tier_is_never_shown_or_indexed(client, law):
    translate(
        law, "km", title="ចំណងជើងសម្ងាត់", abstract="អត្ថបទសម្ងាត់សម្រាប់តែអ្នកកែសម្រួល", access_level="restricted"
    )
    html = read_in(client, "km", law.url)
    assert "សម្ងាត់" not in html and "Law on migrant workers" in html and NOTE in html
    engine = database_engine()
    api.rebuild(engine, ["document"])
    assert engine.search(Query(text="សម្ងាត់", kinds=["document"])).total == 0


def test_translated_text_is_searchable_and_shown_in_the_readers_language(law, make_doc):
    translate(law, "km", title="ច្បាប់ស្តីពីពលករចំណាកស្រុក", abstract=KHMER_ABSTRACT)
    make_doc("Untranslated study", document_type="study", abstract="A study of migration.")
    engine = database_engine()
    api.rebuild(engine, ["document"])
    # a Khmer word inside the running text of the translation's abstract
    hits = engine.search(Query(text="កេងប្រវ័ញ្ច", kinds=["document"], locale="km")).hits
    assert [h.id for h in hits] == [str(law.pk)]  # one document for the item and its translation
    assert "ច្បាប់ស្តីពីពលករចំណាកស្រុក" in hits[0].title and not hits[0].untranslated
    study = engine.search(Query(text="study migration", kinds=["document"], locale="km")).hits
    assert study and study[0].untranslated
    assert (
        not engine.search(Query(text="study migration", kinds=["document"], locale="en")).hits[0].untranslated
    )


def test_a_translated_home_page_keeps_the_library_reachable(client, law):
    home = HomePage.objects.get(locale__language_code="en")
    translate(home, "km", title="វិបផតថលការពារមេគង្គ", intro="")
    html = read_in(client, "km", "/")
    assert "វិបផតថលការពារមេគង្គ" in html
    # the library index and the item are not translated: still there, in English with the note
    item = read_in(client, "km", law.url)
    assert "Law on migrant workers" in item and NOTE in item
    assert "Research library" in read_in(client, "km", "/library/")  # answers (read_in checks 200)


def test_demo_marks_cambodian_instruments_only():
    assert is_cambodian_instrument({"doc_type": "sub_decree", "countries": "KH"})
    assert is_cambodian_instrument({"doc_type": "mou", "countries": "KH;TH"})
    assert not is_cambodian_instrument({"doc_type": "study", "countries": "KH"})
    assert not is_cambodian_instrument({"doc_type": "law", "countries": "TH"})
    assert "ពិនិត្យ" in DRAFT_NOTE  # the Khmer abstracts say they await review


def test_a_copy_still_holding_the_english_text_says_it_is_not_translated(client, law, make_doc):
    # Translating an item copies its parents (home page, library index) as exact copies of the
    # English pages: their English titles are not translations and say so.
    translate(law, "km", title="ច្បាប់ស្តីពីពលករចំណាកស្រុក", abstract=KHMER_ABSTRACT)
    home = read_in(client, "km", "/")
    assert "Mekong Protection Portal" in home and NOTE in home
    index = read_in(client, "km", "/library/")
    assert "Research library" in index and NOTE in index
    # The same holds for an item whose translation was published unchanged.
    study = make_doc("Study of return routes", document_type="study", abstract="Routes home.")
    translate(study, "th")
    html = read_in(client, "th", study.url)
    assert "Study of return routes" in html and NOTE in html
