"""The portal's URLs plus one whose view fails, for tests/operations/test_error_mail.py."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def failing_view(request):
    raise RuntimeError("the view failed on purpose")


urlpatterns = [path("fails/", failing_view), *portal_urlpatterns]
