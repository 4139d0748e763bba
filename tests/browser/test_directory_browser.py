"""A social worker in Battambang looks for a shelter, in a real browser."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_filter_by_province_and_service_type(portal_server, page):
    page.goto(f"{portal_server}/directory/")
    results = page.get_by_test_id("result")
    total_before = results.count()
    assert total_before > 5
    assert page.get_by_test_id("demo-banner").is_visible()

    page.locator('input[name="province"][value="battambang"]').check()
    page.locator('input[name="type"][value="SHELTER"]').check()
    page.get_by_test_id("apply-filters").first.click()
    page.wait_for_load_state("load")

    # The filters live in the URL, so the list can be shared.
    assert re.search(r"province=battambang", page.url)
    assert re.search(r"type=SHELTER", page.url)
    names = [n.strip() for n in page.get_by_test_id("result").locator("h2, h3").all_inner_texts()]
    assert names, "no result for shelters in Battambang"
    assert len(names) < total_before
    assert any("Battambang Reception Centre" in n for n in names)
    count_text = page.get_by_test_id("result-count").inner_text()
    assert str(len(names)) in count_text
    screenshot(page, "directory-filtered")

    # The shared URL reproduces the same list in a fresh page.
    shared = page.context.new_page()
    shared.goto(page.url)
    shared_names = [n.strip() for n in shared.get_by_test_id("result").locator("h2, h3").all_inner_texts()]
    assert shared_names == names
    shared.close()

    # Opening the shelter shows its district or province, never its address, to the public.
    page.get_by_role("link", name=re.compile("Battambang Reception Centre")).first.click()
    page.wait_for_load_state("load")
    body = page.locator("main").inner_text()
    assert "Battambang" in body
    assert re.search(r"partners only", body, re.IGNORECASE)
    screenshot(page, "directory-shelter-public")


def test_directory_usable_on_a_phone(portal_server, phone_page):
    phone_page.goto(f"{portal_server}/directory/?type=HELP")
    assert phone_page.get_by_test_id("result").count() > 0
    # Nothing wider than the screen: no horizontal scrolling on a 390 px phone.
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(phone_page, "directory-phone")
