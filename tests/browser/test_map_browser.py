"""A caseworker looks for shelters on the map, offline (no basemap tiles), in a real browser."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import screenshot
from .test_accessibility import AXE, violations

pytestmark = pytest.mark.browser


def wait_for_markers(page):
    # Functions, not expression strings: Playwright polls those with eval(), which the page's CSP refuses.
    page.wait_for_function("() => document.getElementById('services-map').dataset.loaded !== undefined")
    loaded = page.get_by_test_id("map").get_attribute("data-loaded")
    assert loaded != "error", "the GeoJSON did not load"
    return int(loaded)


_IN_VIEW = """(selector) => {
    const box = document.querySelector('.leaflet-container').getBoundingClientRect();
    return [...document.querySelectorAll(selector)].findIndex(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.left >= box.left && r.right <= box.right
            && r.top >= box.top && r.bottom <= box.bottom;
    });
}"""


def open_a_marker(page):
    """Click clusters until a single marker shows, then click it: its card opens. Only what lies
    inside the map's view is clicked (the map opens on Cambodia, so offices abroad are outside
    it), and during a zoom animation nothing is: the next round looks again."""
    for _ in range(40):
        for selector in (".leaflet-marker-icon.map-marker", ".leaflet-marker-icon.marker-cluster"):
            index = page.evaluate(_IN_VIEW, selector)
            if index >= 0:
                try:
                    page.locator(selector).nth(index).click(timeout=3000)
                except PlaywrightTimeout:
                    break  # it moved (zoom or spiderfy): look again
                if selector.endswith("map-marker"):
                    card = page.get_by_test_id("map-card")
                    card.wait_for()
                    return card
                break
        page.wait_for_timeout(400)  # cluster zoom or spiderfy animation
    card = page.get_by_test_id("map-card")
    card.wait_for()
    return card


def test_filter_by_type_and_open_an_approximate_shelter(portal_server, page):
    outside = []
    page.on("request", lambda r: None if r.url.startswith(portal_server) else outside.append(r.url))
    page.goto(f"{portal_server}/map/")
    total = int(page.get_by_test_id("map-count").get_attribute("data-count"))
    assert total > 100
    wait_for_markers(page)

    # Filter by a service type with the same form as the directory.
    page.locator("#filters summary").click()
    page.locator('input[name="type"][value="SHELTER"]').check()
    page.get_by_test_id("apply-filters").click()
    page.wait_for_load_state("load")
    assert "/map/?" in page.url and "type=SHELTER" in page.url
    shelters = int(page.get_by_test_id("map-count").get_attribute("data-count"))
    assert 0 < shelters < total
    assert page.get_by_test_id("map-entry").count() == shelters
    markers = wait_for_markers(page)
    on_map = int(page.get_by_test_id("map").get_attribute("data-on-map"))
    assert 0 < on_map <= shelters and markers >= on_map
    assert re.search(
        rf"{on_map} of {shelters} services on the map", page.get_by_test_id("map-status").inner_text()
    )

    # No tiles: a plain background with province names, and still the markers.
    assert page.get_by_test_id("map").get_attribute("data-tiles") == "off"
    assert page.locator(".province-label").count() == 25
    assert page.locator(".leaflet-tile").count() == 0

    # Every demo shelter is confidential: its marker is approximate and its card says so.
    assert page.locator(".leaflet-marker-icon.map-marker.exact").count() == 0
    card = open_a_marker(page)
    assert card.locator(".map-card-title a").get_attribute("href").startswith("/directory/")
    approximate = card.get_by_test_id("map-card-approximate")
    assert approximate.is_visible()
    assert re.search(r"Approximate location.*partners only.*centre of", approximate.inner_text(), re.S)
    assert re.search(r"Not yet verified|Last verified", card.inner_text())
    page.wait_for_timeout(500)  # the map pans to show the whole card
    screenshot(page, "map-shelter-card")

    # The list has the same services; "Show on map" opens a named shelter's card.
    entry = page.get_by_test_id("map-entry").filter(has_text="Battambang Reception Centre")
    entry.get_by_role("button", name=re.compile("Show on map")).click()
    # The previous card fades out: one card remains.
    page.wait_for_function("() => document.querySelectorAll('[data-testid=map-card]').length === 1")
    card = page.get_by_test_id("map-card")
    assert "Battambang Reception Centre" in card.inner_text()
    assert "centre of Battambang" in card.get_by_test_id("map-card-approximate").inner_text()
    # Focus moved into the card for keyboard users.
    assert page.evaluate("document.activeElement.closest('[data-testid=map-card]') !== null")
    page.get_by_test_id("map").scroll_into_view_if_needed()
    screenshot(page, "map-filtered-shelters")

    assert outside == [], f"requests left the portal: {outside[:3]}"


def test_map_markers_open_with_the_keyboard(portal_server, page):
    page.goto(f"{portal_server}/map/?type=SHELTER&province=battambang")
    assert wait_for_markers(page) >= 1
    page.locator(".leaflet-marker-icon").first.focus()
    page.keyboard.press("Enter")
    for _ in range(10):  # a cluster zooms or spiderfies on Enter; then a marker takes focus
        if page.get_by_test_id("map-card").count():
            break
        page.wait_for_timeout(400)
        markers = page.locator(".leaflet-marker-icon.map-marker")
        target = markers.first if markers.count() else page.locator(".leaflet-marker-icon").first
        target.focus()
        page.keyboard.press("Enter")
    assert page.get_by_test_id("map-card").is_visible()


def test_map_without_javascript_still_lists_the_services(portal_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{portal_server}/map/?type=SHELTER")
    assert page.get_by_test_id("map-entry").count() > 0
    assert "The map needs JavaScript" in page.get_by_test_id("map").inner_text()
    context.close()


def test_map_fits_a_phone(portal_server, phone_page):
    phone_page.goto(f"{portal_server}/map/?type=SHELTER")
    wait_for_markers(phone_page)
    assert phone_page.get_by_test_id("map").bounding_box()["height"] > 250
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(phone_page, "map-phone")


@pytest.mark.parametrize("path", ["/map/", "/map/coverage/", "/map/coverage/battambang/"])
def test_map_pages_have_no_serious_accessibility_violations(portal_server, page, path):
    assert AXE.exists()
    page.goto(portal_server + path)
    if path == "/map/":
        wait_for_markers(page)
    assert violations(page) == []


def test_coverage_and_the_referral_pack_print_on_one_a4_page(portal_server, page):
    page.goto(f"{portal_server}/map/coverage/")
    assert page.get_by_test_id("coverage-table").locator("tbody tr").count() == 25
    screenshot(page, "coverage")
    page.goto(f"{portal_server}/map/coverage/battambang/")
    page.get_by_test_id("pack-link").click()
    page.wait_for_load_state("load")
    assert page.get_by_test_id("pack-qr").count() == page.get_by_test_id("pack-entry").count() > 0
    screenshot(page, "referral-pack-battambang")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the pack printed on {pages} pages"
