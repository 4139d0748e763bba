"""Background work: index refreshes run as django-tasks tasks after the transaction commits.

A refresh is idempotent (it writes each document's current state), so the worker retries it
with backoff (background/retry.py) when an engine failed, e.g. Elasticsearch was down; the
engines that worked are simply written again.
"""

from django_tasks import task

from background.retry import retried


class IndexUpdateFailed(Exception):
    pass


@task()
@retried
def refresh_documents(keys):
    from .api import refresh

    summary = refresh(keys)
    if summary["failed"]:
        raise IndexUpdateFailed(
            f"The {', '.join(sorted(set(summary['failed'])))} index could not be updated for {keys} "
            "(details in the log); the other engines were updated."
        )
    return summary
