"""A file attached to a library item is extracted once it is saved on the live row, its text
becomes searchable, and publishing an older revision never brings back stale extraction data."""

from search import api
from search.contract import Query


def test_attaching_a_file_extracts_and_indexes_its_text(
    client, make_doc, make_file, django_capture_on_commit_callbacks
):
    page = make_doc("Border reception manual", slug="border-manual")
    document = make_file("manual.txt", b"Reception steps at the Poipet checkpoint: zanzibarword screening.")
    page.refresh_from_db()
    page.file = document
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    assert page.extraction_status == "done"
    assert "zanzibarword" in page.extracted_text
    hits = api.run(Query(text="zanzibarword", kinds=["document"])).hits
    assert [h.url for h in hits] == ["/library/border-manual/"]
    assert "<mark>zanzibarword</mark>" in hits[0].snippet
    html = client.get("/library/border-manual/").content.decode()
    assert 'data-testid="download-link"' in html
    assert "Text extracted" in html


def test_publishing_an_old_revision_keeps_the_extracted_text(
    make_doc, make_file, django_capture_on_commit_callbacks
):
    document = make_file("sop.txt", b"Standard operating procedure quokkaword for returns.")
    page = make_doc("Return SOP text", slug="return-sop-text")
    page.refresh_from_db()
    page.file = document
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    assert page.extraction_status == "done"
    # A revision drafted before extraction finished still says "pending" with no text.
    stale = page.save_revision()
    stale_page = stale.as_object()
    stale_page.extraction_status, stale_page.extracted_text = "pending", ""
    stale.content = stale_page.serializable_data()
    stale.save()
    with django_capture_on_commit_callbacks(execute=True):
        stale.publish()
    page.refresh_from_db()
    assert page.extraction_status == "done"
    assert "quokkaword" in page.extracted_text
