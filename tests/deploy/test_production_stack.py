"""The portal under production settings, behind Caddy, in Chromium (run by scripts/ci-production).

The server is what the image runs: gunicorn with portal.settings.production, set up by
scripts/release, behind docker/Caddyfile with TLS. Skipped unless PRODUCTION_URL is set.
"""

import json
import os
import re
import ssl
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import browser  # noqa: F401 (fixture)

BASE = os.environ.get("PRODUCTION_URL", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not BASE, reason="needs the production stack (scripts/ci-production)"),
]
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # Caddy's local authority (`tls internal`) is not trusted here


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url):
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=INSECURE), NoRedirect)
    try:
        with opener.open(url, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def test_healthz_through_the_proxy():
    status, headers, body = fetch(BASE + "/healthz")
    assert status == 200
    # The worker runs beside web (scripts/ci-production), so its heartbeat is fresh too.
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "search": "ok", "worker": "ok"},
    }
    # Caddy made the request id, and the portal kept it (it trusts the proxy).
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["X-Request-ID"])
    assert "no-cache" in headers["Cache-Control"]


def test_plain_http_is_sent_to_https():
    http = os.environ.get("PRODUCTION_HTTP_URL")
    status, headers, _ = fetch(http + "/directory/")
    assert status in (301, 302, 308)
    assert headers["Location"].startswith("https://")


def test_home_page_with_static_files_from_the_proxy(page):
    static = []
    page.on("response", lambda r: static.append(r) if "/static/" in r.url else None)
    response = page.goto(BASE + "/")
    assert response.status == 200
    assert page.locator("main, body").first.is_visible()
    css = [r for r in static if r.url.endswith(".css")]
    assert css and all(r.status == 200 for r in css)
    # Served by Caddy from disk (Django would add its request id), with a hashed name.
    assert all("x-request-id" not in r.headers for r in css)
    assert any(re.search(r"\.[0-9a-f]{12}\.css$", r.url) for r in css)
    # The stylesheet applies: the body font is the portal's, not the browser default.
    assert "Noto Sans Khmer" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # No demo data in production.
    assert "demonstration" not in page.content().lower()


def test_sign_in_over_https(page):
    password = os.environ.get("PRODUCTION_ADMIN_PASSWORD")
    page.goto(BASE + "/accounts/login/")
    assert page.locator("input[name=username]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.get_by_role("button", name="Sign out").is_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    assert cookies["csrftoken"]["secure"]


def test_directory_search_returns_the_organization(page):
    page.goto(BASE + "/directory/?q=smoke+shelter")
    assert page.get_by_text("Production Smoke Shelter Network").first.is_visible()


def test_documents_are_never_served_from_disk_by_the_proxy():
    media_root = os.environ.get("PRODUCTION_MEDIA_ROOT")
    if media_root:
        os.makedirs(os.path.join(media_root, "documents"), exist_ok=True)
        with open(os.path.join(media_root, "documents", "private.txt"), "w") as handle:
            handle.write("partners only")
    status, _, body = fetch(BASE + "/media/documents/private.txt")
    assert status == 404 and b"partners only" not in body
