"""Citations checked against exact expected strings: APA 7, Chicago 17 (bibliography), RIS,
BibTeX, CSL-JSON, and the Highwire Press meta tags that Zotero and Google Scholar read."""

import datetime
import json

from library.citations import Citable, apa, bibtex, chicago, csl_json, highwire, ris

PEOPLE = Citable(
    key="library-7",
    title="Evaluation of the return and reintegration project",
    doc_type="evaluation",
    authors=["Smith, John Adam", "Dara, Sok"],
    issuers=["IOM Cambodia"],
    year=2009,
    date=datetime.date(2009, 12, 1),
    abstract="An external evaluation.",
    url="https://portal.example.org/library/reintegration-evaluation/",
    languages=["en"],
    topics=["monitoring evaluation", "return reintegration"],
    type_label="Evaluation",
)
ORG = Citable(
    key="library-8",
    title="Law on Suppression of Human Trafficking & Sexual Exploitation",
    doc_type="law",
    issuers=["Royal Government of Cambodia"],
    year=2008,
    url="https://portal.example.org/library/trafficking-law-2008/",
    languages=["km", "en"],
    type_label="Law",
)
UNDATED = Citable(
    key="library-9", title="Referral form", doc_type="form", issuers=["Chab Dai Coalition"], type_label="Form"
)
THREE = Citable(
    key="library-10",
    title="Case management study",
    doc_type="study",
    authors=["Keo, Sothea", "Nguyen, Van An", "Brown, Mary-Jane"],
    issuers=["Chab Dai Coalition"],
    year=2019,
    type_label="Study",
)


def test_apa_with_personal_authors():
    assert apa(PEOPLE) == (
        "Smith, J. A., & Dara, S. (2009). Evaluation of the return and reintegration project. "
        "IOM Cambodia. https://portal.example.org/library/reintegration-evaluation/"
    )


def test_apa_with_three_authors_and_hyphenated_given_name():
    assert (
        apa(THREE)
        == "Keo, S., Nguyen, V. A., & Brown, M.-J. (2019). Case management study. Chab Dai Coalition."
    )


def test_apa_with_an_organization_as_author_does_not_repeat_it_as_publisher():
    assert apa(ORG) == (
        "Royal Government of Cambodia. (2008). Law on Suppression of Human Trafficking & Sexual "
        "Exploitation. https://portal.example.org/library/trafficking-law-2008/"
    )


def test_apa_without_a_date():
    assert apa(UNDATED) == "Chab Dai Coalition. (n.d.). Referral form."


def test_apa_html_italicises_and_escapes_the_title():
    assert apa(ORG, html=True) == (
        "Royal Government of Cambodia. (2008). <i>Law on Suppression of Human Trafficking &amp; Sexual "
        "Exploitation</i>. https://portal.example.org/library/trafficking-law-2008/"
    )


def test_chicago_with_personal_authors():
    assert chicago(PEOPLE) == (
        "Smith, John Adam, and Sok Dara. Evaluation of the return and reintegration project. "
        "IOM Cambodia, 2009. https://portal.example.org/library/reintegration-evaluation/."
    )
    assert chicago(THREE) == (
        "Keo, Sothea, Van An Nguyen, and Mary-Jane Brown. Case management study. Chab Dai Coalition, 2019."
    )


def test_chicago_with_an_organization_as_author():
    assert chicago(ORG) == (
        "Royal Government of Cambodia. Law on Suppression of Human Trafficking & Sexual Exploitation. "
        "2008. https://portal.example.org/library/trafficking-law-2008/."
    )
    assert chicago(UNDATED) == "Chab Dai Coalition. Referral form. n.d."


def test_ris_record():
    assert ris([PEOPLE]) == "\r\n".join(
        [
            "TY  - RPRT",
            "TI  - Evaluation of the return and reintegration project",
            "AU  - Smith, John Adam",
            "AU  - Dara, Sok",
            "PB  - IOM Cambodia",
            "PY  - 2009",
            "DA  - 2009/12/01",
            "M3  - Evaluation",
            "AB  - An external evaluation.",
            "KW  - monitoring evaluation",
            "KW  - return reintegration",
            "LA  - en",
            "UR  - https://portal.example.org/library/reintegration-evaluation/",
            "ID  - library-7",
            "ER  - ",
            "",
        ]
    )


def test_ris_of_a_law_has_the_statute_type_and_the_issuer_as_author():
    text = ris([ORG, UNDATED])
    assert text.startswith("TY  - STAT\r\n")
    assert "A2  - Royal Government of Cambodia\r\n" in text
    assert text.count("ER  - ") == 2
    assert "TY  - GEN\r\n" in text  # a form


def test_bibtex_entry():
    assert bibtex([PEOPLE]) == (
        "@techreport{smith2009evaluation,\n"
        "  title = {{Evaluation of the return and reintegration project}},\n"
        "  author = {Smith, John Adam and Dara, Sok},\n"
        "  institution = {IOM Cambodia},\n"
        "  year = {2009},\n"
        "  date = {2009-12-01},\n"
        "  type = {Evaluation},\n"
        "  abstract = {An external evaluation.},\n"
        "  keywords = {monitoring evaluation, return reintegration},\n"
        "  language = {en},\n"
        "  url = {https://portal.example.org/library/reintegration-evaluation/}\n"
        "}\n"
    )


def test_bibtex_escapes_specials_and_protects_organization_authors():
    text = bibtex([ORG])
    assert text.startswith("@misc{royal2008suppression,\n")
    assert "  title = {{Law on Suppression of Human Trafficking \\& Sexual Exploitation}},\n" in text
    assert "  author = {{Royal Government of Cambodia}},\n" in text


def test_bibtex_keys_are_unique_in_a_list():
    text = bibtex([PEOPLE, PEOPLE])
    assert "@techreport{smith2009evaluation," in text and "@techreport{smith2009evaluationa," in text


def test_csl_json():
    assert json.loads(csl_json([PEOPLE, ORG])) == [
        {
            "id": "library-7",
            "type": "report",
            "title": "Evaluation of the return and reintegration project",
            "author": [{"family": "Smith", "given": "John Adam"}, {"family": "Dara", "given": "Sok"}],
            "publisher": "IOM Cambodia",
            "issued": {"date-parts": [[2009, 12, 1]]},
            "genre": "Evaluation",
            "abstract": "An external evaluation.",
            "keyword": "monitoring evaluation, return reintegration",
            "language": "en",
            "URL": "https://portal.example.org/library/reintegration-evaluation/",
        },
        {
            "id": "library-8",
            "type": "legislation",
            "title": "Law on Suppression of Human Trafficking & Sexual Exploitation",
            "author": [{"literal": "Royal Government of Cambodia"}],
            "publisher": "Royal Government of Cambodia",
            "issued": {"date-parts": [[2008]]},
            "genre": "Law",
            "language": "km",
            "URL": "https://portal.example.org/library/trafficking-law-2008/",
        },
    ]


def test_highwire_tags():
    assert highwire(PEOPLE, pdf_url="https://portal.example.org/x/download/") == [
        ("citation_title", "Evaluation of the return and reintegration project"),
        ("citation_author", "Smith, John Adam"),
        ("citation_author", "Dara, Sok"),
        ("citation_publication_date", "2009/12/01"),
        ("citation_technical_report_institution", "IOM Cambodia"),
        ("citation_language", "en"),
        ("citation_keywords", "monitoring evaluation"),
        ("citation_keywords", "return reintegration"),
        ("citation_abstract_html_url", "https://portal.example.org/library/reintegration-evaluation/"),
        ("citation_pdf_url", "https://portal.example.org/x/download/"),
    ]
    assert ("citation_publisher", "Royal Government of Cambodia") in highwire(ORG)


# -- through the pages ------------------------------------------------------------------------
def test_document_page_carries_highwire_tags_and_citations(client, corpus):
    html = client.get("/library/reintegration-evaluation/").content.decode()
    assert '<meta name="citation_title" content="Evaluation of the return and reintegration project">' in html
    assert '<meta name="citation_author" content="Smith, John Adam">' in html
    assert '<meta name="citation_publication_date" content="2009/12/01">' in html
    assert '<meta name="citation_technical_report_institution" content="IOM Cambodia">' in html
    assert '<meta name="citation_language" content="en">' in html
    assert "citation_pdf_url" not in html  # no file
    assert (
        'data-testid="cite-apa">Smith, J. A., &amp; Dara, S. (2009). <i>Evaluation of the return and '
        "reintegration project</i>. IOM Cambodia. http://testserver/library/reintegration-evaluation/</p>"
    ) in html
    assert (
        'data-testid="cite-chicago">Smith, John Adam, and Sok Dara. <i>Evaluation of the return and '
        "reintegration project</i>. IOM Cambodia, 2009. http://testserver/library/reintegration-evaluation/.</p>"
    ) in html


def test_item_exports_download_in_each_format(client, corpus):
    response = client.get("/library/reintegration-evaluation/cite/ris/")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Content-Disposition"] == 'attachment; filename="reintegration-evaluation.ris"'
    assert "TI  - Evaluation of the return and reintegration project" in response.content.decode()
    bib = client.get("/library/reintegration-evaluation/cite/bib/").content.decode()
    assert bib.startswith("@techreport{smith2009evaluation,")
    data = client.get("/library/trafficking-law-2008/cite/json/").json()
    assert data[0]["type"] == "legislation"
    assert data[0]["author"] == [
        {"literal": "Ministry of Women's Affairs"},
        {"literal": "Royal Government of Cambodia"},
    ]
    assert client.get("/library/reintegration-evaluation/cite/doc/").status_code == 404


def test_result_list_export_follows_the_search(client, corpus):
    text = client.get("/library/export/ris/?doc_type=law&doc_type=evaluation&sort=recent").content.decode()
    assert text.count("ER  - ") == 2
    assert text.index("Evaluation of the return") < text.index("Law on Suppression")
    data = client.get("/library/export/json/?q=ជំនួយ").json()
    assert [item["title"] for item in data] == ["សៀវភៅណែនាំស្តីពីការធ្វើចំណាកស្រុកដោយសុវត្ថិភាព"]
