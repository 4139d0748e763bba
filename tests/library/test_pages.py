"""Library pages: the index at /library/, document pages, validation, the admin edit screen."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from library.models import LibraryDocumentPage, LibraryIndexPage, LibraryRelation


def test_index_page_lives_at_library_under_home(library):
    assert library.url == "/library/"
    assert library.get_parent().specific_class.__name__ == "HomePage"
    assert LibraryIndexPage.objects.count() == 1


def test_document_page_shows_its_metadata(client, corpus):
    response = client.get("/library/trafficking-law-2008/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="doc-type">Law<' in html
    assert 'data-testid="legal-status">In force<' in html
    # The issuer links to the directory organization, and the printed name is kept beside it.
    assert 'href="/directory/mowa/"' in html
    assert "Royal Government of Cambodia" in html
    assert "Khmer, English" in html or "English, Khmer" in html


def test_date_must_fall_in_the_year(library):
    page = LibraryDocumentPage(title="Mismatch", slug="mismatch", year=2010, date=datetime.date(2011, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        page.clean()
    assert "date" in excinfo.value.message_dict


def test_year_outside_range_is_refused(library):
    page = LibraryDocumentPage(title="Far future", slug="far-future", year=3020)
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean(exclude=["path", "depth", "content_type", "locale", "translation_key"])
    assert "year" in excinfo.value.message_dict


def test_date_fills_the_year(make_doc):
    page = make_doc("Dated", date=datetime.date(2016, 3, 8))
    assert page.year == 2016


def test_issuer_list_puts_the_linked_organization_first(make_doc, make_org):
    org = make_org("IOM Cambodia", slug="iom-cambodia")
    page = make_doc("Linked", issuer=org, issuer_name="IOM Cambodia; Ministry of Women's Affairs")
    assert page.issuer_list == ["IOM Cambodia", "Ministry of Women's Affairs"]
    other = make_doc("Other", issuer=org, issuer_name="Ministry of Interior")
    assert other.issuer_list == ["IOM Cambodia", "Ministry of Interior"]


def test_related_items_show_both_ways_with_their_labels(client, make_doc):
    law = make_doc("Anti-trafficking law", slug="the-law")
    sop = make_doc("Return SOP", slug="the-sop")
    LibraryRelation.objects.create(page=sop, relation="implements", target=law)
    html = client.get("/library/the-sop/").content.decode()
    assert (
        'data-testid="related-item">Implements: <a href="/library/the-law/">Anti-trafficking law</a>' in html
    )
    html = client.get("/library/the-law/").content.decode()
    assert 'Linked from: <a href="/library/the-sop/">Return SOP</a>' in html


def test_superseded_item_points_to_its_successor(client, make_doc):
    new = make_doc("Prakas 2020", slug="prakas-2020")
    make_doc("Prakas 2012", slug="prakas-2012", legal_status="superseded", superseded_by=new)
    html = client.get("/library/prakas-2012/").content.decode()
    assert 'data-testid="superseded">Superseded by <a href="/library/prakas-2020/">Prakas 2020</a>' in html


def test_unpublished_item_is_not_served(client, make_doc):
    make_doc("Draft only", slug="draft-only", live=False)
    assert client.get("/library/draft-only/").status_code == 404


def test_admin_edit_screen_has_the_library_tabs(editor_client, corpus):
    page = corpus["eval"]
    response = editor_client.get(f"/admin/pages/{page.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    for tab in ("Content", "Metadata", "File", "Relations", "Access"):
        assert f">{tab}<" in html or f"{tab}\n" in html
    assert 'name="access_level"' in html
    assert 'name="extracted_text"' not in html  # filled by extraction, never typed


def test_editor_can_add_an_item_in_the_admin(editor_client, library):
    response = editor_client.post(
        f"/admin/pages/add/library/librarydocumentpage/{library.pk}/",
        {
            "title": "Sub-decree on shelters",
            "slug": "sub-decree-shelters",
            "document_type": "sub_decree",
            "year": "2012",
            "access_level": "partners",
            "legal_status": "in_force",
            "relations-TOTAL_FORMS": "0",
            "relations-INITIAL_FORMS": "0",
            "relations-MIN_NUM_FORMS": "0",
            "relations-MAX_NUM_FORMS": "1000",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = LibraryDocumentPage.objects.get(slug="sub-decree-shelters")
    assert page.live and page.access_level == "partners" and page.year == 2012


def test_an_unpublished_issuer_is_not_named(make_doc, make_org):
    hidden = make_org("Unpublished Draft Agency", slug="draft-agency", live=False)
    page = make_doc("Issued by a draft", issuer=hidden, issuer_name="Printed Issuer")
    assert page.issuer_list == ["Printed Issuer"]
