"""Text extraction on files the tests make themselves: PDFs (fpdf2, pypdf), DOCX (zipfile),
text and HTML. Khmer PDFs use Noto Sans Khmer from the project's npm fonts (WOFF, converted to
TrueType by fontTools for fpdf2); fpdf2 lays the glyphs out without Khmer shaping, but the text
layer holds the real Khmer code points, which is what extraction and search read."""

import io
import logging
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from library.extraction import STATUSES, detect_type, extract, normalise_text, validate_library_upload

KHMER = "ការជួញដូរមនុស្ស និងការធ្វើចំណាកស្រុកដោយសុវត្ថិភាព"  # human trafficking and safe migration
ENGLISH = "Reintegration of returned migrants at the Poipet transit centre."
FONT_WOFF = (
    settings.BASE_DIR
    / "node_modules"
    / "@fontsource"
    / "noto-sans-khmer"
    / "files"
    / "noto-sans-khmer-khmer-400-normal.woff"
)


# -- file factories -----------------------------------------------------------------------------


def make_pdf(pages=(ENGLISH,)):
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def khmer_font(tmp_path_factory):
    if not FONT_WOFF.exists():
        pytest.skip("npm fonts are not installed (make install runs npm ci)")
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_WOFF))
    font.flavor = None
    path = tmp_path_factory.mktemp("fonts") / "NotoSansKhmer.ttf"
    font.save(str(path))
    return path


def make_khmer_pdf(font_path, text=KHMER):
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("khmer", fname=str(font_path))
    pdf.set_font("khmer", size=14)
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def make_image_only_pdf():
    """A 'scan': one page holding only a picture."""
    image = Image.new("RGB", (400, 200), "white")
    for x in range(50, 350):
        image.putpixel((x, 100), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=180)
    return bytes(pdf.output())


def encrypt(pdf_bytes, user_password, algorithm="AES-128"):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    writer.encrypt(user_password, "owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(paragraphs=(), *, extra_body="", footnote=None):
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = (
        "".join(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in paragraphs)
        + extra_body
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}'
            "<w:sectPr/></w:body></w:document>",
        )
        if footnote:
            archive.writestr(
                "word/footnotes.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{w}"><w:footnote w:id="1">'
                f"<w:p><w:r><w:t>{footnote}</w:t></w:r></w:p></w:footnote></w:footnotes>",
            )
        archive.writestr(
            "docProps/app.xml",
            '<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Pages>3</Pages></Properties>',
        )
    return out.getvalue()


# -- PDF ----------------------------------------------------------------------------------------


def test_pdf_with_a_text_layer_gives_its_text_page_count_and_size():
    data = make_pdf([ENGLISH, "Second page: legal aid in Battambang."])
    result = extract(data, "report.pdf")
    assert result.status == "done"
    assert "Poipet transit centre" in result.text
    assert "legal aid in Battambang" in result.text
    assert result.page_count == 2
    assert result.file_size == len(data)
    assert result.detected_type == "pdf"
    assert "2 pages" in result.message


def test_khmer_pdf_text_is_extracted(khmer_font):
    result = extract(make_khmer_pdf(khmer_font), "khmer.pdf")
    assert result.status == "done"
    assert KHMER in result.text


def test_scanned_pdf_without_text_layer_is_marked_not_failed():
    result = extract(make_image_only_pdf(), "scan.pdf")
    assert result.status == "no_text_layer"
    assert result.page_count == 1
    assert "no text layer" in result.message
    assert result.text == ""


def test_pdf_with_an_empty_page_has_no_text_layer():
    pdf = FPDF()
    pdf.add_page()
    assert extract(bytes(pdf.output()), "blank.pdf").status == "no_text_layer"


def test_partly_scanned_pdf_is_done_and_says_how_many_pages_lack_text():
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text=ENGLISH)
    pdf.add_page()
    result = extract(bytes(pdf.output()), "mixed.pdf")
    assert result.status == "done"
    assert "1 of 2 pages have no text layer" in result.message


def test_password_protected_pdf_fails_with_a_clear_message(caplog):
    data = encrypt(make_pdf(), "secret")
    with caplog.at_level(logging.WARNING, logger="library.extraction"):
        result = extract(data, "protected.pdf")
    assert result.status == "failed"
    assert "password-protected" in result.message
    assert result.text == ""
    assert "protected.pdf" in caplog.text


def test_pdf_encrypted_only_against_editing_is_still_read():
    """An owner password (no copying/printing) with an empty user password opens without one."""
    result = extract(encrypt(make_pdf(), "", algorithm="AES-256"), "restricted.pdf")
    assert result.status == "done"
    assert "Poipet" in result.text


def test_truncated_pdf_fails_as_incomplete_and_is_logged(caplog):
    data = make_pdf([ENGLISH] * 3)
    with caplog.at_level(logging.WARNING, logger="library.extraction"):
        result = extract(data[: len(data) // 2], "cut.pdf")
    assert result.status == "failed"
    assert "incomplete" in result.message
    assert "cut.pdf" in caplog.text


def test_corrupt_pdf_fails_as_damaged():
    result = extract(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "corrupt.pdf")
    assert result.status == "failed"
    assert "damaged" in result.message


def test_pdf_whose_page_contents_are_destroyed_is_damaged_not_scanned():
    data = make_pdf()
    broken = data[:300] + b"\x00garbage" * 60 + data[-200:]
    result = extract(broken, "broken.pdf")
    assert result.status == "failed"
    assert "damaged" in result.message


@pytest.mark.parametrize("cut", [10, 100, 500, 900, 1200])
def test_any_truncation_of_a_pdf_or_docx_gives_a_status_never_an_exception(cut):
    for data, name in ((make_pdf(), "a.pdf"), (make_docx([ENGLISH]), "a.docx")):
        result = extract(data[:cut], name)
        assert result.status in STATUSES
        assert result.status != "done" or ENGLISH[:20] in result.text
        assert result.message


# -- DOCX ---------------------------------------------------------------------------------------


def test_docx_with_khmer_and_english_text():
    deleted = "<w:p><w:del><w:r><w:delText>withdrawn sentence</w:delText></w:r></w:del></w:p>"
    data = make_docx(["Standard Operating Procedures", KHMER], extra_body=deleted, footnote="Footnote source")
    result = extract(data, "sop.docx")
    assert result.status == "done"
    assert "Standard Operating Procedures" in result.text
    assert KHMER in result.text
    assert "Footnote source" in result.text
    assert "withdrawn sentence" not in result.text  # tracked deletions are not the document's text
    assert result.page_count == 3  # Word's own count from docProps/app.xml


def test_docx_with_no_text_is_marked_no_text():
    result = extract(make_docx([]), "empty.docx")
    assert result.status == "no_text_layer"
    assert "contains no text" in result.message


def test_truncated_docx_fails_as_damaged():
    data = make_docx([ENGLISH * 20])
    result = extract(data[: len(data) - 200], "cut.docx")
    assert result.status == "failed"
    assert "damaged" in result.message


def test_password_protected_word_file_fails_with_a_clear_message():
    # Office saves a password-protected DOCX as an OLE container with an EncryptedPackage stream.
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 512
    )
    result = extract(ole, "protected.docx")
    assert result.status == "failed"
    assert "password-protected" in result.message


# -- text and HTML ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_text_files_in_unicode_encodings(encoding):
    text = f"{ENGLISH}\n{KHMER}\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    result = extract(data, "notes.txt")
    assert result.status == "done"
    assert KHMER in result.text and "Poipet" in result.text
    assert "not UTF-8" not in result.message


def test_utf16_without_a_byte_order_mark_is_recognised():
    result = extract(f"{ENGLISH} {KHMER}".encode("utf-16-le"), "notes.txt")
    assert result.status == "done"
    assert KHMER in result.text


def test_legacy_encodings_are_detected_and_the_guess_is_reported():
    thai = "การค้ามนุษย์ แรงงานข้ามชาติ และการส่งกลับอย่างปลอดภัย " * 4
    result = extract(thai.encode("cp874"), "thai.txt")
    assert result.status == "done"
    assert "แรงงานข้ามชาติ" in result.text
    assert "not UTF-8" in result.message and "cp874" in result.message

    french = "Rapport d'évaluation : le rôle des ONG à la frontière, sécurité des élèves. " * 3
    result = extract(french.encode("cp1252"), "rapport.txt")
    assert "évaluation" in result.text and "sécurité" in result.text


def test_empty_text_file_is_not_marked_done():
    assert extract(b"   \n\n", "empty.txt").status == "no_text_layer"
    assert extract(b"", "zero.txt").status == "failed"


def test_html_gives_visible_text_only():
    html = (
        "<!DOCTYPE html><html><head><title>Referral guide</title><style>.x{color:red}</style>"
        "<script>var secret = 'tracking code';</script></head><body><nav>Menu</nav>"
        "<h1>Legal aid &amp; shelter</h1><p>Call&nbsp;1280 for help.</p>"
        "<div hidden>hidden draft text</div><noscript>enable javascript</noscript>"
        f"<p lang='km'>{KHMER}</p><script>alert('x')</script></body></html>"
    ).encode()
    result = extract(html, "guide.html")
    assert result.status == "done"
    assert "Referral guide" in result.text
    assert "Legal aid & shelter" in result.text
    assert "Call 1280 for help." in result.text
    assert KHMER in result.text
    for hidden in ("tracking code", "alert", "color:red", "hidden draft text", "enable javascript"):
        assert hidden not in result.text


def test_html_declared_charset_is_honoured():
    html = '<html><head><meta charset="windows-1252"></head><body><p>Café – déjà</p></body></html>'
    result = extract(html.encode("cp1252"), "page.htm")
    assert "Café – déjà" in result.text


# -- types, sizes, limits -----------------------------------------------------------------------


def test_file_with_a_lying_extension_is_read_by_its_real_type_and_says_so():
    result = extract(make_docx([ENGLISH]), "report.pdf")
    assert result.status == "done"
    assert "Poipet" in result.text
    assert result.detected_type == "docx"
    assert "The file is named .pdf but is a DOCX" in result.message


def test_lying_extension_is_refused_when_the_setting_says_so(settings):
    settings.LIBRARY_EXTRACT_MISMATCHED_TYPES = False
    result = extract(make_docx([ENGLISH]), "report.pdf")
    assert result.status == "failed"
    assert "named .pdf but is a DOCX" in result.message
    assert result.text == ""


def test_image_named_pdf_is_not_applicable_and_named():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "PNG")
    result = extract(buffer.getvalue(), "scan.pdf")
    assert result.status == "not_applicable"
    assert "PNG image" in result.message


def test_oversize_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(make_pdf([ENGLISH] * 5))
    result = extract(path, max_bytes=1000)
    assert result.status == "failed"
    assert result.file_size == path.stat().st_size
    assert "files over 1000 bytes are not read" in result.message


def test_default_size_limit_comes_from_settings(settings):
    settings.LIBRARY_MAX_UPLOAD_BYTES = 50
    assert extract(b"x" * 51, "a.txt").status == "failed"
    assert extract(b"x" * 50, "a.txt").status == "done"


def test_long_text_is_cut_at_the_setting_and_the_message_says_so(settings):
    settings.LIBRARY_MAX_TEXT_CHARS = 100
    result = extract(("word " * 1000).encode(), "long.txt")
    assert result.status == "done"
    assert len(result.text) <= 100
    assert "cut at 100 characters" in result.message


def test_django_files_paths_and_file_objects_are_accepted_and_left_where_they_were(tmp_path):
    data = make_pdf()
    django_file = ContentFile(data, name="doc.pdf")
    django_file.seek(7)
    assert extract(django_file).status == "done"
    assert django_file.tell() == 7
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    assert extract(str(path)).status == "done"
    assert extract(io.BytesIO(data), "doc.pdf").status == "done"


def test_missing_file_fails_without_raising(tmp_path):
    result = extract(tmp_path / "gone.pdf")
    assert result.status == "failed"
    assert "could not be read" in result.message


def test_text_is_normalised():
    assert (
        normalise_text("ﬁnal\u00a0report\x00\x07 \ufeffsoft\u00adhyphen\r\nnext")
        == "final report softhyphen\nnext"
    )
    # Khmer is left as it is (NFKC does not touch it; zero-width non-joiner is kept).
    assert normalise_text(KHMER + "\u200c") == KHMER + "\u200c"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.4\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"<!doctype html><html><body>x</body></html>", "html"),
        ("ព័ត៌មាន".encode(), "txt"),
        (bytes(range(256)), "binary"),
    ],
)
def test_type_is_detected_from_the_bytes(data, kind):
    assert detect_type(data).kind == kind


# -- upload validation --------------------------------------------------------------------------


def test_valid_uploads_pass():
    validate_library_upload(SimpleUploadedFile("report.pdf", make_pdf()))
    validate_library_upload(SimpleUploadedFile("sop.docx", make_docx([ENGLISH])))
    validate_library_upload(SimpleUploadedFile("notes.txt", KHMER.encode()))
    validate_library_upload(SimpleUploadedFile("page.htm", b"<html><body>x</body></html>"))


def test_upload_over_the_size_limit_is_refused(settings):
    settings.LIBRARY_MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        validate_library_upload(upload)
    assert error.value.code == "file_too_large"
    assert "The file is 2.0 MB; the largest file allowed is 1.0 MB." in error.value.messages


def test_upload_of_a_type_not_allowed_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_library_upload(SimpleUploadedFile("tool.exe", b"MZ\x90\x00"))
    assert error.value.code == "file_type_not_allowed"
    assert ".exe" in error.value.messages[0] and ".pdf, .docx" in error.value.messages[0]


def test_upload_whose_extension_lies_is_refused_naming_both_types():
    with pytest.raises(ValidationError) as error:
        validate_library_upload(SimpleUploadedFile("report.pdf", make_docx([ENGLISH])))
    assert error.value.code == "file_type_mismatch"
    assert "named .pdf but is a DOCX (Word document)" in error.value.messages[0]


def test_empty_upload_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        validate_library_upload(SimpleUploadedFile("empty.pdf", b""))


# -- the background task ------------------------------------------------------------------------


@pytest.mark.django_db
def test_task_fills_in_text_page_count_size_and_status(
    make_doc, make_file, django_capture_on_commit_callbacks
):
    from library.tasks import schedule_extraction

    data = make_pdf([ENGLISH, "Second page."])
    page = make_doc("Transit centre report", file=make_file("report.pdf", data))
    with django_capture_on_commit_callbacks(execute=True):
        schedule_extraction(page)
    page.refresh_from_db()
    assert page.extraction_status == "done"
    assert "Poipet transit centre" in page.extracted_text
    assert (page.page_count, page.file_size) == (2, len(data))


@pytest.mark.django_db
def test_task_records_a_failure_and_keeps_the_file(make_doc, make_file, django_capture_on_commit_callbacks):
    from library.tasks import schedule_extraction

    document = make_file("protected.pdf", encrypt(make_pdf(), "secret"))
    page = make_doc("Protected report", file=document)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_extraction(page)
    page.refresh_from_db()
    assert page.extraction_status == "failed"
    assert "password-protected" in page.extraction_message
    assert page.file_id == document.pk and page.extracted_text == ""


@pytest.mark.django_db
def test_task_does_not_write_the_text_of_a_file_that_was_replaced(make_doc, make_file):
    from library.models import LibraryDocumentPage
    from library.tasks import extract_document_text

    old = make_file("old.pdf", make_pdf(["Old text"]))
    page = make_doc("Replaced", file=make_file("new.pdf", make_pdf(["New text"])))
    extract_document_text.call(page.pk, old.pk)
    assert LibraryDocumentPage.objects.get(pk=page.pk).extracted_text == ""
