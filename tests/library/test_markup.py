"""Library titles, alternative titles, issuers, authors and abstracts are plain text: every
payload of the XSS corpus is refused by the CSV and RIS importers (row by row, in the dry run,
importing nothing), by the page editor and the copy form (a message on the field), and rows
saved before the rule are listed in an admin report rather than changed."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.importers import parse_csv, parse_ris
from library.models import LibraryDocumentPage
from tests.admin_forms import form_data
from tests.xss import PAYLOADS

MESSAGE = "HTML tags, entities and scripts are not allowed here"
FIELDS = ["title", "alternative_titles", "issuer_name", "authors", "abstract"]


def test_the_corpus_is_a_real_list():
    assert len(PAYLOADS) >= 40
    assert any("<script" in p.lower() for p in PAYLOADS)
    assert "{{7*7}}" in PAYLOADS


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "doc_type", "issuer", "authors", "alternative_titles", "abstract", "year"])
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("column", ["title", "issuer", "authors", "alternative_titles", "abstract"])
def test_csv_refuses_every_payload_in_every_text_column(column):
    rows = []
    for payload in PAYLOADS:
        row = {"title": "Plain report", "issuer": "IOM", "authors": "Keo, Sothea"}
        row["alternative_titles"] = row["abstract"] = ""
        row[column] = payload
        rows.append(
            [
                row["title"],
                "report",
                row["issuer"],
                row["authors"],
                row["alternative_titles"],
                row["abstract"],
                "2010",
            ]
        )
    report = parse_csv(io.StringIO(_csv(rows)))
    refused = {(e.row, e.field) for e in report.errors if MESSAGE in e.message}
    # Every data row (spreadsheet rows 2..n+1) has its own error naming the column.
    assert refused == {(n + 2, column) for n in range(len(PAYLOADS))}
    assert not report.records or len(report.records) < len(PAYLOADS)
    assert not report.ok


def _ris(payload, tag):
    fields = {"TI": "Plain report", "AU": "Keo, Sothea", "PB": "IOM", "AB": "Plain abstract", "TT": "Other"}
    fields[tag] = payload
    lines = ["TY  - RPRT"] + [f"{t}  - {v}" for t, v in fields.items()] + ["PY  - 2010", "ER  - ", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("tag", ["TI", "TT", "AU", "PB", "AB"])
def test_ris_refuses_every_payload_in_every_text_tag(tag):
    text = "\n".join(_ris(payload, tag) for payload in PAYLOADS)
    report = parse_ris(io.StringIO(text))
    refused = [e for e in report.errors if MESSAGE in e.message]
    assert len(refused) == len(PAYLOADS)
    assert {e.field for e in refused} == {tag} and {e.unit for e in refused} == {"line"}
    assert len({e.row for e in refused}) == len(PAYLOADS)  # one line per record
    assert not report.ok


def test_admin_dry_run_lists_every_payload_row_and_imports_nothing(editor_client, library):
    content = _csv([[payload, "report", "IOM", "", "", "", "2010"] for payload in PAYLOADS])
    for button in ("check", "import"):
        upload = SimpleUploadedFile("records.csv", content.encode())
        response = editor_client.post(reverse("library_import"), {"file": upload, "format": "", button: "1"})
        html = response.content.decode()
        assert 'data-testid="import-errors"' in html
        for n in range(len(PAYLOADS)):
            assert f"Row {n + 2}, title: {MESSAGE}" in html
        assert "<script>alert" not in html
    assert not LibraryDocumentPage.objects.exists()


def test_a_clean_file_still_imports(editor_client, library):
    content = _csv(
        [["Safe migration & returns: a <5 % study", "report", "IOM", "Keo, Sothea", "", "", "2010"]]
    )
    upload = SimpleUploadedFile("records.csv", content.encode())
    response = editor_client.post(reverse("library_import"), {"file": upload, "format": "", "import": "1"})
    assert 'data-testid="import-done"' in response.content.decode()
    assert LibraryDocumentPage.objects.get().title == "Safe migration & returns: a <5 % study"


def test_page_editor_refuses_markup_with_a_message_on_each_field(editor_client, make_doc):
    """Through the admin's edit view: the form comes back with the message under each field,
    and nothing is saved (no revision)."""
    page = make_doc("Plain title", slug="plain-title", abstract="Plain abstract")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    clean_data = form_data(editor_client.get(url).content.decode())
    revisions = page.revisions.count()
    for payload in ("<script>alert(1)</script>", '" onmouseover="alert(1)', "{{7*7}}"):
        response = editor_client.post(url, dict(clean_data, **{name: payload for name in FIELDS}))
        assert response.status_code == 200, payload  # the form again, not a redirect
        assert response.content.decode().count(MESSAGE) >= len(FIELDS), payload
        assert set(FIELDS) <= set(response.context["form"].errors), payload
    page.refresh_from_db()
    assert page.title == "Plain title" and page.abstract == "Plain abstract"
    assert page.revisions.count() == revisions
    # The same form with plain text saves.
    response = editor_client.post(url, dict(clean_data, title="Plain title, revised"))
    assert response.status_code == 302
    assert page.revisions.count() == revisions + 1


def test_page_editor_form_refuses_every_payload_in_every_field(editor_client, editor_user, make_doc, library):
    """The editor's own form class (what the edit view validates), with every payload of the
    corpus in every plain-text field, starting from the data the edit page really submits."""
    page = make_doc("Plain title", slug="plain-title", abstract="Plain abstract")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    clean_data = form_data(editor_client.get(url).content.decode())
    form_class = LibraryDocumentPage.get_edit_handler().get_form_class()

    def form(data):
        return form_class(data, instance=page.specific, parent_page=library, for_user=editor_user)

    assert form(clean_data).is_valid()  # the clean form passes: the errors below are the payloads'
    for payload in PAYLOADS:
        for name in FIELDS:
            bound = form(dict(clean_data, **{name: payload}))
            assert not bound.is_valid(), (name, payload)
            assert MESSAGE in " ".join(bound.errors.get(name, [])), (name, payload, bound.errors)


def test_copying_an_item_refuses_a_markup_title(editor_client, make_doc, library):
    page = make_doc("Copy me", slug="copy-me")
    url = reverse("wagtailadmin_pages:copy", args=[page.pk])
    data = {"new_title": PAYLOADS[0], "new_slug": "copied", "new_parent_page": library.pk}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not LibraryDocumentPage.objects.filter(slug="copied").exists()
    response = editor_client.post(url, dict(data, new_title="Copy of a plain item"))
    assert LibraryDocumentPage.objects.filter(slug="copied", title="Copy of a plain item").exists()


def test_saving_outside_the_admin_is_refused_too(make_doc):
    from django.core.exceptions import ValidationError

    page = make_doc("Plain", slug="plain")
    page.title = "<script>alert(1)</script>"
    with pytest.raises(ValidationError) as exc:
        page.save()
    assert "title" in exc.value.message_dict


def test_legacy_rows_with_markup_are_listed_not_changed(editor_client, make_doc, client):
    bad = make_doc("Legacy item", slug="legacy-item")
    make_doc("Clean item", slug="clean-item", abstract="Nothing wrong & nothing hidden")
    # Rows written before the rule existed (or by SQL): bypass validation with update().
    LibraryDocumentPage.objects.filter(pk=bad.pk).update(
        title="<img src=x onerror=alert(1)>", abstract="Intro {{7*7}} text"
    )
    response = editor_client.get(reverse("library_markup_report"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="markup-row"') == 2
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "{{7*7}}" in html
    assert "<img src=x" not in html
    assert reverse("wagtailadmin_pages:edit", args=[bad.pk]) in html
    bad.refresh_from_db()
    assert bad.title == "<img src=x onerror=alert(1)>"  # listed, not silently changed


def test_the_report_is_for_editors_only(partner_client, library):
    response = partner_client.get(reverse("library_markup_report"))
    assert response.status_code in (302, 403)
