"""Access levels: partners-only and restricted items, and their files, never reach a viewer below
their tier: not the page, the file (by Wagtail's document URL or our download link), the
listing, search hits, snippets, facet counts or exports."""

import pytest
from django.test import Client
from wagtail.models import CollectionViewRestriction

from library.access import COLLECTION_NAMES

from .conftest import reindex


def test_anonymous_visitor_gets_a_not_found_page_offering_sign_in_for_a_partners_item(client, corpus):
    response = client.get("/library/partners-case-review/")
    assert response.status_code == 404
    assert "/accounts/login/?next=/library/partners-case-review/" in response.content.decode()
    assert b"PARTNERSECRET" not in response.content


def test_partner_reads_partners_items_but_not_restricted_ones(partner_client, corpus):
    response = partner_client.get("/library/partners-case-review/")
    assert response.status_code == 200
    assert b"PARTNERSECRET" in response.content
    assert partner_client.get("/library/restricted-incident-log/").status_code == 404


def test_editor_reads_restricted_items(editor_client, corpus):
    response = editor_client.get("/library/restricted-incident-log/")
    assert response.status_code == 200
    assert b"RESTRICTEDSECRET" in response.content


def test_item_exports_are_refused_below_the_tier(partner_client, corpus):
    assert Client().get("/library/partners-case-review/cite/ris/").status_code == 404
    assert partner_client.get("/library/restricted-incident-log/cite/bib/").status_code == 404


def test_listing_hides_items_above_the_viewers_tier(client, corpus):
    html = client.get("/library/?q=reintegration").content.decode()
    assert "Evaluation of the" in html
    assert "PARTNERSECRET" not in html and "Partners-only case review" not in html
    assert "RESTRICTEDSECRET" not in html and "Restricted incident log" not in html
    # Facet counts only count what the visitor may see: no "Dataset" (restricted), no "Report".
    assert 'data-facet="doc_type" data-value="dataset"' not in html
    assert 'data-facet="doc_type" data-value="report"' not in html
    assert 'data-facet="topic" data-value="shelter-care"' not in html


def test_partner_listing_counts_partners_items(partner_client, corpus):
    html = partner_client.get("/library/?q=reintegration").content.decode()
    assert "Partners-only case review" in html
    assert 'data-facet="doc_type" data-value="report" data-count="1"' in html
    assert "Restricted incident log" not in html


def test_result_list_export_respects_tiers(partner_client, corpus):
    public_ris = Client().get("/library/export/ris/?q=reintegration").content.decode()
    assert "TI  - Evaluation of the return and reintegration project" in public_ris
    assert "Partners-only" not in public_ris and "PARTNERSECRET" not in public_ris
    partner_json = partner_client.get("/library/export/json/?q=reintegration").json()
    titles = {item["title"] for item in partner_json}
    assert "Partners-only case review of reintegration shelters" in titles
    assert "Restricted incident log on reintegration" not in titles


def test_portal_search_page_hides_partner_documents(client, corpus):
    html = client.get("/search/?q=PARTNERSECRET").content.decode()
    assert 'data-testid="hit"' not in html
    html = client.get("/search/?q=reintegration").content.decode()
    assert "Evaluation of the" in html and "Partners-only" not in html


# -- files ----------------------------------------------------------------------------------
@pytest.fixture
def partner_file(make_doc, make_file):
    document = make_file("case-review.pdf", b"%PDF-1.4 PARTNER FILE BODY")
    page = make_doc(
        "Shelter review with file", slug="shelter-review-file", access_level="partners", file=document
    )
    document.refresh_from_db()
    return page, document


@pytest.fixture
def public_file(make_doc, make_file):
    document = make_file("public-guide.pdf", b"%PDF-1.4 PUBLIC FILE BODY")
    page = make_doc("Public guide with file", slug="public-guide-file", file=document)
    document.refresh_from_db()
    return page, document


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_partners_file_sits_in_a_restricted_collection(partner_file):
    _page, document = partner_file
    assert document.collection.name == COLLECTION_NAMES["partners"]
    restriction = document.collection.view_restrictions.get()
    assert restriction.restriction_type == CollectionViewRestriction.GROUPS
    assert "Partners" in set(restriction.groups.values_list("name", flat=True))


def test_partners_file_is_refused_to_anonymous_by_document_url(client, partner_file):
    _page, document = partner_file
    response = client.get(document.url)
    assert response.status_code == 404
    assert b"PARTNER FILE BODY" not in _body(response)


def test_partners_file_is_refused_even_outside_its_collection(client, partner_file):
    """An editor moving the file to the public root collection does not open it up."""
    from wagtail.models import Collection

    _page, document = partner_file
    document.collection = Collection.get_first_root_node()
    document.save()
    response = client.get(document.url)
    assert response.status_code == 404
    assert "/accounts/login/?next=" in response.content.decode()


def test_partners_file_is_refused_to_anonymous_by_download_link(client, partner_file):
    response = client.get("/library/shelter-review-file/download/")
    assert response.status_code == 404
    assert b"PARTNER FILE BODY" not in _body(response)


def test_partner_downloads_the_partners_file(partner_client, partner_file):
    _page, document = partner_file
    for url in ("/library/shelter-review-file/download/", document.url):
        response = partner_client.get(url)
        assert response.status_code == 200, url
        assert _body(response) == b"%PDF-1.4 PARTNER FILE BODY"


def test_public_file_downloads_for_anyone(client, public_file):
    response = client.get("/library/public-guide-file/download/")
    assert response.status_code == 200
    assert _body(response) == b"%PDF-1.4 PUBLIC FILE BODY"
    assert "attachment" in response["Content-Disposition"]


def test_no_pdf_url_meta_tag_for_a_partners_file(partner_client, partner_file, public_file):
    html = partner_client.get("/library/shelter-review-file/").content.decode()
    assert "citation_pdf_url" not in html
    html = partner_client.get("/library/public-guide-file/").content.decode()
    assert (
        '<meta name="citation_pdf_url" content="http://testserver/library/public-guide-file/download/">'
        in html
    )


def test_raising_the_access_level_on_publish_moves_the_file(public_file):
    page, document = public_file
    page.access_level = "restricted"
    page.save_revision().publish()
    document.refresh_from_db()
    assert document.collection.name == COLLECTION_NAMES["restricted"]
    reindex()


def test_a_draft_lowering_the_access_level_keeps_the_file_protected(client, partner_file):
    page, document = partner_file
    page.access_level = "public"
    page.save_revision()  # a draft, not published
    document.refresh_from_db()
    assert document.collection.name == COLLECTION_NAMES["partners"]
    assert Client().get(document.url).status_code == 404


def test_a_file_shared_with_a_restricted_item_stays_restricted(make_doc, make_file):
    document = make_file("shared.pdf", b"%PDF-1.4 SHARED")
    make_doc("Restricted original", slug="restricted-original", access_level="restricted", file=document)
    make_doc("Public summary", slug="public-summary", file=document)
    document.refresh_from_db()
    assert document.collection.name == COLLECTION_NAMES["restricted"]
    assert Client().get(document.url).status_code == 404
    # The public item's own download link does not open the restricted file either.
    anonymous = Client()
    response = anonymous.get("/library/public-summary/download/")
    assert response.status_code == 404
    assert b"SHARED" not in _body(response)
    html = anonymous.get("/library/public-summary/").content.decode()
    assert 'data-testid="download-link"' not in html and 'data-testid="file-withheld"' in html


def test_a_file_no_published_item_uses_is_for_editors_only(partner_user, make_doc, make_file):
    """A file attached only to an unpublished item (or to nothing yet) is not served by its URL
    until an item publishes it: its access level is not decided yet."""
    from django.contrib.auth.models import User
    from django.test import Client

    document = make_file("draft-annex.pdf", b"%PDF-1.4 DRAFT ANNEX BODY")
    make_doc("Annex in preparation", slug="annex-draft", live=False, file=document)
    document.refresh_from_db()
    anonymous = Client().get(document.url)
    assert anonymous.status_code == 404 and b"DRAFT ANNEX BODY" not in _body(anonymous)
    partner = Client()
    partner.force_login(partner_user)
    refused = partner.get(document.url)
    assert refused.status_code == 404 and b"DRAFT ANNEX BODY" not in _body(refused)
    editor = Client()
    editor.force_login(User.objects.create_superuser("annex-editor", "e@example.org", "x"))
    assert _body(editor.get(document.url)) == b"%PDF-1.4 DRAFT ANNEX BODY"
