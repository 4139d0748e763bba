"""The directory in the field, at phone width, in English and Khmer: each card calls first, says
whether the place is open now, and the list can be ordered nearest first from the device's
position (asked only on a button press) or, without JavaScript, from a chosen district."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT, run_portal_server, screenshot

# A fictional number (Cambodia's 023 990 range is test data in this suite), on an organization
# of the demo data that has a public office: its card and its page must offer it first.
SETUP = """
import datetime
from directory.models import Organization, OrganizationPhone, Schedule
org = Organization.objects.filter(live=True, locations__visibility='public', locations__latitude__isnull=False,
                                  services__live=True).order_by('name').first()
OrganizationPhone.objects.create(organization=org, number='+85523990123', channel='hotline',
                                 verified_on=datetime.date.today(), hours='24 hours, every day')
service = org.services.filter(live=True).order_by('name').first()
for day in ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']:
    Schedule.objects.create(service=service, weekday=day, open_24h=True)
print(org.slug)
"""


@pytest.fixture(scope="module")
def field_server():
    workdir = Path(tempfile.mkdtemp(prefix="portal-field-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'field.sqlite3'}",
    }
    server = run_portal_server({"DATABASE_URL": env["DATABASE_URL"], "MEDIA_ROOT": str(workdir / "media")})
    base = next(server)
    slug = (
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    # A rebuild changes the index state: the server reads the new hours at its next request.
    subprocess.run(
        [sys.executable, "manage.py", "search_rebuild"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    yield base, slug
    next(server, None)


def _card(page, slug):
    return page.locator(f'[data-testid="result"][data-slug="{slug}"]')


@pytest.mark.parametrize("language", ["en", "km"])
def test_a_card_calls_first_and_says_it_is_open_on_a_phone(field_server, phone_page, language):
    base, slug = field_server
    prefix = "" if language == "en" else "/km"
    phone_page.goto(f"{base}{prefix}/directory/?q={slug.replace('-', '+')}")
    card = _card(phone_page, slug)
    call = card.get_by_test_id("call-link")
    assert call.get_attribute("href") == "tel:+85523990123"
    call.scroll_into_view_if_needed()
    box, title = call.bounding_box(), card.locator("h3").bounding_box()
    assert box["height"] >= 40 or box["width"] >= 100  # a thumb-sized target
    # The call comes right under the title, before the description and the services.
    description = card.locator(".result-description")
    if description.count():
        assert box["y"] < description.bounding_box()["y"]
    assert box["y"] > title["y"]
    badge = card.get_by_test_id("open-status")
    assert badge.get_attribute("data-state") == "always"
    text = badge.inner_text()
    if language == "km":
        assert "Open" not in text and text.strip()
    else:
        assert text.strip() == "Open 24/7"
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(phone_page, f"field-card-{language}")


@pytest.mark.parametrize("language", ["en", "km"])
def test_near_me_asks_only_on_the_button_and_sorts_nearest_first(field_server, browser, language):
    base, _slug = field_server
    prefix = "" if language == "en" else "/km"
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 13.0957123, "longitude": 103.2022456},
        permissions=[],
    )
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{base}{prefix}/directory/")
    assert not any("lat=" in url for url in asked)  # nothing is asked before the press
    page.get_by_test_id("near-panel").locator("summary").click()
    button = page.get_by_test_id("near-me")
    assert button.is_visible()
    context.grant_permissions(["geolocation"], origin=base)
    with page.expect_navigation():
        button.click()
    assert re.search(r"lat=13\.096&lon=103\.202", page.url)
    distances = page.get_by_test_id("distance")
    assert distances.count() > 0
    kms = [float(d.get_attribute("data-km")) for d in distances.all()]
    assert kms == sorted(kms)
    # The share link carries no position.
    share = page.get_by_test_id("share-link")
    assert share.count() == 0 or "lat=" not in share.inner_text()
    screenshot(page, f"field-near-me-{language}")
    context.close()


def test_without_javascript_a_district_orders_the_list(field_server, browser):
    base, _slug = field_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/directory/")
    assert not page.get_by_test_id("near-me").is_visible()
    page.get_by_test_id("near-panel").locator("summary").click()
    page.get_by_test_id("near-select").select_option(label="Battambang")
    with page.expect_navigation():
        page.get_by_test_id("near-submit").click()
    assert "near=" in page.url
    kms = [float(d.get_attribute("data-km")) for d in page.get_by_test_id("distance").all()]
    assert kms and kms == sorted(kms)
    context.close()
