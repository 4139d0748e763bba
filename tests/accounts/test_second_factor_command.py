"""The administrator's command for a lost phone: disable (sign-in blocked) or reset (enrol again)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import code_for, enrol_app, partner_password_sign_in, submit_code

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("second_factor", *args, stdout=out)
    return out.getvalue()


def test_disable_blocks_sign_in_and_ends_open_sessions(client, partner, require_2fa):
    device, _codes = enrol_app(partner)
    partner_password_sign_in(client)
    submit_code(client, code_for(device))
    assert client.get("/directory/").status_code == 200

    out = run("partner", "--disable")
    assert "disabled now" in out and "signed out on all devices" in out
    assert client.get("/directory/")["Location"].startswith("/accounts/login/")
    partner_password_sign_in(client)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "has been disabled" in page


def test_reset_lets_the_user_enrol_again(client, partner, require_2fa):
    enrol_app(partner)
    out = run("partner", "--reset")
    assert "deleted" in out
    assert not TOTPDevice.objects.filter(user=partner).exists()
    partner_password_sign_in(client)
    assert client.get("/directory/")["Location"].startswith("/accounts/two-factor/enrol/")


def test_listing_and_unknown_accounts(partner):
    enrol_app(partner)
    assert "TOTP device: Authenticator app (enabled)" in run("partner")
    with pytest.raises(CommandError, match="No account named 'nobody'"):
        run("nobody")
