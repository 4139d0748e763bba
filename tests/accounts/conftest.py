"""Accounts tests: real database, the configured cache (Redis when REDIS_URL is set), and
authenticator codes computed from the stored secret exactly as a phone app does."""

import time
from binascii import unhexlify

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment

ADMIN_PASSWORD = "admin-pass-123"
PARTNER_PASSWORD = "partner-pass-123"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Each test starts with no sign-in failures counted (the cache outlives a test)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def require_2fa(settings):
    settings.PORTAL_REQUIRE_2FA = True
    return settings


def code_for(device_or_key, step_offset=0):
    """The code an authenticator app shows now for this device (or hex key)."""
    key = device_or_key.key if hasattr(device_or_key, "key") else device_or_key
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + step_offset * 30
    return f"{totp.token():06d}"


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("chief", "chief@example.org", ADMIN_PASSWORD)


@pytest.fixture
def partner(db):
    group, _ = Group.objects.get_or_create(name="Partners")
    user = User.objects.create_user("partner", "partner@example.org", PARTNER_PASSWORD)
    user.groups.add(group)
    return user


def enrol_app(user):
    """The user has set up an authenticator app and has recovery codes; returns (device, codes)."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, enrolment.new_recovery_codes(user)


def admin_password_sign_in(client, user, password=ADMIN_PASSWORD, next_url="/admin/"):
    return client.post(
        f"/admin/login/?next={next_url}", {"username": user.username, "password": password, "next": next_url}
    )


def partner_password_sign_in(client, username="partner", password=PARTNER_PASSWORD, next_url="", **extra):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data, **extra)


def submit_code(client, code, next_url=""):
    data = {"code": code}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/two-factor/", data)


@pytest.fixture
def no_device_backoff(settings):
    """django-otp also slows each device after a wrong code (1 s, doubling); tests that follow a
    wrong code with a right one at once switch that back-off off (the portal keeps it)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return settings
