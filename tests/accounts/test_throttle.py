"""Failed sign-ins are throttled per account and per client address through the shared cache,
at the password and at the second step, with one message whether or not the account exists."""

import re

import pytest
from django.contrib.auth.models import User

from .conftest import (
    ADMIN_PASSWORD,
    PARTNER_PASSWORD,
    admin_password_sign_in,
    code_for,
    enrol_app,
    partner_password_sign_in,
    submit_code,
)

pytestmark = pytest.mark.django_db

LOCKED = "Too many attempts; try again in 15 minutes."


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PORTAL_SIGNIN_MAX_FAILURES = 5
    settings.PORTAL_SIGNIN_MAX_FAILURES_PER_ADDRESS = 8
    settings.PORTAL_SIGNIN_WINDOW_MINUTES = 15
    return settings


def page_text(response):
    """The page without what differs between any two renderings (the CSRF token, request id)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html


def signed_in(client):
    return "_auth_user_id" in client.session


def test_an_account_is_locked_after_five_wrong_passwords(client, partner):
    for _ in range(5):
        response = partner_password_sign_in(client, password="wrong")
        assert "did not match" in response.content.decode()
    refused = partner_password_sign_in(client)  # the right password, too late
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert not signed_in(client)
    # The lock is the account's: another address is refused too.
    elsewhere = partner_password_sign_in(client, REMOTE_ADDR="198.51.100.7")
    assert LOCKED in elsewhere.content.decode() and not signed_in(client)


def test_other_accounts_are_not_locked_by_one_accounts_failures(client, partner):
    User.objects.create_user("colleague", password="colleague-pass-1")
    for _ in range(5):
        partner_password_sign_in(client, password="wrong")
    partner_password_sign_in(client, username="colleague", password="colleague-pass-1")
    assert signed_in(client)


def test_one_address_is_locked_after_failures_on_many_accounts(client, partner):
    for n in range(8):
        partner_password_sign_in(client, username=f"guess{n}", password="wrong")
    refused = partner_password_sign_in(client)
    assert LOCKED in refused.content.decode() and not signed_in(client)
    partner_password_sign_in(client, REMOTE_ADDR="198.51.100.7")
    assert signed_in(client)


def test_behind_a_trusted_proxy_the_client_address_counts(client, partner, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(8):
        partner_password_sign_in(client, username=f"guess{n}", password="wrong",
                                 HTTP_X_FORWARDED_FOR="203.0.113.9", **via_proxy)
    locked = partner_password_sign_in(client, HTTP_X_FORWARDED_FOR="203.0.113.9", **via_proxy)
    assert LOCKED in locked.content.decode()
    # Another client behind the same proxy is not locked; a forged header does not unlock the first.
    forged = partner_password_sign_in(client, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9", **via_proxy)
    assert LOCKED in forged.content.decode()
    partner_password_sign_in(client, HTTP_X_FORWARDED_FOR="198.51.100.50", **via_proxy)
    assert signed_in(client)


def test_an_unknown_account_gets_the_same_answers_as_a_real_one(client, partner):
    known = [page_text(partner_password_sign_in(client, username="partner", password="wrong"))
             for _ in range(6)]
    unknown = [page_text(partner_password_sign_in(client, username="nobody-here", password="wrong",
                                                  REMOTE_ADDR="198.51.100.8")).replace("nobody-here", "partner")
               for _ in range(6)]
    assert known == unknown
    assert "did not match" in known[0] and LOCKED in known[5]


def test_the_admin_sign_in_is_throttled_the_same_way(client, admin_user):
    for _ in range(5):
        assert admin_password_sign_in(client, admin_user, password="wrong").status_code == 200
    refused = admin_password_sign_in(client, admin_user, password=ADMIN_PASSWORD)
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert not signed_in(client)


def test_wrong_second_factor_codes_count_too(client, partner, require_2fa, no_device_backoff):
    device, codes = enrol_app(partner)
    partner_password_sign_in(client)
    for _ in range(5):
        assert "not valid" in submit_code(client, code_for(device, step_offset=20)).content.decode()
    refused = submit_code(client, code_for(device))
    assert LOCKED in refused.content.decode()
    assert LOCKED in submit_code(client, codes[0]).content.decode()
    assert client.get("/directory/").status_code == 302
    # The recovery code was not spent by the refused attempt.
    assert partner.staticdevice_set.get().token_set.filter(token=codes[0]).exists()
    # A passkey attempt is refused as well, before any check of the passkey.
    passkey = client.post("/accounts/webauthn/authentication/complete/", "{}", content_type="application/json")
    assert passkey.status_code == 429 and passkey.json()["detail"] == LOCKED


def test_a_failed_passkey_counts_as_a_failed_sign_in(client, partner, require_2fa, limits):
    limits.PORTAL_SIGNIN_MAX_FAILURES = 2
    enrol_app(partner)
    partner_password_sign_in(client)
    for _ in range(2):
        client.post("/accounts/webauthn/authentication/begin/")
        bogus = client.post("/accounts/webauthn/authentication/complete/", "{}", content_type="application/json")
        assert bogus.status_code >= 400
    assert LOCKED in submit_code(client, "123456").content.decode()


def test_a_successful_sign_in_clears_the_accounts_count(client, partner, settings):
    settings.PORTAL_REQUIRE_2FA = False  # the password is the whole sign-in for this account
    for _ in range(4):
        partner_password_sign_in(client, password="wrong")
    partner_password_sign_in(client, password=PARTNER_PASSWORD)
    assert signed_in(client)
    client.post("/accounts/logout/")
    partner_password_sign_in(client, password="wrong")  # would be the fifth without the reset
    partner_password_sign_in(client, password=PARTNER_PASSWORD)
    assert signed_in(client)


def test_a_correct_password_alone_does_not_clear_the_count_when_a_code_is_owed(client, partner, require_2fa):
    enrol_app(partner)
    for _ in range(4):
        partner_password_sign_in(client, password="wrong")
    partner_password_sign_in(client)
    client.post("/accounts/logout/")
    partner_password_sign_in(client, password="wrong")
    assert LOCKED in partner_password_sign_in(client).content.decode()
