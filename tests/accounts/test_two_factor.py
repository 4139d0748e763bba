"""Two-factor sign-in: enrolment at the first sign-in, the admin and the partner sign-in with and
without the second factor, recovery codes, wrong, replayed and disabled codes."""

import re

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment

from .conftest import (
    admin_password_sign_in,
    code_for,
    enrol_app,
    partner_password_sign_in,
    submit_code,
)

pytestmark = pytest.mark.django_db

PARTNER_PHONE = "023 000 202"  # tiered_org's partners-tier phone, as the page shows it


def test_admin_without_a_second_factor_is_refused_the_admin(client, admin_user, require_2fa):
    """With PORTAL_REQUIRE_2FA, a correct password alone opens nothing: every admin URL sends the
    user to set up a second factor first (this fails when the enforcement is switched off)."""
    response = admin_password_sign_in(client, admin_user)
    assert response.status_code == 302
    for path in ("/admin/", "/admin/pages/", "/admin/snippets/", "/directory/"):
        refused = client.get(path)
        assert refused.status_code == 302, path
        assert refused["Location"].startswith("/accounts/two-factor/enrol/?next="), path
    assert client.post("/admin/pages/add/").status_code == 302
    # On the enrolment page itself the password alone earns no tier: the header says so.
    enrol_page = client.get("/accounts/two-factor/enrol/").content.decode()
    assert "Signed in (public access)" in enrol_page and "restricted access" not in enrol_page


def test_enrolment_shows_a_qr_code_and_the_secret_then_recovery_codes_once(client, admin_user, require_2fa):
    admin_password_sign_in(client, admin_user)
    page = client.get("/accounts/two-factor/enrol/?next=/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)
    secret = re.search(r'data-testid="enrol-secret">([A-Z2-7 ]+)<', html).group(1)
    key = client.session[enrolment.SESSION_KEY]
    assert secret.replace(" ", "") == enrolment.secret_text(TOTPDevice(key=key)).replace(" ", "")
    assert "<script>" not in html  # no inline script: the page runs under the strict policy
    assert "publickey-credentials-get=(self)" in page.headers["Permissions-Policy"]
    assert not TOTPDevice.objects.filter(user=admin_user).exists()  # nothing saved before the code

    wrong = client.post("/accounts/two-factor/enrol/?next=/admin/", {"code": "000000" if code_for(key) != "000000" else "111111"})
    assert "That code does not match" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    done = client.post("/accounts/two-factor/enrol/?next=/admin/", {"code": code_for(key), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"].startswith("/accounts/two-factor/recovery-codes/")
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticDevice.objects.get(user=admin_user).token_set.values_list("token", flat=True))
    assert 'href="/admin/"' in codes_page
    again = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    assert not any(code in again for code in codes)  # shown once only
    assert client.get("/admin/").status_code == 200


def test_admin_signs_in_with_password_and_app_code(client, admin_user, require_2fa):
    device, _codes = enrol_app(admin_user)
    admin_password_sign_in(client, admin_user)
    asked = client.get("/admin/")
    assert asked["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    form = client.get(asked["Location"]).content.decode()
    assert "6-digit code" in form
    response = submit_code(client, code_for(device), next_url="/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_device_is_asked_for_even_when_enforcement_is_off(client, admin_user, settings):
    settings.PORTAL_REQUIRE_2FA = False
    device, _codes = enrol_app(admin_user)
    admin_password_sign_in(client, admin_user)
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")
    submit_code(client, code_for(device))
    assert client.get("/admin/").status_code == 200


def test_partner_sees_partner_details_only_after_the_second_factor(client, partner, tiered_org, require_2fa):
    device, _codes = enrol_app(partner)
    page = f"/directory/{tiered_org.slug}/"
    response = partner_password_sign_in(client, next_url=page)
    assert response.status_code == 302 and response["Location"] == page
    held = client.get(page)
    assert held.status_code == 302 and held["Location"].startswith("/accounts/two-factor/")
    assert PARTNER_PHONE not in held.content.decode()
    assert submit_code(client, code_for(device), next_url=page)["Location"] == page
    assert PARTNER_PHONE in client.get(page).content.decode()


def test_partner_without_a_device_must_enrol_when_required(client, partner, tiered_org, require_2fa):
    page = f"/directory/{tiered_org.slug}/"
    partner_password_sign_in(client, next_url=page)
    response = client.get(page)
    assert response["Location"] == f"/accounts/two-factor/enrol/?next=%2Fdirectory%2F{tiered_org.slug}%2F"


def test_partner_without_a_device_signs_in_with_the_password_when_not_required(client, partner, tiered_org, settings):
    settings.PORTAL_REQUIRE_2FA = False
    page = f"/directory/{tiered_org.slug}/"
    partner_password_sign_in(client, next_url=page)
    assert PARTNER_PHONE in client.get(page).content.decode()


def test_a_recovery_code_works_once(client, partner, require_2fa, no_device_backoff):
    _device, codes = enrol_app(partner)
    partner_password_sign_in(client)
    assert submit_code(client, codes[0].upper()[:4] + "-" + codes[0][4:]).status_code == 302  # typed loosely
    client.post("/accounts/logout/")

    partner_password_sign_in(client)
    reused = submit_code(client, codes[0])
    assert reused.status_code == 200
    assert "not valid or has already been used" in reused.content.decode()
    assert client.get("/directory/").status_code == 302
    assert submit_code(client, codes[1]).status_code == 302
    assert client.get("/directory/").status_code == 200
    assert StaticDevice.objects.get(user=partner).token_set.count() == 8


def test_a_wrong_code_is_refused_with_a_message(client, admin_user, require_2fa):
    device, _codes = enrol_app(admin_user)
    admin_password_sign_in(client, admin_user)
    wrong = code_for(device, step_offset=10)  # a code from five minutes ahead
    response = submit_code(client, wrong)
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    garbage = submit_code(client, "<b>12</b>")
    assert "Enter the 6 digits from your app or a recovery code." in garbage.content.decode()
    assert "<b>12</b>" not in garbage.content.decode()


def test_a_replayed_app_code_is_refused(client, admin_user, require_2fa):
    device, _codes = enrol_app(admin_user)
    admin_password_sign_in(client, admin_user)
    code = code_for(device)
    assert submit_code(client, code).status_code == 302
    client.post("/admin/logout/")

    admin_password_sign_in(client, admin_user)
    replay = submit_code(client, code)
    assert replay.status_code == 200
    assert "already been used" in replay.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_disabled_device_is_refused_with_a_clear_message(client, admin_user, require_2fa):
    device = TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=False)
    admin_password_sign_in(client, admin_user)
    sent = client.get("/admin/")
    assert sent["Location"].startswith("/accounts/two-factor/")
    page = client.get(sent["Location"]).content.decode()
    assert "has been disabled" in page and "ask a portal administrator" in page.lower()
    assert submit_code(client, code_for(device)).status_code == 200
    # No way around it: enrolling a new device with the password alone is refused too.
    assert client.get("/accounts/two-factor/enrol/")["Location"].startswith("/accounts/two-factor/")
    passkey = client.post("/accounts/webauthn/registration/begin/")
    assert passkey.status_code == 403
    assert client.get("/admin/").status_code == 302


def test_a_disabled_app_with_recovery_codes_left_says_which_is_disabled(client, partner, require_2fa, no_device_backoff):
    device, codes = enrol_app(partner)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    partner_password_sign_in(client)
    refused = submit_code(client, code_for(device))
    assert "Your authenticator app has been disabled" in refused.content.decode()
    assert submit_code(client, codes[0]).status_code == 302


def test_disabling_a_device_ends_the_verified_session(client, admin_user, require_2fa):
    device, _codes = enrol_app(admin_user)
    admin_password_sign_in(client, admin_user)
    submit_code(client, code_for(device))
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")


def test_a_new_user_may_start_a_passkey_registration_at_enrolment(client, partner, require_2fa):
    partner_password_sign_in(client)
    begin = client.post("/accounts/webauthn/registration/begin/", HTTP_HOST="localhost")
    assert begin.status_code == 200
    options = begin.json()
    assert options["rp"]["id"] == "localhost" and options["user"]["name"] == "partner"


def test_signed_out_visitors_and_other_users_are_unaffected(client, require_2fa, tiered_org):
    assert client.get(f"/directory/{tiered_org.slug}/").status_code == 200
    assert client.get("/accounts/two-factor/")["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/security/")["Location"].startswith("/accounts/login/")


def test_the_second_factor_page_keeps_next_on_this_site_only(client, admin_user, require_2fa):
    device, _codes = enrol_app(admin_user)
    admin_password_sign_in(client, admin_user)
    response = submit_code(client, code_for(device), next_url="https://evil.example.org/")
    assert response["Location"] == "/directory/"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_the_sign_in_steps_speak_khmer(client, partner, require_2fa):
    client.cookies["django_language"] = "km"
    partner_password_sign_in(client)
    html = client.get("/accounts/two-factor/enrol/").content.decode()
    assert "រៀបចំការចូលប្រើពីរជំហាន" in html  # "Set up two-step sign-in"
    assert "កូដ QR សម្រាប់កម្មវិធីផ្ទៀងផ្ទាត់របស់អ្នក" in html  # the QR code's alt text


def test_the_security_page_lists_devices_and_makes_new_recovery_codes(client, partner, require_2fa):
    device, old_codes = enrol_app(partner)
    partner_password_sign_in(client)
    submit_code(client, code_for(device))
    page = client.get("/accounts/security/").content.decode()
    assert "Authenticator app" in page and "added" in page and "10 recovery codes left" in page
    made = client.post("/accounts/security/recovery-codes/")
    assert made["Location"] == "/accounts/two-factor/recovery-codes/"
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.get(made["Location"]).content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    tokens = set(StaticDevice.objects.get(user=partner).token_set.values_list("token", flat=True))
    assert tokens == set(new_codes)  # the old codes no longer work


def test_new_recovery_codes_need_the_second_step_first(client, partner, require_2fa):
    _device, codes = enrol_app(partner)
    partner_password_sign_in(client)
    refused = client.post("/accounts/security/recovery-codes/")
    assert refused["Location"].startswith("/accounts/two-factor/")
    assert set(StaticDevice.objects.get(user=partner).token_set.values_list("token", flat=True)) == set(codes)
