"""Library fixtures: the index page under the site's home page, a document factory, files,
and the search index rebuilt from what is published."""

import datetime
import itertools

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document as WagtailDocument

from directory.models import Area, Language
from library.demo.loader import index_page
from library.models import LibraryDocumentPage
from search import api
from search.engines import database_engine
from tests.search.conftest import elasticsearch_url, es_engine  # noqa: F401 (fixtures re-exported)

_counter = itertools.count(1)


@pytest.fixture
def library(db):
    return index_page()


@pytest.fixture
def make_doc(library):
    def _make(title=None, *, countries=(), provinces=(), languages=(), topics=(), live=True, **fields):
        n = next(_counter)
        page = LibraryDocumentPage(
            title=title or f"Library item {n}",
            slug=fields.pop("slug", f"library-item-{n}"),
            live=live,
            **fields,
        )
        library.add_child(instance=page)
        page.countries.set([Area.objects.get(key=k) for k in countries])
        page.provinces.set([Area.objects.get(key=k) for k in provinces])
        page.languages.set([Language.objects.get(code=c) for c in languages])
        page.topics.set(list(topics))
        page.save()
        return page

    return _make


@pytest.fixture
def make_file(db):
    def _make(name="report.pdf", content=b"%PDF-1.4\n% test file\n"):
        document = WagtailDocument(title=name)
        document.file.save(name, ContentFile(content), save=False)
        document.save()
        return document

    return _make


def reindex():
    """Rebuild the database engine's library index from what is published now."""
    return api.rebuild(database_engine(), ["document"])


@pytest.fixture
def corpus(make_doc, make_org):
    """A small library: public items in English and Khmer, one partners-only, one restricted."""
    mowa = make_org("Ministry of Women's Affairs", slug="mowa", org_type="ministry")
    docs = {
        "eval": make_doc(
            "Evaluation of the return and reintegration project",
            slug="reintegration-evaluation",
            document_type="evaluation",
            issuer_name="IOM Cambodia",
            authors="Smith, John Adam\nDara, Sok",
            year=2009,
            date=datetime.date(2009, 12, 1),
            abstract="An external evaluation of reintegration services for returned migrants in Battambang.",
            countries=["KH", "TH"],
            provinces=["KH:02"],
            languages=["en"],
            topics=["return reintegration", "monitoring evaluation"],
        ),
        "law": make_doc(
            "Law on Suppression of Human Trafficking and Sexual Exploitation",
            slug="trafficking-law-2008",
            document_type="law",
            issuer=mowa,
            issuer_name="Royal Government of Cambodia",
            year=2008,
            legal_status="in_force",
            abstract="The law that defines trafficking offences and penalties.",
            countries=["KH"],
            languages=["km", "en"],
            topics=["legal framework"],
        ),
        "khmer": make_doc(
            "សៀវភៅណែនាំស្តីពីការធ្វើចំណាកស្រុកដោយសុវត្ថិភាព",
            slug="safe-migration-guide-km",
            document_type="guideline",
            issuer_name="Ministry of Labour and Vocational Training",
            year=2015,
            abstract="សេវាកម្មជំនួយផ្លូវច្បាប់សម្រាប់ពលករចំណាកស្រុក",
            extracted_text="ការធ្វើចំណាកស្រុកដោយសុវត្ថិភាព និងសេវាកម្មជំនួយផ្លូវច្បាប់",
            countries=["KH"],
            languages=["km"],
            topics=["safe migration"],
        ),
        "partners": make_doc(
            "Partners-only case review of reintegration shelters",
            slug="partners-case-review",
            document_type="report",
            issuer_name="Chab Dai Coalition",
            year=2019,
            access_level="partners",
            abstract="Confidential review PARTNERSECRET of reintegration shelter capacity.",
            extracted_text="Shelter capacity figures PARTNERSECRET for Battambang reintegration.",
            countries=["KH"],
            topics=["shelter care"],
        ),
        "restricted": make_doc(
            "Restricted incident log on reintegration",
            slug="restricted-incident-log",
            document_type="dataset",
            issuer_name="Poipet Transit Centre",
            year=2018,
            access_level="restricted",
            abstract="RESTRICTEDSECRET incident notes on reintegration.",
            countries=["KH"],
            topics=["case management"],
        ),
    }
    reindex()
    return docs
