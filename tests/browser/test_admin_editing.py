"""Editors' screens in a real browser, under the admin's Content-Security-Policy: every form field
visible and labelled (axe-core plus a check of what axe cannot see), the searchable choosers of a
library item, and placing a location by clicking the map.

axe runs its whole default rule set (WCAG 2.0/2.1 A and AA plus best practices) on every tab of
the organization, service and library item create and edit screens, and fails on serious or
critical violations. Narrowing it to the label and contrast rules would let other regressions in
the same screens pass unseen, and these screens have none today. Moderate findings (the editor
has no <h1>: Wagtail's header shows the title in the breadcrumb bar) are reported by axe and
left to Wagtail. What axe does not check is whether a field can be seen at all: Wagtail's "title"
style made the organization's Name a box without border or visible label, which axe passed
(its label existed, visually hidden). `invisible_fields` checks that.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from . import test_csp_browser as csp

pytestmark = pytest.mark.browser
# The CSP tests' server (DEBUG off, a superuser) and their page that records every violation.
csp_server = csp.csp_server
watched = csp.watched
sign_in = csp._sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Every text box, select and text area shown: a visible border (its own or its box's; or, for
# Wagtail's page title, its placeholder or text), and a label on screen (or a placeholder).
INVISIBLE_FIELDS = """() => {
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1; };
  const clear = (color) => color === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(color);
  const problems = [];
  for (const el of document.querySelectorAll('main form input, main form select, main form textarea')) {
    if (['hidden', 'checkbox', 'radio', 'file'].includes(el.type) || !shown(el)) continue;
    if (el.closest('.modal, [data-portal-multiple-chooser]')) continue;
    // Its own border, or that of a box it sits in within the field (the tag field's list).
    let bordered = false;
    for (let node = el; node && !node.matches('.w-field, form'); node = node.parentElement) {
      const style = getComputedStyle(node);
      if (parseFloat(style.borderBottomWidth) > 0 && !clear(style.borderBottomColor)) bordered = true;
    }
    const placeholder = (el.getAttribute('placeholder') || '').trim();
    if (!bordered && !placeholder && !el.value) problems.push(`${el.name || el.id}: no border, empty`);
    const labelled = [...(el.labels || [])].some(shown)
      || (el.getAttribute('aria-labelledby') || '').split(' ').some((id) => {
           const label = document.getElementById(id); return label && shown(label); });
    if (!labelled && !placeholder) problems.push(`${el.name || el.id}: no visible label`);
  }
  return problems;
}"""


def axe_violations(page):
    page.evaluate(AXE.read_text())  # through DevTools: the CSP refuses an inline <script>
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def each_tab(page):
    tabs = page.locator("main [role=tab]")
    for index in range(tabs.count()):
        tabs.nth(index).click()
        yield tabs.nth(index).inner_text().strip()


def open_first_edit(watched, listing):
    watched.goto(listing)
    watched.page.locator("main table a[href*='/edit/']").first.click()
    watched.page.wait_for_load_state("networkidle")
    return watched.page.url


def open_library_items(watched):
    """The admin menu's Library > Library items: the library page's items in the explorer.
    Returns the library page's id."""
    page = watched.page
    watched.goto("/admin/")
    page.locator("nav").get_by_role("button", name="Library").click()
    page.get_by_role("link", name="Library items").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("main table tbody a[href$='/edit/']").count() > 0
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def test_editors_forms_are_visible_labelled_and_pass_axe(watched):
    sign_in(watched)
    page = watched.page
    screens = {
        "organization (new)": "/admin/snippets/directory/organization/add/",
        "service (new)": "/admin/snippets/directory/service/add/",
        "organization": open_first_edit(watched, "/admin/snippets/directory/organization/"),
        "service": open_first_edit(watched, "/admin/snippets/directory/service/"),
    }
    library = open_library_items(watched)
    screens["library item (new)"] = f"/admin/pages/add/library/librarydocumentpage/{library}/"
    page.locator("main table tbody a[href$='/edit/']").first.click()
    page.wait_for_load_state("networkidle")
    screens["library item"] = page.url

    problems, checked = {}, 0
    for name, url in screens.items():
        page.goto(url if url.startswith("http") else watched.base + url)
        page.wait_for_load_state("networkidle")
        for tab in each_tab(page):
            checked += 1
            found = axe_violations(page) + page.evaluate(INVISIBLE_FIELDS)
            if found:
                problems[f"{name} / {tab}"] = found
    assert problems == {}
    assert checked >= 20  # every tab of the six screens was looked at
    watched.assert_clean()


def test_the_check_sees_an_invisible_field(watched):
    """Guards the guard: a field styled like the old organization Name must be reported."""
    sign_in(watched)
    watched.goto("/admin/snippets/directory/organization/add/")
    watched.page.evaluate("""() => {
        const input = document.getElementById('id_name');
        input.style.borderColor = 'transparent';
        input.labels[0].classList.add('w-sr-only');
    }""")
    problems = watched.page.evaluate(INVISIBLE_FIELDS)
    assert "name: no border, empty" in problems and "name: no visible label" in problems


def test_a_library_item_gets_a_province_from_the_searchable_chooser(watched):
    sign_in(watched)
    page = watched.page
    open_library_items(watched)
    page.locator("main table tbody a[href$='/edit/']").first.click()
    page.wait_for_load_state("networkidle")
    edit_url = page.url
    page.get_by_role("tab", name="Metadata").click()
    provinces = page.locator("[data-portal-multiple-chooser][data-name=provinces]")
    before = " ".join(provinces.locator("[data-chosen-item]").all_inner_texts())
    province = next(name for name in ("Battambang", "Kampot", "Kep") if name not in before)

    provinces.get_by_role("button", name="Add province or state").click()
    modal = page.locator(".modal-dialog")
    modal.wait_for(state="visible")
    page.wait_for_load_state("networkidle")  # the modal's search box is wired up once loaded
    assert modal.locator("select[name=kind]").input_value() == "province"  # opened on provinces
    modal.locator("input[name=q]").fill(province)
    # The search narrowed 389 provinces to one.
    expect(modal.locator("tbody tr")).to_have_count(1, timeout=15000)
    row = modal.locator("tbody tr", has_text=province)
    row.locator("input[type=checkbox]").check()
    modal.get_by_role("button", name="Confirm selection").click()
    modal.wait_for(state="hidden")
    assert province in provinces.locator("[data-chosen-item]").last.inner_text()

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    page.goto(edit_url)
    page.get_by_role("tab", name="Metadata").click()
    saved = page.locator("[data-portal-multiple-chooser][data-name=provinces] [data-chosen-item]")
    assert any(province in text for text in saved.all_inner_texts())

    # Removed and saved again: gone.
    saved.filter(has_text=province).get_by_role("button").click()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    page.goto(edit_url)
    page.get_by_role("tab", name="Metadata").click()
    assert province not in " ".join(saved.all_inner_texts())
    watched.assert_clean()


def _afesip_locations(watched):
    page = watched.page
    watched.goto("/admin/snippets/directory/organization/?q=AFESIP")
    page.locator("main table a[href*='/edit/']").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("tab", name="Locations").click()
    latitude = page.locator("#id_locations-0-latitude")
    assert latitude.count() == 1, "the demo's AFESIP has a location (its shelter)"
    canvas = page.locator("[data-portal-map-picker][data-prefix='locations-0'] [data-map-canvas]")
    canvas.scroll_into_view_if_needed()
    return page.url, latitude, page.locator("#id_locations-0-longitude"), canvas


def test_a_location_is_placed_by_clicking_the_map_and_checked_against_its_country(watched):
    sign_in(watched)
    page = watched.page
    edit_url, latitude, longitude, canvas = _afesip_locations(watched)
    latitude.fill("")
    longitude.fill("")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # Cambodia's centre
    point = (float(latitude.input_value()), float(longitude.input_value()))
    assert 10 < point[0] < 14.7 and 102.3 < point[1] < 107.7, point
    assert "Point set" in page.locator("[data-map-status]").first.inner_text()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages .success, [data-w-messages] .success").count() > 0

    edit_url, latitude, longitude, canvas = _afesip_locations(watched)
    assert (float(latitude.input_value()), float(longitude.input_value())) == point  # stored

    # Zoomed right out and clicked far to the west of Cambodia: refused on save, with a message.
    zoom_out = page.locator("[data-prefix='locations-0'] .leaflet-control-zoom-out")
    for _ in range(15):
        if "leaflet-disabled" in (zoom_out.get_attribute("class") or ""):
            break
        zoom_out.click()
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + 80, box["y"] + box["height"] / 2)
    outside = float(longitude.input_value())
    assert outside < 102.3
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    assert "could not be saved" in page.locator("main").inner_text()
    assert "is outside KH" in page.locator("#id_locations-0-latitude").locator(
        "xpath=ancestor::*[contains(@class, 'w-field__wrapper')][1]"
    ).text_content()

    edit_url, latitude, longitude, canvas = _afesip_locations(watched)
    assert (float(latitude.input_value()), float(longitude.input_value())) == point  # unchanged
    watched.assert_clean()
