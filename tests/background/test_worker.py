"""The task worker: a publish returns before the background work is done, the worker then does
it (search index, text extraction); a task that raises is retried with backoff, then reported
to editors and logged."""

import datetime
import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.worker import run_queued_tasks
from directory.models import Organization
from library.models import LibraryDocumentPage
from search import api
from search.contract import Query
from search.tasks import refresh_documents
from tests.directory.test_admin import form_errors, organization_form
from tests.library.test_extraction import ENGLISH, make_pdf

REFRESH = "search.tasks.refresh_documents"
EXTRACT = "library.tasks.extract_document_text"


def titles(text, **filters):
    hits = api.run(Query(text=text, filters=filters)).hits
    return [h.title.replace("<mark>", "").replace("</mark>", "") for h in hits]


def queued(task_path):
    return DBTaskResult.objects.filter(task_path=task_path)


def make_due(task_id):
    """The backoff wait is over."""
    DBTaskResult.objects.filter(pk=task_id).update(run_after=timezone.now())


@pytest.mark.django_db
def test_publishing_an_organization_returns_before_the_index_is_updated(
    admin_client, work, django_capture_on_commit_callbacks
):
    data = organization_form(admin_client, name="Banteay Meanchey Migrant Desk", slug="bmc-migrant-desk")
    with django_capture_on_commit_callbacks(execute=True):
        response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    org = Organization.objects.get(slug="bmc-migrant-desk")
    assert org.live

    # The request has returned and committed: the refresh is queued, not done.
    assert titles("Banteay Meanchey Migrant Desk") == []
    task = queued(REFRESH).get()
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs["args"] == [[f"organization:{org.translation_key}"]]

    work()
    assert titles("Banteay Meanchey Migrant Desk") == ["Banteay Meanchey Migrant Desk"]
    assert queued(REFRESH).get().status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_library_upload_is_extracted_by_the_worker_after_publishing(
    editor_client, library, make_file, work, django_capture_on_commit_callbacks
):
    document = make_file("poipet.pdf", make_pdf([ENGLISH]))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/pages/add/library/librarydocumentpage/{library.pk}/",
            {
                "title": "Poipet transit centre review",
                "slug": "poipet-transit-review",
                "document_type": "report",
                "year": "2019",
                "access_level": "public",
                "legal_status": "",
                "file": str(document.pk),
                **{f"{p}-{k}": v for p in ("relations", "comments") for k, v in _empty_formset().items()},
                "action-publish": "publish",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = LibraryDocumentPage.objects.get(slug="poipet-transit-review")
    assert page.live and page.file_id == document.pk
    assert (page.extraction_status, page.extracted_text) == ("pending", "")
    assert queued(EXTRACT).get().status == TaskResultStatus.READY

    work()
    page.refresh_from_db()
    assert page.extraction_status == "done"
    assert "Poipet transit centre" in page.extracted_text
    # The extraction queued a refresh of the item's search document, which the worker ran too:
    # the item is found by words that are only in its file.
    assert titles("Poipet transit centre", kind=["document"]) == ["Poipet transit centre review"]


def _empty_formset():
    return {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


@pytest.mark.django_db
@override_settings(
    TASKS_MAX_ATTEMPTS=3,
    TASKS_RETRY_BASE_SECONDS=30,
    ELASTICSEARCH_URL="http://127.0.0.1:9",  # nothing listens there: the search server is down
    SEARCH_INDEX_PREFIX="down",
)
def test_a_failing_task_is_retried_with_backoff_then_reported_and_logged(
    db_tasks, make_org, editors_client, caplog
):
    org = make_org("Kampong Cham Outreach")
    task_id = refresh_documents.enqueue([f"organization:{org.translation_key}"]).id

    for attempt, wait in ((1, 30), (2, 60)):
        before = timezone.now()
        run_queued_tasks()
        after = timezone.now()
        row = DBTaskResult.objects.get(pk=task_id)
        assert (row.status, len(row.worker_ids)) == (TaskResultStatus.READY, attempt)
        delay = datetime.timedelta(seconds=wait)
        assert before + delay <= row.run_after <= after + delay  # 30 s, then 60 s
        assert row.exception_class_path == "search.tasks.IndexUpdateFailed"
        run_queued_tasks()  # not due yet: not run again
        assert len(DBTaskResult.objects.get(pk=task_id).worker_ids) == attempt
        make_due(task_id)

    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="background.worker"):
        run_queued_tasks()
    row = DBTaskResult.objects.get(pk=task_id)
    assert (row.status, len(row.worker_ids)) == (TaskResultStatus.FAILED, 3)
    make_due(task_id)
    run_queued_tasks()  # a failed task stays failed
    assert len(DBTaskResult.objects.get(pk=task_id).worker_ids) == 3

    [record] = [r for r in caplog.records if r.name == "background.worker" and r.levelno == logging.ERROR]
    assert "failed after 3 attempt(s)" in record.getMessage()
    assert record.exc_info and record.exc_info[0].__name__ == "IndexUpdateFailed"

    response = editors_client.get(reverse("background_tasks"))
    assert response.status_code == 200
    html = response.content.decode()
    failed = html[html.index('data-testid="failed-tasks"') :]
    assert "refresh_documents" in failed
    assert f"organization:{org.translation_key}" in failed
    assert 'data-testid="attempts">3<' in failed
    assert "IndexUpdateFailed: The elasticsearch index could not be updated" in failed


@pytest.mark.django_db
def test_the_report_is_for_editors_only(db_tasks, make_org, partner_client):
    org = make_org("Hidden Task Org")
    refresh_documents.enqueue([f"organization:{org.translation_key}"])
    response = partner_client.get(reverse("background_tasks"))
    assert response.status_code in (302, 403)
    assert "refresh_documents" not in response.content.decode()


@pytest.mark.django_db
@override_settings(TASKS_MAX_ATTEMPTS=2)
def test_a_storage_error_during_extraction_is_retried_and_can_recover(
    make_doc, make_file, work, django_capture_on_commit_callbacks
):
    from library.tasks import schedule_extraction

    data = make_pdf([ENGLISH])
    document = make_file("kept.pdf", data)
    page = make_doc("Storage hiccup", file=document)
    stored_name = document.file.name
    document.file.storage.delete(stored_name)  # the storage cannot give the file back
    with django_capture_on_commit_callbacks(execute=True):
        schedule_extraction(page)
    task_id = queued(EXTRACT).get().id

    work()
    page.refresh_from_db()
    row = DBTaskResult.objects.get(pk=task_id)
    assert row.status == TaskResultStatus.READY and len(row.worker_ids) == 1
    assert page.extraction_status == "pending"  # not failed while another attempt is coming

    document.file.storage.save(stored_name, __import__("io").BytesIO(data))  # storage is back
    make_due(task_id)
    work()
    page.refresh_from_db()
    row = DBTaskResult.objects.get(pk=task_id)
    assert row.status == TaskResultStatus.SUCCESSFUL and len(row.worker_ids) == 2
    assert page.extraction_status == "done" and "Poipet transit centre" in page.extracted_text


@pytest.mark.django_db
@override_settings(TASKS_MAX_ATTEMPTS=2)
def test_extraction_that_keeps_failing_is_recorded_on_the_page_and_reported(
    make_doc, make_file, work, django_capture_on_commit_callbacks
):
    from library.tasks import schedule_extraction

    document = make_file("lost.pdf", make_pdf([ENGLISH]))
    page = make_doc("Lost file", file=document)
    document.file.storage.delete(document.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_extraction(page)
    task_id = queued(EXTRACT).get().id
    work()
    make_due(task_id)
    work()
    page.refresh_from_db()
    assert DBTaskResult.objects.get(pk=task_id).status == TaskResultStatus.FAILED
    assert page.extraction_status == "failed"
    assert "could not be opened from storage" in page.extraction_message
    assert page.file_id == document.pk
