"""Background text extraction for library items (django-tasks; immediate backend in tests).

    schedule_extraction(page)                  # call when a page's file is set or replaced
    extract_document_text.enqueue(page_id, document_id)

schedule_extraction marks the page "pending" (or "not_applicable" without a file) and queues
the task once the transaction commits. The task reads the Wagtail document's file through
library.extraction.extract (which never raises), then writes extracted_text, page_count,
file_size, extraction_status and extraction_message with a queryset update (no new revision,
no page signals). It writes only if the page still has that same file, so a file replaced in
the meantime is not overwritten with the old file's text. A live page's search document is
refreshed afterwards through the search app's sync.

The worker retries the task with backoff (background/retry.py) when it raises: a file that
cannot be opened from storage (a transient storage error) stays "pending" until the last
attempt, which records the failure on the page and then fails the task, so it is reported. The
task is idempotent: each attempt writes the whole result again.
"""

import logging

from django.db import transaction
from django_tasks import task

from background.retry import is_last_attempt, retried

from .extraction import FAILED, extract

logger = logging.getLogger(__name__)


@task()
@retried
def extract_document_text(page_id, document_id):
    from wagtail.documents import get_document_model

    from .models import LibraryDocumentPage

    page = LibraryDocumentPage.objects.filter(pk=page_id, file_id=document_id).first()
    document = get_document_model().objects.filter(pk=document_id).first()
    if page is None or document is None:
        logger.info("extraction skipped: page %s no longer has document %s", page_id, document_id)
        return None
    try:
        with document.open_file() as handle:
            result = extract(handle, document.filename)
    except Exception as exc:  # storage errors opening the file (extract itself never raises)
        if is_last_attempt():
            LibraryDocumentPage.objects.filter(pk=page_id, file_id=document_id).update(
                extracted_text="",
                page_count=None,
                file_size=None,
                extraction_status=FAILED,
                extraction_message=f"The file could not be opened from storage ({type(exc).__name__}).",
            )
        raise  # the worker tries again later, or reports the task as failed after the last try
    updated = LibraryDocumentPage.objects.filter(pk=page_id, file_id=document_id).update(
        extracted_text=result.text,
        page_count=result.page_count,
        file_size=result.file_size,
        extraction_status=result.status,
        extraction_message=result.message,
    )
    if updated and page.live:
        from search.sync import schedule

        schedule([f"document:{page_id}"])
    return result.status


def schedule_extraction(page):
    """Mark ``page`` pending and queue its extraction after commit (or clear it when no file)."""
    from .models import LibraryDocumentPage
    from .models.choices import ExtractionStatus

    if not page.file_id:
        LibraryDocumentPage.objects.filter(pk=page.pk).update(
            extracted_text="",
            page_count=None,
            file_size=None,
            extraction_status=ExtractionStatus.NOT_APPLICABLE,
            extraction_message="",
        )
        return
    LibraryDocumentPage.objects.filter(pk=page.pk).update(
        extraction_status=ExtractionStatus.PENDING, extraction_message=""
    )
    page_id, document_id = page.pk, page.file_id

    def enqueue():
        try:
            extract_document_text.enqueue(page_id, document_id)
        except Exception:  # a broken queue must not break saving; the status stays "pending"
            logger.exception("could not queue text extraction for page %s", page_id)

    transaction.on_commit(enqueue)
