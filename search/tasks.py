"""Background work: index refreshes run as django-tasks tasks after the transaction commits."""

from django_tasks import task


@task()
def refresh_documents(keys):
    from .api import refresh

    return refresh(keys)
