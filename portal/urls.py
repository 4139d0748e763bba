from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import SignInView
from directory import urls as directory_urls
from portal.health import healthz
from search import urls as search_urls
from services_map import urls as services_map_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/webauthn/", include("accounts.webauthn_urls")),
    path("accounts/access-log/", include("audit.urls")),
    path("accounts/", include("accounts.urls")),
    path("directory/", include(directory_urls)),
    path("search/", include(search_urls)),
    path("map/", include(services_map_urls)),
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

urlpatterns += [path("", include(wagtail_urls))]
