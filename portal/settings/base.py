"""Settings shared by every environment. Environment variables are listed in README.md."""

import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from portal import security_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "portal",
    "directory",
    "directory.hsds",  # HSDS API: tombstones for incremental clients
    "library",
    "services_map",
    "search",
    "background",  # before django_tasks_db: its db_worker command adds retries
    "accounts",  # before wagtail.admin: its sign-in templates and admin login form
    "audit",  # the access log of views above the public tier
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Second factor (accounts/): TOTP, recovery codes (static tokens), passkeys (WebAuthn).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: request id for the logs; proxy headers only from TRUSTED_PROXIES.
    "portal.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.security_middleware.ContentSecurityPolicyMiddleware",
    "portal.security_middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Text responses gzip-compressed when accepted (portal/compression.py); pages get an ETag and,
    # for anonymous visitors, Last-Modified, so a repeat visit is a 304 (portal/conditional.py).
    "portal.compression.TextGZipMiddleware",
    "portal.conditional.ConditionalPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Language from the URL prefix; an unprefixed page follows the remembered choice.
    "portal.language_middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sessions end after PORTAL_SESSION_IDLE_MINUTES idle and on "sign out of all devices"; a
    # signed-in user who has not passed the second factor reaches only the sign-in pages.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionPolicyMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A publish refused for markup (workflow approval has no hook) answers with a message.
    "directory.publish_guard.MarkupRefusedMiddleware",
    # Organization-scoped editors do not get Wagtail's site-wide Site history.
    "directory.admin.scoping.ScopedEditorReportsMiddleware",
    # Writes the access-log entries a view noted (audit.record); a failure is logged, not shown.
    "audit.middleware.AccessLogMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL (or another engine).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server, the task worker and the scheduler write to one SQLite file at once (make
    # run): WAL lets readers and the writer work side by side, and IMMEDIATE takes the write lock
    # when a transaction begins (waiting up to `timeout` s) instead of failing with "database is
    # locked" when a transaction that has read tries to write while another process writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. English is the source language; each other language has its own URL prefix
# (/km/, /th/, /vi/, /lo/; portal/urls.py) and is a content locale. Names are shown in the
# language switch in their own script, with the English name for those who cannot read it.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("km", "ខ្មែរ (Khmer)"),
    ("th", "ไทย (Thai)"),
    ("vi", "Tiếng Việt (Vietnamese)"),
    ("lo", "ລາວ (Lao)"),
]
# Django ships no Lao entry in LANG_INFO; Wagtail's locale names and the admin's language
# choices read it (KeyError without it).
LANG_INFO.setdefault("lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"})
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The language switch remembers the choice for a year (Django's default is the browser session);
# portal.language_middleware says how the remembered choice meets an unprefixed address.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Asia/Phnom_Penh"
USE_I18N = True
USE_TZ = True

# Front-end packages come from npm (package.json) and are served as our own static files.
STATICFILES_DIRS = [
    ("vendor/noto-sans", BASE_DIR / "node_modules" / "@fontsource" / "noto-sans" / "files"),
    ("vendor/noto-sans-khmer", BASE_DIR / "node_modules" / "@fontsource" / "noto-sans-khmer" / "files"),
    ("vendor/noto-sans-thai", BASE_DIR / "node_modules" / "@fontsource" / "noto-sans-thai" / "files"),
    ("vendor/noto-sans-lao", BASE_DIR / "node_modules" / "@fontsource" / "noto-sans-lao" / "files"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
]
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Mekong Protection Portal"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "html"]
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True

# Background work (background/, README "Background work"): tasks are queued in the database
# and run by `manage.py db_worker`; periodic jobs run from `manage.py run_scheduler`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A retried task (index refresh, text extraction) that raises runs again after
# TASKS_RETRY_BASE_SECONDS * 2 ** (attempt - 1), at most TASKS_MAX_ATTEMPTS times in all.
TASKS_MAX_ATTEMPTS = int(os.environ.get("TASKS_MAX_ATTEMPTS", "5"))
TASKS_RETRY_BASE_SECONDS = int(os.environ.get("TASKS_RETRY_BASE_SECONDS", "30"))
# The scheduler's clean-up deletes finished task results older than these (days).
TASKS_KEEP_SUCCEEDED_DAYS = int(os.environ.get("TASKS_KEEP_SUCCEEDED_DAYS", "14"))
TASKS_KEEP_FAILED_DAYS = int(os.environ.get("TASKS_KEEP_FAILED_DAYS", "60"))
# The scheduler wakes up this often (seconds); a failed job runs again in the same period after
# SCHEDULER_RETRY_MINUTES, at most SCHEDULER_MAX_ATTEMPTS times; a run still "running" after
# SCHEDULER_RUN_TIMEOUT_MINUTES (its scheduler died) counts as failed.
SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "60"))
SCHEDULER_RETRY_MINUTES = int(os.environ.get("SCHEDULER_RETRY_MINUTES", "30"))
SCHEDULER_MAX_ATTEMPTS = int(os.environ.get("SCHEDULER_MAX_ATTEMPTS", "3"))
SCHEDULER_RUN_TIMEOUT_MINUTES = int(os.environ.get("SCHEDULER_RUN_TIMEOUT_MINUTES", "120"))
SCHEDULER_KEEP_RUNS_DAYS = int(os.environ.get("SCHEDULER_KEEP_RUNS_DAYS", "90"))
# Access-log entries (audit/) older than this are deleted by the daily purge.
PORTAL_ACCESS_LOG_DAYS = int(os.environ.get("PORTAL_ACCESS_LOG_DAYS", "365"))
# A worker writes a heartbeat every WORKER_HEARTBEAT_SECONDS; it counts as down (/healthz,
# worker_health, the Background tasks report) when its last one is older than
# WORKER_HEARTBEAT_STALE_SECONDS. A task still "running" after TASKS_STALE_RUNNING_MINUTES whose
# worker has no fresh heartbeat was left by a worker that died: the scheduler queues it again
# (retried tasks, with backoff) or marks it failed.
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "30"))
WORKER_HEARTBEAT_STALE_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", "120"))
TASKS_STALE_RUNNING_MINUTES = int(os.environ.get("TASKS_STALE_RUNNING_MINUTES", "30"))

# Cache: Redis shared by every process (web workers, task worker, scheduler) when REDIS_URL is
# set; otherwise each process keeps its own memory cache (development, single process). Keys
# carry a prefix per environment so several portals can share one Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", os.environ.get("SEARCH_INDEX_PREFIX", "portal"))


def redis_cache(url, key_prefix=CACHE_KEY_PREFIX):
    """The cache settings for Redis at ``url`` (also used by tests that take Redis down)."""
    return {
        # Django's RedisCache that serves pages without the cache when Redis is down
        # (portal/cache.py); short timeouts so a dead Redis costs milliseconds, not seconds.
        "BACKEND": "portal.cache.DegradingRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.3")),
            "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# With Redis down: ask it again after this many seconds; log that it is down at most this often.
CACHE_DOWN_RETRY_SECONDS = float(os.environ.get("CACHE_DOWN_RETRY_SECONDS", "5"))
CACHE_DOWN_LOG_SECONDS = float(os.environ.get("CACHE_DOWN_LOG_SECONDS", "60"))

# Reverse proxies whose X-Forwarded-For, X-Forwarded-Proto and X-Request-ID are believed
# (addresses or networks, comma-separated). From anyone else those headers are ignored
# (portal/client.py, portal/request_context.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# E-mail (review reminders, moderation notices).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@example.org")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

# Uploaded documents are checked by the library's rules (size, types, lying extensions).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "library.forms.LibraryDocumentForm"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/directory/"
LOGOUT_REDIRECT_URL = "/"

# Accounts and sign-in (accounts/, README "Accounts and sign-in").
# PORTAL_REQUIRE_2FA: every account must enrol a second factor (authenticator app or passkey) at
# its first sign-in; production turns it on. Off, only accounts that have a device are asked for it.
PORTAL_REQUIRE_2FA = env_bool("PORTAL_REQUIRE_2FA", False)
# A signed-in session ends after this many minutes without a request (0: never).
PORTAL_SESSION_IDLE_MINUTES = int(os.environ.get("PORTAL_SESSION_IDLE_MINUTES", "30"))
# Failed sign-ins (password or second factor): after this many failures for one account, or from
# one client address, within the window, further attempts are refused until the window ends.
PORTAL_SIGNIN_MAX_FAILURES = int(os.environ.get("PORTAL_SIGNIN_MAX_FAILURES", "5"))
PORTAL_SIGNIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("PORTAL_SIGNIN_MAX_FAILURES_PER_ADDRESS", "20"))
PORTAL_SIGNIN_WINDOW_MINUTES = int(os.environ.get("PORTAL_SIGNIN_WINDOW_MINUTES", "15"))
# HSDS API (/api/hsds/v3/): anonymous requests allowed per client address and minute (429 after).
HSDS_API_ANONYMOUS_PER_MINUTE = int(os.environ.get("HSDS_API_ANONYMOUS_PER_MINUTE", "120"))
# HSDS import (admin screen, manage.py import_hsds): the largest file read, in bytes. A larger
# upload is refused from its Content-Length before its body is read.
HSDS_IMPORT_MAX_BYTES = int(os.environ.get("HSDS_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# The Wagtail admin's sign-in form counts failures the same way.
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminSignInForm"
OTP_TOTP_ISSUER = "Mekong Protection Portal"
# Passkeys: the relying party is the host the user signed in on; WEBAUTHN_ORIGINS lists the
# origins browsers may use (https://, or http://localhost for development).
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.webauthn.relying_party_id"
OTP_WEBAUTHN_RP_NAME = "Mekong Protection Portal"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", "http://localhost:8000")
# A passkey is a second factor after the password here, never a sign-in of its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Search (search/): index names are "<prefix>-<kind>" aliases, so environments sharing a cluster
# never collide. A slow search server is abandoned after the timeout (the database answers).
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "portal")
SEARCH_ELASTICSEARCH_TIMEOUT = float(os.environ.get("SEARCH_ELASTICSEARCH_TIMEOUT", "3"))
# 1: a publish is searchable as soon as its request ends (refresh=wait_for).
SEARCH_ELASTICSEARCH_REFRESH = os.environ.get("SEARCH_ELASTICSEARCH_REFRESH", "1") == "1"
SEARCH_PAGE_SIZE = 20

# Directory behaviour.
DIRECTORY_DEFAULT_REGION = "KH"  # phone numbers without a + prefix are read as Cambodian
DIRECTORY_CAPACITY_STALE_DAYS = int(os.environ.get("DIRECTORY_CAPACITY_STALE_DAYS", "30"))
DIRECTORY_PARTNER_GROUP = "Partners"
DIRECTORY_PAGE_SIZE = 25
# Service types whose places are confidential: a location is never public when it is a shelter
# or when a service of one of these families is offered there (codes are hierarchical: SHELTER
# covers SHELTER.SHORT). See directory/visibility.py.
DIRECTORY_CONFIDENTIAL_SERVICE_TYPES = ["SHELTER"]

# Stewardship: review intervals, reminders and the public "suggest an update" form.
DIRECTORY_REVIEW_INTERVAL_DAYS = int(os.environ.get("DIRECTORY_REVIEW_INTERVAL_DAYS", "180"))
DIRECTORY_REVIEW_DUE_SOON_DAYS = int(os.environ.get("DIRECTORY_REVIEW_DUE_SOON_DAYS", "14"))
DIRECTORY_REMINDER_DEPUTY_AFTER_DAYS = int(os.environ.get("DIRECTORY_REMINDER_DEPUTY_AFTER_DAYS", "7"))
DIRECTORY_REMINDER_COORDINATOR_AFTER_DAYS = int(
    os.environ.get("DIRECTORY_REMINDER_COORDINATOR_AFTER_DAYS", "14")
)
DIRECTORY_COORDINATOR_GROUP = "Coordinators"
DIRECTORY_SUGGESTION_RATE_LIMIT = int(os.environ.get("DIRECTORY_SUGGESTION_RATE_LIMIT", "5"))
DIRECTORY_SUGGESTION_RATE_WINDOW_SECONDS = int(
    os.environ.get("DIRECTORY_SUGGESTION_RATE_WINDOW_SECONDS", "3600")
)

# Services map: basemap tiles (an empty URL means no tiles: markers and province labels on a
# plain background, e.g. offline or where the tile server is blocked).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
MAP_TILE_MAX_ZOOM = int(os.environ.get("MAP_TILE_MAX_ZOOM", "18"))
MAP_LIST_PAGE_SIZE = 50
# The map's GeoJSON and coverage tables are cached this long (seconds; 0 = off), and rebuilt at
# once when directory data changes (services_map/cache.py).
MAP_CACHE_SECONDS = int(os.environ.get("MAP_CACHE_SECONDS", "300"))
# The directory listing and search pages anonymous visitors are shown are kept this long
# (seconds; 0 = off, as in development and tests; production keeps them 60 s), keyed on the
# search index's state, so a publish shows at once (search/page_cache.py).
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "0"))

# Research library: uploads and text extraction (library/extraction/).
LIBRARY_MAX_UPLOAD_BYTES = int(os.environ.get("LIBRARY_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
LIBRARY_ALLOWED_EXTENSIONS = env_list("LIBRARY_ALLOWED_EXTENSIONS", "pdf,docx,txt,html,htm")
# Extracted text longer than this is cut (and the extraction message says so).
LIBRARY_MAX_TEXT_CHARS = int(os.environ.get("LIBRARY_MAX_TEXT_CHARS", "2000000"))
# A file whose extension lies about its type (a ".pdf" that is a DOCX): 1 = extract it by its
# real type and say so in the extraction message; 0 = refuse to extract it.
LIBRARY_EXTRACT_MISMATCHED_TYPES = env_bool("LIBRARY_EXTRACT_MISMATCHED_TYPES", True)

# Security headers (portal/security_policy.py, README "Security headers"): a strict CSP on public
# pages (images may also come from the map tile host), a wider one for the Wagtail admin, and a
# Permissions-Policy. The admin asks no other host for anything: no Gravatar, no update check.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": security_policy.public_csp_directives(MAP_TILE_URL)}
CONTENT_SECURITY_POLICY_ADMIN = {"DIRECTIVES": security_policy.admin_csp_directives(MAP_TILE_URL)}
PERMISSIONS_POLICY = security_policy.PERMISSIONS_POLICY
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Server errors (500s) are e-mailed to ADMINS: "Name <address>" or addresses, comma-separated.
ADMINS = [parseaddr(entry) for entry in env_list("ADMINS")]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Logs go to stderr; every record carries the request id (portal/logs.py). LOG_FORMAT=json writes
# one JSON object per line (the production default).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own handlers for "django" (they would e-mail a second copy).
        "django": {"handlers": [], "level": "INFO"},
        # Unhandled exceptions in a request: e-mailed to ADMINS and written to the console.
        "django.request": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # One INFO line per task run (Wagtail's reference index) drowns everything else.
        "django_tasks": {"level": "WARNING"},
        # One INFO line per HTTP request to Elasticsearch.
        "elastic_transport": {"level": "WARNING"},
    },
}

gettext = _
