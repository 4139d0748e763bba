"""Background work tests run the real database task backend and its worker in-process.

(The rest of the suite keeps the immediate backend: see portal/settings/test.py.)
"""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from background.worker import run_queued_tasks
from portal.roles import EDITORS
from tests.library.conftest import library, make_doc, make_file  # noqa: F401 (fixtures re-exported)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(db):
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def work(db_tasks, django_capture_on_commit_callbacks):
    """Run the worker in this process until nothing is due. Each pass runs inside the test's
    transaction, so the tasks a task queues after commit are queued at the end of the pass."""

    def _work(max_passes=5):
        for _ in range(max_passes):
            with django_capture_on_commit_callbacks(execute=True):
                run_queued_tasks()
            if not DBTaskResult.objects.ready().exists():
                return

    return _work


@pytest.fixture
def editors_client(db):
    user = User.objects.create_user("bg-editor", "bg-editor@example.org", "pass-12345-pass")
    user.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(user)
    return client
