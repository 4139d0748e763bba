"""Enrolment at the first sign-in, in Chromium, with PORTAL_REQUIRE_2FA on and DEBUG off (the
production policies): password, then the enrolment page with its QR code and the secret as text,
a code computed here from that secret as a phone app would, the recovery codes once, the admin."""

import base64
import time

import pytest
from django_otp.oath import TOTP

from . import conftest as browser_conftest
from .conftest import run_portal_server, screenshot
from .test_csp_browser import REPORT_VIOLATIONS, Watched

pytestmark = pytest.mark.browser

ADMIN = {"username": "twofa-admin", "password": "twofa-admin-pw-123", "email": "twofa-admin@example.org"}


@pytest.fixture(scope="module")
def twofa_server():
    # Passkeys need a host name (not an IP address) and an origin the server knows beforehand:
    # the port is chosen here so that http://localhost:<port> can be allowed.
    port = browser_conftest._free_port()
    chosen, browser_conftest._free_port = browser_conftest._free_port, lambda: port
    try:
        server = run_portal_server(
            extra_env={
                "DEBUG": "0",
                "PORTAL_REQUIRE_2FA": "1",
                "WEBAUTHN_ORIGINS": f"http://localhost:{port}",
                "DJANGO_SUPERUSER_USERNAME": ADMIN["username"],
                "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
                "DJANGO_SUPERUSER_EMAIL": ADMIN["email"],
            },
            runserver_args=("--insecure",),  # static files with DEBUG off
        )
        base = next(server)
    finally:
        browser_conftest._free_port = chosen
    yield base
    next(server, None)  # stops the server


def watched_page(browser, base, **context_args):
    context = browser.new_context(**context_args)
    page = context.new_page()
    watch = Watched(page, base)
    context.expose_function("__cspViolation", lambda violation: watch.violations.append(violation))
    context.add_init_script(REPORT_VIOLATIONS)
    return context, watch


def password_sign_in(watch):
    watch.goto("/admin/")
    assert "/admin/login/" in watch.page.url
    watch.page.fill("#id_username", ADMIN["username"])
    watch.page.fill("#id_password", ADMIN["password"])
    watch.page.click("button[type=submit]")
    watch.page.wait_for_load_state("networkidle")


def app_code(secret_text):
    """What an authenticator app shows now for the secret as the page prints it."""
    key = base64.b32decode(secret_text.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def assert_enrolment_page(page):
    assert "/accounts/two-factor/enrol/" in page.url
    qr = page.locator("[data-testid=enrol-qr]")
    assert qr.is_visible()
    assert page.evaluate("() => document.querySelector('[data-testid=enrol-qr]').naturalWidth") > 0
    assert qr.get_attribute("alt")
    secret = page.locator("[data-testid=enrol-secret]").inner_text().strip()
    assert len(secret.replace(" ", "")) == 32
    return secret


def test_enrolment_page_on_a_phone(browser, twofa_server):
    context, watch = watched_page(
        browser, twofa_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        password_sign_in(watch)
        assert_enrolment_page(watch.page)
        # Nothing wider than the screen: the secret wraps, the QR code fits.
        assert watch.page.evaluate("() => document.documentElement.scrollWidth") <= 390
        screenshot(watch.page, "two-factor-enrol-phone")
        watch.assert_clean()
    finally:
        context.close()


def test_first_sign_in_enrols_an_app_then_shows_recovery_codes_then_the_admin(browser, twofa_server):
    context, watch = watched_page(browser, twofa_server, viewport={"width": 1280, "height": 900})
    page = watch.page
    try:
        password_sign_in(watch)
        secret = assert_enrolment_page(page)
        screenshot(page, "two-factor-enrol-desktop")
        watch.assert_clean()

        # A wrong code first: a clear message, still on the enrolment page.
        wrong = "000000" if app_code(secret) != "000000" else "111111"
        page.fill("input[name=code]", wrong)
        page.click("[data-testid=enrol-confirm]")
        assert "That code does not match" in page.locator("[data-testid=enrol-error]").inner_text()

        page.fill("input[name=code]", app_code(secret))
        page.click("[data-testid=enrol-confirm]")
        page.wait_for_load_state("networkidle")
        assert "/accounts/two-factor/recovery-codes/" in page.url
        codes = page.locator("[data-testid=recovery-codes] li")
        assert codes.count() == 10
        screenshot(page, "two-factor-recovery-codes")

        page.click("[data-testid=recovery-continue]")
        page.wait_for_load_state("networkidle")
        assert page.url == twofa_server + "/admin/"
        assert page.locator("main").is_visible()
        assert "Dashboard" in page.title()
        watch.assert_clean()
    finally:
        context.close()


def test_a_partner_enrols_a_passkey_and_signs_in_with_it(browser, twofa_server):
    """With Chromium's virtual authenticator (a platform passkey that always says yes)."""
    base = twofa_server.replace("127.0.0.1", "localhost")
    context, watch = watched_page(browser, base, viewport={"width": 1280, "height": 900})
    page = watch.page
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }})

    def partner_password():
        watch.goto("/accounts/login/?next=/directory/")
        page.fill("#id_username", "browser-partner")
        page.fill("#id_password", "browser-partner-pw")
        page.click("[data-testid=sign-in]")
        page.wait_for_load_state("networkidle")

    try:
        partner_password()
        assert "/accounts/two-factor/enrol/" in page.url
        page.click("#passkey-register-button")
        page.wait_for_url("**/accounts/two-factor/recovery-codes/**")
        assert page.locator("[data-testid=recovery-codes] li").count() == 10
        page.click("[data-testid=recovery-continue]")
        page.wait_for_load_state("networkidle")
        assert page.url == base + "/directory/"
        assert "partners access" in page.locator(".account").inner_text()

        page.locator(".account button", has_text="Sign out").click()
        page.wait_for_load_state("networkidle")
        partner_password()
        assert "/accounts/two-factor/" in page.url
        screenshot(page, "two-factor-second-step")
        page.click("#passkey-verification-button")
        page.wait_for_url(base + "/directory/")
        assert "partners access" in page.locator(".account").inner_text()

        page.click("text=Sign-in security")
        page.wait_for_load_state("networkidle")
        assert "Passkey" in page.locator("main").inner_text()
        assert "10 recovery codes left" in page.locator("main").inner_text()
        screenshot(page, "two-factor-security-page")
        watch.assert_clean()
    finally:
        context.close()
