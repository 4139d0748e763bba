"""Production settings. Refuses to start without SECRET_KEY; passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")  # noqa: F405
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto. The header is believed only from
# TRUSTED_PROXIES (portal/request_context.py drops it from anyone else).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Health probes (container health check, load balancers) speak plain HTTP to gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The runtime image has no node_modules: the npm files were collected into STATIC_ROOT when the
# image was built (scripts/release checks they were there), so only existing folders are listed.
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.is_dir()]  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")  # noqa: F405

# Listing and search pages for anonymous visitors are served from the shared cache (keyed on the
# search index's state: a publish shows at once) for up to this many seconds; 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))  # noqa: F405

# Every account enrols a second factor at its first sign-in (accounts/).
PORTAL_REQUIRE_2FA = env_bool("PORTAL_REQUIRE_2FA", True)
# Passkeys work on the portal's own HTTPS host names unless WEBAUTHN_ORIGINS says otherwise.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS") or [
    f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"
]

# `setup_portal` (run by the container at start) loads no demo data and no demo partner account
# in production unless SETUP_LOADS_DEMO=1 or --demo.
SETUP_LOADS_DEMO = env_bool("SETUP_LOADS_DEMO", False)

# One JSON object per log line (LOG_FORMAT=plain for reading by eye).
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("LOG_FORMAT", "json")  # noqa: F405
