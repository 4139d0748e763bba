"""Automated accessibility checks (axe-core from npm, run inside Chromium) on the pages a
social worker uses most. Serious and critical violations fail the test."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def violations(page):
    # Evaluated through DevTools, not as a <script> tag: the page's CSP refuses inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/directory/",
        "/directory/?province=battambang&type=SHELTER",
        "/directory/battambang-reception-centre/",
        "/accounts/login/",
    ],
)
def test_no_serious_accessibility_violations(portal_server, page, path):
    assert AXE.exists(), "axe-core is missing: run `make install` (npm ci)"
    page.goto(portal_server + path)
    assert violations(page) == []


def test_directory_filters_work_from_the_keyboard(portal_server, page):
    page.goto(portal_server + "/directory/")
    box = page.locator('input[name="province"][value="battambang"]')
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    page.get_by_test_id("apply-filters").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "province=battambang" in page.url


def test_the_check_itself_catches_an_unlabelled_field(portal_server, page):
    """Guards the guard: an input with no label must be reported, or the checks above prove nothing."""
    page.goto(portal_server + "/directory/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    assert any(v.startswith("label") for v in violations(page))
