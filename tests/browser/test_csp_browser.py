"""Every page works under its Content-Security-Policy, in a real browser.

The server runs with DEBUG off (production error pages carry the policy too). The browser reports
each violation (`securitypolicyviolation` events and Chromium's console errors); any violation
fails the test. The features that need scripts are used, not only loaded: directory filters,
search autocomplete by keyboard, the map's markers and a card. The admin, signed in as a
superuser, runs under its own policy and asks no other host for anything.
"""

import pytest

from .conftest import run_portal_server
from .test_map_browser import open_a_marker, wait_for_markers

pytestmark = pytest.mark.browser

ADMIN = {"username": "csp-admin", "password": "csp-admin-pw-123", "email": "csp-admin@example.org"}

# Runs before any script of the page, on every document (including frames and after navigation).
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolation({
    directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample,
    where: e.sourceFile + ':' + e.lineNumber, page: location.href,
  });
}, true);
"""


@pytest.fixture(scope="module")
def csp_server():
    yield from run_portal_server(
        extra_env={
            "DEBUG": "0",
            "DJANGO_SUPERUSER_USERNAME": ADMIN["username"],
            "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
            "DJANGO_SUPERUSER_EMAIL": ADMIN["email"],
        },
        runserver_args=("--insecure",),  # static files with DEBUG off
    )


class Watched:
    """A page whose CSP violations, page errors and requests are recorded."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.violations, self.errors, self.requests = [], [], []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append({"console": message.text, "page": self.page.url})

    def goto(self, path):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def settle(self):
        """Let reports of what has happened so far arrive (the browser queues them as tasks)."""
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 0))")

    def assert_clean(self):
        self.settle()
        assert not self.violations, "CSP violations:\n" + "\n".join(map(str, self.violations))
        assert not self.errors, "script errors:\n" + "\n".join(self.errors)


@pytest.fixture
def watched(browser, csp_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watched(page, csp_server)
    context.expose_function("__cspViolation", lambda violation: watch.violations.append(violation))
    context.add_init_script(REPORT_VIOLATIONS)
    yield watch
    context.close()


def script_policy(response):
    header = response.headers.get("content-security-policy", "")
    assert header, f"{response.url} has no Content-Security-Policy"
    directives = dict(part.strip().split(" ", 1) for part in header.split(";"))
    return directives["script-src"].split()


def test_public_pages_show_without_any_violation(watched):
    paths = ["/", "/directory/", "/search/?q=shelter", "/library/", "/map/coverage/", "/accounts/login/"]
    for path in paths:
        response = watched.goto(path)
        assert response.status == 200, path
        assert script_policy(response) == ["'self'"], path

    # An organization, a library item, a province and its referral pack, followed by their links.
    watched.goto("/directory/")
    watched.page.get_by_test_id("result").first.locator("a").first.click()
    watched.page.wait_for_load_state("networkidle")
    assert "/directory/" in watched.page.url and watched.page.locator("h1").inner_text()
    watched.goto("/library/")
    watched.page.get_by_test_id("hit-link").first.click()
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.get_by_test_id("doc-type").inner_text()
    response = watched.goto("/map/coverage/battambang/")
    assert response.status == 200
    response = watched.goto("/map/coverage/battambang/pack/")
    assert response.status == 200 and script_policy(response) == ["'self'"]

    # The 404 page (DEBUG off: the portal's own page) carries the policy too.
    response = watched.goto("/no-such-page/")
    assert response.status == 404
    assert script_policy(response) == ["'self'"]
    assert watched.page.get_by_test_id("not-found").is_visible()
    watched.assert_clean()


def test_directory_filters_submit_under_the_policy(watched):
    watched.goto("/directory/")
    total = watched.page.get_by_test_id("result").count()
    watched.page.locator('input[name="province"][value="battambang"]').check()
    watched.page.locator('input[name="type"][value="SHELTER"]').check()
    watched.page.get_by_test_id("apply-filters").first.click()
    watched.page.wait_for_load_state("networkidle")
    assert "province=battambang" in watched.page.url and "type=SHELTER" in watched.page.url
    assert 0 < watched.page.get_by_test_id("result").count() < total
    watched.assert_clean()


def test_search_autocomplete_works_by_keyboard_under_the_policy(watched):
    watched.goto("/search/")
    box = watched.page.get_by_test_id("search-input")
    box.press_sequentially("Battam", delay=30)
    suggestions = watched.page.get_by_test_id("suggestions")
    suggestions.locator("a").first.wait_for(state="visible", timeout=5000)
    assert any("Battambang" in text for text in suggestions.locator("a").all_inner_texts())
    box.press("ArrowDown")
    assert watched.page.evaluate("document.activeElement.getAttribute('role')") == "option"
    watched.page.keyboard.press("Enter")
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.locator("h1").inner_text()
    watched.assert_clean()


def test_map_draws_markers_and_opens_a_card_under_the_policy(watched):
    response = watched.goto("/map/")
    assert script_policy(response) == ["'self'"]
    assert wait_for_markers(watched.page) > 0
    assert watched.page.locator(".leaflet-marker-icon").count() > 0
    card = open_a_marker(watched.page)
    assert card.locator("a").first.inner_text()
    watched.assert_clean()


def test_an_injected_inline_script_is_refused(watched):
    """The policy is enforced, not only sent: a script element that got into a public page by any
    route does not run, and the browser reports it."""
    watched.goto("/directory/")
    ran = watched.page.evaluate("""() => {
        window.__injected = false;
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true;';
        document.body.append(script);
        return window.__injected;
    }""")
    assert ran is False
    watched.settle()
    assert any(v.get("directive") == "script-src-elem" for v in watched.violations)


def _sign_in(watched):
    watched.goto("/admin/login/")
    watched.page.fill("input[name=username]", ADMIN["username"])
    watched.page.fill("input[name=password]", ADMIN["password"])
    watched.page.locator("form button[type=submit]").click()
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.url.rstrip("/").endswith("/admin")


def _open_first(watched, listing, link_selector):
    watched.goto(listing)
    watched.page.locator(link_selector).first.click()
    watched.page.wait_for_load_state("networkidle")


def _show_tab_of(page, selector):
    panel = page.locator(f"[role=tabpanel]:has({selector})").get_attribute("id")
    page.locator(f"[role=tab][aria-controls='{panel}']").click()


def _open_chooser(watched, field):
    page = watched.page
    _show_tab_of(page, f"#id_{field}-chooser")
    chooser = page.locator(f"#id_{field}-chooser")
    if "blank" in chooser.get_attribute("class"):
        chooser.locator(".unchosen button[data-chooser-action-choose]").click()
    else:  # already chosen: "Choose another" is in the actions menu
        chooser.locator(".w-dropdown__toggle").click()
        chooser.locator(".w-dropdown__content button[data-chooser-action-choose]").click()
    modal = page.locator(".modal-dialog")
    modal.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    heading = modal.locator("h1, h2").first.inner_text()
    modal.locator("button[data-dismiss='modal']").click()
    modal.wait_for(state="hidden")
    return heading


def test_admin_works_under_its_policy_and_asks_no_other_host(watched):
    _sign_in(watched)
    response = watched.goto("/admin/")
    assert script_policy(response) == ["'self'"]  # Wagtail's widgets start from JSON (portal/admin_scripts.py)
    assert watched.page.locator("main").inner_text()

    # Directory snippets: listings and edit views. Wagtail's inline scripts run: "Add phone" adds a form.
    _open_first(watched, "/admin/snippets/directory/organization/", "main table a[href*='/edit/']")
    phones = watched.page.locator("#id_phones-TOTAL_FORMS")
    before = int(phones.input_value())
    watched.page.get_by_role("tab", name="Phones and contacts").click()
    watched.page.locator("#id_phones-ADD").click()
    assert int(phones.input_value()) == before + 1
    _open_first(watched, "/admin/snippets/directory/service/", "main table a[href*='/edit/']")
    assert "/edit/" in watched.page.url and watched.page.locator("#id_name").input_value()

    # The page explorer and a library item's editor, with its choosers and live preview.
    watched.goto("/admin/pages/")
    explore = "a[href^='/admin/pages/'][href$='/']:not([href$='/edit/'])"
    # The English home page: the explorer lists the newest edits first, and the demo's Khmer,
    # Thai, Vietnamese and Lao home pages are newer.
    watched.page.locator("main table tbody tr", has_text="Mekong Protection Portal").locator(explore).last.click()
    watched.page.wait_for_load_state("networkidle")
    watched.page.locator("main table tbody tr", has_text="Research library").locator(explore).last.click()
    watched.page.wait_for_load_state("networkidle")
    watched.page.locator("main table tbody a[href$='/edit/']").first.click()
    watched.page.wait_for_load_state("networkidle")
    assert "/admin/pages/" in watched.page.url and "/edit/" in watched.page.url
    assert "document" in _open_chooser(watched, "file").lower()
    assert "organization" in _open_chooser(watched, "issuer").lower()
    assert _open_chooser(watched, "superseded_by")
    _show_tab_of(watched.page, "#id_date")
    watched.page.locator("#id_date").click()  # the date picker, started from JSON like the choosers
    watched.page.locator(".xdsoft_datetimepicker:visible").first.wait_for()
    watched.page.keyboard.press("Escape")
    watched.page.locator("[data-side-panel-toggle='preview']").click()
    # The preview (a same-origin iframe the editor swaps in when loaded) shows the page's heading.
    watched.page.wait_for_function("""() => [...document.querySelectorAll('iframe.w-preview__iframe')]
        .some((frame) => frame.contentDocument && frame.contentDocument.querySelector('main h1'))""")
    # A form added by an inline panel starts its chooser too (admin-init.js watches the DOM).
    relations = int(watched.page.locator("#id_relations-TOTAL_FORMS").input_value())
    _show_tab_of(watched.page, "#id_relations-ADD")
    watched.page.locator("#id_relations-ADD").click()
    assert _open_chooser(watched, f"relations-{relations}-target")

    # Reports, the portal's own admin screens, images and documents.
    for path in ("/admin/reports/aging-pages/", "/admin/reports/not-on-the-map/", "/admin/directory/reviews/",
                 "/admin/directory/reviews/handover/", "/admin/library/import/", "/admin/images/",
                 "/admin/documents/", "/admin/account/"):
        response = watched.goto(path)
        assert response.status == 200, path

    watched.assert_clean()
    elsewhere = [url for url in watched.requests
                 if not url.startswith(watched.base + "/") and not url.startswith(("data:", "blob:"))]
    assert not elsewhere, f"the admin asked other hosts: {elsewhere}"
    assert len(watched.requests) > 50  # the check saw the admin's own requests
