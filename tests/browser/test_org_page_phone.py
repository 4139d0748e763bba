"""A social worker on a 390 px phone, in English and in Khmer: the organization page opens with
its contact block above the description and a bar at the bottom of the screen (Call,
Directions, Share) that covers nothing; on a desktop the bar is hidden. The home page offers the
verified hotlines as call links and the "I need ..." shortcuts with JavaScript turned off.

The demo data holds no phone number (directory/demo/README.md), so this module runs a portal of
its own and adds one organization with made-up test numbers and a public office point."""

import os
import tempfile
from pathlib import Path

import pytest

from .conftest import SCREENSHOTS, _manage, run_portal_server, screenshot

pytestmark = pytest.mark.browser

SLUG = "phone-bar-test"
PHONE = (390, 844)
SETUP = """
import datetime
from wagtail.models import Locale
from directory.models import Area, Location, Organization, OrganizationPhone, Service, ServiceArea, ServicePhone
from directory.models import ServiceTerm, TaxonomyTerm
org = Organization.objects.create(
    name="Riverside Legal Aid", slug="phone-bar-test", org_type="national_ngo", live=True,
    country=Area.objects.get(key="KH"), area=Area.objects.get(key="KH:12"), locale=Locale.get_default(),
    description="Free legal advice for returned migrant workers and their families. " * 12,
)
Location.objects.create(organization=org, name="Riverside office", location_type="office",
    area=Area.objects.get(key="KH:12"), address="7 River Road", latitude=11.5623, longitude=104.9161,
    visibility="public")
OrganizationPhone.objects.create(organization=org, number="+85523000101", channel="voice", visibility="public",
    hours="Mon-Fri 8:00-17:00", verified_on=datetime.date(2026, 1, 5))
OrganizationPhone.objects.create(organization=org, number="+85512000303", channel="telegram", visibility="public")
service = Service.objects.create(organization=org, name="Trafficking report line", locale=org.locale, live=True)
ServiceTerm.objects.create(service=service, term=TaxonomyTerm.objects.get(code="HELP.TIP"))
ServiceArea.objects.create(service=service, area=Area.objects.get(key="KH"))
ServicePhone.objects.create(service=service, number="1288", country="KH", channel="hotline", visibility="public",
    description="Report trafficking", hours="24 hours", languages="km", verified_on=datetime.date(2026, 1, 5))
"""


@pytest.fixture(scope="module")
def portal_with_numbers():
    database = Path(tempfile.mkdtemp(prefix="portal-phone-bar-")) / "phone.sqlite3"
    env_overrides = {"DATABASE_URL": f"sqlite:///{database}"}
    server = run_portal_server(extra_env=env_overrides)
    base = next(server)
    _manage({**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev", **env_overrides}, "shell", "-c", SETUP)
    yield base
    next(server, None)  # stops the server


def _phone(browser, **options):
    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]}, is_mobile=True, has_touch=True, **options
    )
    return context, context.new_page()


@pytest.mark.parametrize("prefix", ["", "/km"])
def test_phone_opens_with_contact_first_and_the_bar(browser, portal_with_numbers, prefix):
    context, page = _phone(browser)
    try:
        page.goto(f"{portal_with_numbers}{prefix}/directory/{SLUG}/")
        bar = page.get_by_test_id("phone-bar")
        assert bar.is_visible()
        box = bar.bounding_box()
        assert abs(box["y"] + box["height"] - PHONE[1]) <= 1  # at the bottom of the screen on load
        assert box["width"] >= PHONE[0] - 1

        call = page.get_by_test_id("bar-call")
        assert call.is_visible() and call.get_attribute("href") == "tel:+85523000101"
        directions = page.get_by_test_id("bar-directions")
        assert directions.get_attribute("href") == (
            "https://www.google.com/maps/dir/?api=1&destination=11.562300%2C104.916100"
        )
        assert page.get_by_test_id("bar-share").get_attribute("href") == "#share"

        contact_top = page.get_by_test_id("org-contact").bounding_box()["y"]
        about_top = page.locator(".org-about").bounding_box()["y"]
        assert contact_top < about_top
        assert page.get_by_test_id("best-call-link").is_visible()
        assert page.get_by_test_id("best-call-link").bounding_box()["y"] < PHONE[1]  # callable without scrolling

        # Nothing wider than the screen, and at the very bottom the bar covers none of the page.
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
        assert abs(bar.bounding_box()["y"] + box["height"] - PHONE[1]) <= 1  # still there mid-page
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        footer = page.locator(".site-footer p").bounding_box()
        assert footer["y"] + footer["height"] <= bar.bounding_box()["y"]
        page.evaluate("window.scrollTo(0, 0)")
        name = f"org-phone-bar{prefix.replace('/', '-') or '-en'}"
        screenshot(page, name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-on-load.png"))  # what the phone shows at first
    finally:
        context.close()


def test_desktop_hides_the_bar(page, portal_with_numbers):
    page.goto(f"{portal_with_numbers}/directory/{SLUG}/")
    assert page.get_by_test_id("phone-bar").count() == 1
    assert not page.get_by_test_id("phone-bar").is_visible()
    assert page.get_by_test_id("best-call-link").is_visible()  # the contact block still first


def test_share_uses_the_share_sheet_where_there_is_one(browser, portal_with_numbers):
    context, page = _phone(browser)
    try:
        page.add_init_script(
            "window.__shared = []; navigator.share = (data) => { window.__shared.push(data); return Promise.resolve(); };"
        )
        page.goto(f"{portal_with_numbers}/directory/{SLUG}/")
        page.get_by_test_id("bar-share").click()
        page.wait_for_function("window.__shared.length === 1")
        shared = page.evaluate("window.__shared[0]")
        assert shared == {"title": "Riverside Legal Aid", "url": f"{portal_with_numbers}/directory/{SLUG}/"}
        assert not page.url.endswith("#share")
    finally:
        context.close()


def test_share_without_a_share_sheet_goes_to_the_share_section(browser, portal_with_numbers):
    context, page = _phone(browser, java_script_enabled=False)
    try:
        page.goto(f"{portal_with_numbers}/directory/{SLUG}/")
        page.get_by_test_id("bar-share").click()
        assert page.url.endswith("#share")
        section = page.get_by_test_id("share").bounding_box()
        bar_top = page.get_by_test_id("phone-bar").bounding_box()["y"]
        assert -1 <= section["y"] < bar_top  # scrolled to, above the bar
        assert page.get_by_test_id("share-sms").get_attribute("href").startswith("sms:?&body=Riverside%20Legal%20Aid")
    finally:
        context.close()


@pytest.mark.parametrize("prefix", ["", "/km"])
def test_home_page_on_a_phone_without_javascript(browser, portal_with_numbers, prefix):
    context, page = _phone(browser, java_script_enabled=False)
    try:
        page.goto(f"{portal_with_numbers}{prefix}/")
        call = page.locator('a.call-link[href="tel:1288"]')
        assert call.is_visible()
        assert call.bounding_box()["height"] >= 44  # a tap target
        assert page.get_by_role("search").is_visible()
        shortcuts = page.get_by_test_id("need-shortcut")
        assert shortcuts.count() >= 3
        first = shortcuts.first
        assert first.get_attribute("href") == f"{prefix}/directory/?type={first.get_attribute('data-code')}"
        if prefix == "/km":
            assert "ខ្ញុំត្រូវការ" in page.locator(".needs h2").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        screenshot(page, f"home-phone{prefix.replace('/', '-') or '-en'}")
        first.click()
        page.wait_for_load_state("load")
        assert page.get_by_test_id("result").count() > 0  # the shortcut's filter finds services
    finally:
        context.close()
