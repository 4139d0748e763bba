"""Who must pass a second factor, and where they stand.

One rule: an account that has any second-factor device (authenticator app, passkey, recovery
codes) is asked for it at every sign-in; with PORTAL_REQUIRE_2FA every account must have one, and
one without is sent to enrol first. Partners and everyone with admin access sign in through the
same rule. A device an administrator has disabled (``confirmed=False``) still counts as enrolled,
so its owner cannot replace it with a password alone.
"""

from django.conf import settings
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

VERIFIED = "verified"  # passed the second factor in this session
NOT_REQUIRED = "not-required"  # no device and enforcement off
ENROL = "enrol"  # no device yet, enforcement on
CODE = "code"  # has a usable device: ask for it
DISABLED = "disabled"  # every device is disabled: nothing to sign in with


def has_any_device(user):
    return any(True for _ in devices_for_user(user, confirmed=None))


def state(user):
    if not user.is_authenticated:
        return NOT_REQUIRED
    if getattr(user, "is_verified", lambda: False)():
        return VERIFIED
    devices = list(devices_for_user(user, confirmed=None))
    if not devices:
        return ENROL if settings.PORTAL_REQUIRE_2FA else NOT_REQUIRED
    return CODE if any(_usable(device) for device in devices) else DISABLED


def _usable(device):
    if isinstance(device, StaticDevice):  # recovery codes, until the last is used
        return device.confirmed and device.token_set.exists()
    return device.confirmed


def may_proceed(user):
    return state(user) in {VERIFIED, NOT_REQUIRED}


def totp_devices(user, confirmed=True):
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed)


def passkeys(user, confirmed=True):
    from django_otp_webauthn.utils import get_credential_model

    return get_credential_model().objects.devices_for_user(user, confirmed=confirmed)
