"""Demo library abstracts say only what each record states (type, issuer, year, countries,
topics), in English and Khmer; an editor's own abstract survives a reload."""

import pytest
from django.core.management import call_command
from django.utils.translation import override

from directory.models import Area
from library.demo.abstracts import GENERIC
from library.demo.loader import load_library_demo, read_records
from library.models import DocumentType, LibraryDocumentPage
from search import api
from search.engines import database_engine
from search.text import tokens

# The template's own words (English and Khmer), besides what comes from the record.
TEMPLATE_WORDS = set(tokens("issued by and Countries Topics ចេញដោយ ឆ្នាំ ប្រទេស")) | set(
    tokens(" ".join(GENERIC.values()))
)


@pytest.fixture
def loaded(db):
    call_command("load_library_demo", verbosity=0)


def _record_words(row):
    countries = Area.objects.countries().filter(key__in=row["countries"].split(";"))
    labels = []
    for language in ("en", "km"):
        with override(language):
            labels.append(str(DocumentType(row["doc_type"]).label))
    text = " ".join(
        [row["issuer"], row["year"], row["topics"].replace("-", " "), *labels]
        + [n for c in countries for n in (c.name_en, c.name_km)]
    )
    return set(tokens(text))


def test_every_demo_item_has_an_abstract_made_only_of_its_own_record(loaded):
    pages = {p.slug: p for p in LibraryDocumentPage.objects.filter(is_demo=True, locale__language_code="en")}
    records = read_records()
    assert len(pages) == len(records)
    for row in records:
        abstract = pages[row["slug"]].abstract
        assert abstract, row["slug"]
        invented = set(tokens(abstract)) - _record_words(row) - TEMPLATE_WORDS
        assert not invented, (row["slug"], invented)
    # English, then Khmer: type, issuer, year, countries (and topics in English).
    row = records[0]  # the 2003 IOM evaluation of return and reintegration
    english, khmer = pages[row["slug"]].abstract.split("\n\n")
    assert english.startswith("Evaluation issued by IOM Office of the Inspector General, 2003.")
    assert "Cambodia" in english and "Thailand" in english
    assert "Topics: coordination, counter trafficking, monitoring evaluation, repatriation, return reintegration." in english
    assert khmer.startswith("ការវាយតម្លៃ ចេញដោយ IOM Office of the Inspector General ឆ្នាំ 2003។")
    assert Area.objects.get(key="KH").name_km in khmer


def test_demo_items_are_found_by_type_year_and_country_and_an_editors_abstract_is_kept(loaded, client):
    api.rebuild(database_engine(), ["document"])
    response = client.get("/search/", {"q": "evaluation 2003 Myanmar"})
    urls = [h.url for h in response.context["result"].hits]
    assert urls and urls[0].endswith(f"/{read_records()[0]['slug']}/")

    page = LibraryDocumentPage.objects.filter(is_demo=True).first()
    page.abstract = "Written by an editor."
    page.save()
    load_library_demo()
    page.refresh_from_db()
    assert page.abstract == "Written by an editor."
