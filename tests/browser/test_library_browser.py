"""The research library in a real browser: search, narrow by document type and year, open an
item and download its RIS file."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_search_narrow_open_and_download_ris(portal_server, page):
    page.goto(f"{portal_server}/library/")
    page.get_by_test_id("library-input").fill("reintegration")
    page.get_by_test_id("library-submit").click()
    page.wait_for_load_state("load")
    assert "q=reintegration" in page.url
    total = int(page.get_by_test_id("result-count").get_attribute("data-count"))
    assert total > 1
    assert page.get_by_test_id("hit").locator("mark").count() > 0

    page.locator('input[name="doc_type"][value="evaluation"]').check()
    page.get_by_test_id("apply-filters").click()
    page.wait_for_load_state("load")
    assert "doc_type=evaluation" in page.url
    by_type = int(page.get_by_test_id("result-count").get_attribute("data-count"))
    assert 0 < by_type < total

    year = page.locator('input[name="year"]').first
    year_value = year.get_attribute("value")
    year.check()
    page.get_by_test_id("apply-filters").click()
    page.wait_for_load_state("load")
    assert f"year={year_value}" in page.url
    by_year = int(page.get_by_test_id("result-count").get_attribute("data-count"))
    assert 0 < by_year <= by_type
    screenshot(page, "library-reintegration-evaluations")

    first = page.get_by_test_id("hit-link").first
    first.click()
    page.wait_for_load_state("load")
    assert re.search(r"/library/[\w-]+/$", page.url)
    assert page.get_by_test_id("doc-type").inner_text() == "Evaluation"
    assert page.locator('meta[name="citation_title"]').count() == 1
    assert page.get_by_test_id("cite-apa").inner_text().strip() != ""
    screenshot(page, "library-document")

    with page.expect_download() as info:
        page.get_by_test_id("export-ris").click()
    download = info.value
    assert download.suggested_filename.endswith(".ris")
    text = open(download.path(), encoding="utf-8").read()
    assert text.startswith("TY  - RPRT")
    assert f"PY  - {year_value}" in text
