"""A stale link gets a page that helps the user on; a server error a plain, safe page."""

import pytest
from django.test import Client, override_settings
from django.urls import path


@pytest.mark.django_db
def test_unknown_organization_gets_a_helpful_404(client):
    response = client.get("/directory/no-such-organization/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="not-found"' in html
    assert 'action="/directory/"' in html  # a way on: search the directory


def _boom(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_is_plain_and_leaks_nothing():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "simulated failure" not in html and "Traceback" not in html
