"""Sign-in costs (prints numbers; never asserts).

    .venv/bin/python bench/signin.py [--attempts 40]

On a throwaway SQLite database with the production password hasher (PBKDF2):
- a wrong password for an existing account and for an unknown user name (the answers must not
  tell them apart by time either: Django hashes the password for unknown names too);
- a refused (throttled) attempt, which checks no password at all;
- the database queries the accounts middleware adds per request for a signed-in user.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(client, attempts, data, **extra):
    times = []
    for _ in range(attempts):
        start = time.perf_counter()
        client.post("/accounts/login/", data, **extra)
        times.append((time.perf_counter() - start) * 1000)
    return times


def show(label, times):
    print(f"{label:<44} median {statistics.median(times):7.1f} ms   p90 "
          f"{sorted(times)[int(len(times) * 0.9) - 1]:7.1f} ms   n={len(times)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=40)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["PORTAL_SIGNIN_MAX_FAILURES"] = "1000000"
    os.environ["PORTAL_SIGNIN_MAX_FAILURES_PER_ADDRESS"] = "1000000"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("migrate", verbosity=0)
    User.objects.create_user("known", password="the-right-password-1")
    client = Client()
    client.post("/accounts/login/", {"username": "warm-up", "password": "x"})

    print(f"password hasher: {django.conf.settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}")
    for round_ in range(2):  # interleaved rounds, so drift affects both alike
        show(f"wrong password, existing account (round {round_ + 1})",
             timed(client, args.attempts, {"username": "known", "password": "wrong"}))
        show(f"wrong password, unknown user name (round {round_ + 1})",
             timed(client, args.attempts, {"username": "nobody", "password": "wrong"}))
    with override_settings(PORTAL_SIGNIN_MAX_FAILURES=1):
        show("refused: too many attempts (no hashing)",
             timed(client, args.attempts, {"username": "known", "password": "wrong"}))

    user = User.objects.create_user("reader", password="reader-password-1")
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.get("/healthz")
    with CaptureQueriesContext(connection) as plain:
        signed_in.get("/healthz")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = signed_in.session
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    with CaptureQueriesContext(connection) as verified:
        signed_in.get("/healthz")
    anonymous = Client()
    with CaptureQueriesContext(connection) as anon:
        anonymous.get("/healthz")
    print(f"queries for /healthz (its own check included): anonymous {len(anon)}, "
          f"signed in without a device {len(plain)}, "
          f"signed in and verified {len(verified)}")


if __name__ == "__main__":
    main()
