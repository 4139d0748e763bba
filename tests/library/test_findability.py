"""Library items are found by the words people type for them: the document type (English and
Khmer labels, "laws", "SOPs", "subdecree"), the year and the issuer with its acronym, on both
engines. Places an item is about are found too, below the items located there."""

import pytest

from directory.models import OrganizationName
from search import api
from search.contract import Query
from search.engines import database_engine


@pytest.fixture
def items(make_doc, make_org):
    mowa = make_org("Ministry of Women's Affairs", slug="mowa", org_type="ministry")
    OrganizationName.objects.create(organization=mowa, name="MoWA", kind="acronym")
    mosvy = make_org("Ministry of Social Affairs, Veterans and Youth Rehabilitation", slug="mosvy")
    OrganizationName.objects.create(organization=mosvy, name="MoSVY", kind="acronym")
    return {
        "law": make_doc(
            "Law on Suppression of Human Trafficking and Sexual Exploitation",
            slug="law-2008",
            document_type="law",
            issuer=mowa,
            year=2008,
            countries=["KH"],
        ),
        "report": make_doc(
            "Trafficking trends in the Mekong",
            slug="trends-2008",
            document_type="report",
            issuer_name="UNIAP",
            year=2008,
            abstract="Patterns of trafficking seen by partners; mentions the new law.",
        ),
        "sop": make_doc(
            "Procedures for the repatriation of victims",
            slug="repatriation-procedures",
            document_type="sop",
            issuer=mosvy,
            year=2012,
        ),
        "evaluation": make_doc(
            "Case management review",
            slug="case-management-2019",
            document_type="evaluation",
            issuer_name="Chab Dai Coalition",
            year=2019,
            countries=["KH"],
            provinces=["KH:02"],
        ),
        "sub_decree": make_doc(
            "Establishment of the National Committee",
            slug="national-committee",
            document_type="sub_decree",
            issuer_name="Royal Government of Cambodia",
            year=2009,
        ),
        "prakas": make_doc(
            "Sending Cambodian workers abroad through recruitment agencies",
            slug="recruitment-regulation",
            document_type="prakas",
            issuer_name="Ministry of Labour and Vocational Training",
            year=2011,
        ),
    }


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, items):
    api.rebuild(database_engine(), ["document"])
    if request.param == "database":
        yield database_engine()
        return
    engine = request.getfixturevalue("es_engine")
    api.rebuild(engine, ["document"])
    yield engine
    engine.drop(["document"])


def urls(engine, text):
    return [h.url for h in engine.search(Query(text=text, kinds=["document"])).hits]


@pytest.mark.parametrize(
    "text, first",
    [
        ("trafficking law 2008", "/library/law-2008/"),
        ("laws", "/library/law-2008/"),
        ("SOPs", "/library/repatriation-procedures/"),
        ("standard operating procedure", "/library/repatriation-procedures/"),
        ("MoSVY SOP", "/library/repatriation-procedures/"),
        ("evaluation 2019 case management", "/library/case-management-2019/"),
        ("sub-decree", "/library/national-committee/"),
        ("subdecree", "/library/national-committee/"),
        ("prakas 2011", "/library/recruitment-regulation/"),
        ("MoWA law", "/library/law-2008/"),
        ("អនុក្រឹត្យ", "/library/national-committee/"),
        ("ច្បាប់", "/library/law-2008/"),
    ],
)
def test_type_year_and_issuer_are_words_people_can_type(engine, text, first):
    found = urls(engine, text)
    assert found and found[0] == first, found


def test_a_document_type_finds_only_items_of_that_type(engine):
    assert urls(engine, "evaluation") == ["/library/case-management-2019/"]


def test_places_an_item_is_about_are_searchable(engine):
    assert urls(engine, "case management battambang") == ["/library/case-management-2019/"]
