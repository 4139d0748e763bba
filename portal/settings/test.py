"""pytest settings. DATABASE_URL still applies, so the same suite runs on PostgreSQL in CI."""

import tempfile

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-media-"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Most tests run tasks at once (the immediate backend): they check what a task does, not how it
# is queued, and a worker pass after every publish would slow the suite. The tests of background
# work (tests/background/) switch TASKS to the database backend and run the real worker in-process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# SQLite: the database worker claims a task inside an exclusive transaction. With this mode that
# is an ordinary atomic block (a savepoint inside each test's transaction); otherwise the worker
# issues BEGIN EXCLUSIVE itself, which SQLite refuses inside the test's open transaction.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "EXCLUSIVE"  # noqa: F405

# The HSDS API's anonymous throttle is tested with a limit of its own (tests/hsds_api/).
HSDS_API_ANONYMOUS_PER_MINUTE = 1_000_000

# Tests choose their search engine explicitly (tests/search/); pages use the database engine.
ELASTICSEARCH_URL = ""
SEARCH_INDEX_PREFIX = "portal-test"

# With REDIS_URL (the PostgreSQL pass in CI) the suite runs on the shared Redis cache; a prefix of
# this run's own keeps two runs on one Redis apart.
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"portal-test-{os.getpid()}"  # noqa: F405
