"""Searching the portal in a real browser: Khmer and English, a facet, a result, autocomplete."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_search_in_english_apply_a_facet_and_open_a_result(portal_server, page):
    page.goto(f"{portal_server}/search/")
    page.get_by_test_id("search-input").fill("Poi Pet")
    page.get_by_test_id("search-submit").click()
    page.wait_for_load_state("load")
    assert "q=Poi+Pet" in page.url
    total = int(page.get_by_test_id("result-count").get_attribute("data-count"))
    assert total > 1
    assert page.get_by_test_id("hit").locator("mark").count() > 0  # matched words are marked

    page.locator('input[name="kind"][value="organization"]').check()
    page.get_by_test_id("apply-filters").first.click()
    page.wait_for_load_state("load")
    assert "kind=organization" in page.url
    narrowed = int(page.get_by_test_id("result-count").get_attribute("data-count"))
    assert 0 < narrowed < total
    assert page.locator('[data-testid="hit"][data-kind="service"]').count() == 0
    screenshot(page, "search-poipet-organizations")

    first = page.get_by_test_id("hit-link").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_load_state("load")
    assert re.search(r"/directory/[\w-]+/", page.url)
    assert page.get_by_test_id("org-name").inner_text().startswith(title.split(" (")[0][:20])


def test_search_in_khmer_finds_a_word_inside_running_text(portal_server, page):
    page.goto(f"{portal_server}/km/search/?q=" + "ជំនួយ")
    total = int(page.get_by_test_id("result-count").get_attribute("data-count"))
    assert total > 0
    heading = page.locator("h1")
    assert heading.inner_text().strip() == "ស្វែងរកក្នុងវិបផតថល"
    # Bold Khmer headings use the self-hosted font (a system font without Khmer glyphs drew
    # boxes); it must be in the stack (after Noto Sans, which holds no Khmer) and actually loaded.
    assert '"Noto Sans Khmer"' in page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check(\"700 16px 'Noto Sans Khmer'\", 'ស')")
    screenshot(page, "search-khmer")


def test_misspelling_is_corrected_and_autocomplete_suggests_names(portal_server, page):
    page.goto(f"{portal_server}/search/?q=Batambang")
    assert page.get_by_test_id("did-you-mean").is_visible()
    assert "Battambang" in page.get_by_test_id("results").inner_text()

    page.goto(f"{portal_server}/search/")
    page.get_by_test_id("search-input").press_sequentially("Battam", delay=30)
    suggestions = page.get_by_test_id("suggestions")
    suggestions.locator("a").first.wait_for(state="visible", timeout=5000)
    assert any("Battambang" in t for t in suggestions.locator("a").all_inner_texts())
    page.get_by_test_id("search-input").press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('role')")
    assert focused == "option"
    screenshot(page, "search-autocomplete")


def test_search_on_a_phone_without_horizontal_scroll(portal_server, phone_page):
    phone_page.goto(f"{portal_server}/search/?q=shelter")
    assert phone_page.get_by_test_id("hit").count() > 0
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(phone_page, "search-phone")
