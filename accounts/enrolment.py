"""Setting up a second factor: the authenticator-app secret and its QR code, checking the first
code, and recovery codes.

The secret waits in the session until the user proves their app has it, so an abandoned
enrolment leaves no half-made device behind (an unconfirmed device means "disabled" here)."""

import base64
import time
from base64 import b32encode
from binascii import unhexlify
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

SESSION_KEY = "accounts_enrol_key"
NEW_CODES_KEY = "accounts_new_recovery_codes"
RECOVERY_CODES = 10
DEVICE_NAME = "Authenticator app"


def pending_device(request):
    """An unsaved TOTPDevice for the secret kept in this session (made on first call)."""
    key = request.session.get(SESSION_KEY)
    if not key:
        key = request.session[SESSION_KEY] = default_key()
    return TOTPDevice(user=request.user, key=key, name=DEVICE_NAME, confirmed=True)


def secret_text(device):
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(unhexlify(device.key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(text):
    """A QR code of `text` as an SVG data: URI for an <img> (no inline markup or script)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def confirm(request, code):
    """Save the pending device when `code` is what its app shows now; returns it, or None."""
    device = pending_device(request)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        return None
    device.last_t = totp.t()  # this code may not be used again to sign in
    with transaction.atomic():
        device.save()
        if not StaticDevice.objects.filter(user=request.user).exists():
            request.session[NEW_CODES_KEY] = new_recovery_codes(request.user)
    request.session.pop(SESSION_KEY, None)
    return device


def new_recovery_codes(user):
    """Replace the user's recovery codes with fresh ones; returns them (shown once, stored as is
    by django-otp, each deleted when used)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
