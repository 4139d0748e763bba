"""Editors uploading a document in the admin get a clear refusal for bad files; nothing is stored."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": 1},
    )


def test_a_file_whose_extension_lies_is_refused(editor_client):
    response = upload(editor_client, "report.pdf", _docx_bytes())
    assert response.status_code == 200
    assert "is named .pdf but is a" in response.content.decode()
    assert not get_document_model().objects.filter(title="report.pdf").exists()


def test_an_oversize_file_is_refused(editor_client, settings):
    settings.LIBRARY_MAX_UPLOAD_BYTES = 1000
    response = upload(editor_client, "notes.txt", b"x" * 5000)
    assert "the largest file allowed is" in response.content.decode()
    assert not get_document_model().objects.filter(title="notes.txt").exists()


def test_a_good_file_is_stored(editor_client):
    response = upload(editor_client, "guide.txt", "Referral guideline ការបញ្ជូន".encode())
    assert response.status_code == 302
    assert get_document_model().objects.filter(title="guide.txt").exists()
