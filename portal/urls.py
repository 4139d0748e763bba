from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import SignInView
from directory import urls as directory_urls
from portal.health import healthz
from portal.language_views import set_language
from portal.robots import robots_txt
from search import urls as search_urls
from services_map import urls as services_map_urls


def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page links: send them to the icon."""
    return redirect(static("portal/favicon.svg"), permanent=True)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("robots.txt", robots_txt),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/webauthn/", include("accounts.webauthn_urls")),
    path("accounts/access-log/", include("audit.urls")),
    path("accounts/", include("accounts.urls")),
    # Open Referral HSDS 3.0 API: one address in every language (a record's language is asked
    # for with ?lang= or Accept-Language), so outside i18n_patterns.
    path("api/hsds/v3/", include("directory.hsds.urls")),
]

if settings.DEBUG:
    # Development only: uploaded images and renditions straight from MEDIA_ROOT. Never documents:
    # they go through Wagtail's serve view (and library access checks), so a partners-only
    # file cannot be fetched by its storage path.
    from django.urls import re_path
    from django.views.static import serve

    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media}(?P<path>(?!documents/).*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Public pages, one address per language: English unprefixed, /km/, /th/, /vi/, /lo/ for the others
# (portal.language_middleware: how a remembered choice meets an unprefixed address). Last, since
# Wagtail's catch-all page route is inside.
urlpatterns += i18n_patterns(
    path("directory/", include(directory_urls)),
    path("search/", include(search_urls)),
    path("map/", include(services_map_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
