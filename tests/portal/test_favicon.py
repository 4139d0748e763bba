"""/favicon.ico, which browsers ask for on their own, leads to the portal's icon (not a 404)."""

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    target = response["Location"]
    assert target.endswith(".svg") and "favicon" in target
    # The target is the icon the pages link, and it exists among the static files.
    page = client.get("/directory/").content.decode()
    assert 'href="' + target + '"' in page
    assert finders.find("portal/favicon.svg")
