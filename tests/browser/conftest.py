"""Browser tests drive Debian's Chromium through Playwright against a real server process.

The server runs `manage.py runserver` on a free loopback port with its own SQLite file,
migrated and filled with the reference and demo data, exactly as `make run` does.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def portal_server():
    yield from run_portal_server()


def run_portal_server(extra_env=None, runserver_args=()):
    """Start a portal on a fresh database; yields its base URL, stops it afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="portal-browser-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'browser.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "MAP_TILE_URL": "",  # no basemap tiles: the browser tests use no network
        **(extra_env or {}),
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_reference_data", "--no-communes")
    _manage(env, "load_demo_data")
    _manage(env, "load_library_demo")
    _manage(env, "shell", "-c", (
        "from django.contrib.auth.models import User, Group;"
        "g,_=Group.objects.get_or_create(name='Partners');"
        "u=User.objects.create_user('browser-partner','p@example.org','browser-partner-pw');"
        "u.groups.add(g)"
    ))
    if env.get("DJANGO_SUPERUSER_USERNAME"):  # with DJANGO_SUPERUSER_PASSWORD and _EMAIL
        _manage(env, "createsuperuser", "--noinput")
    port = _free_port()
    log = open(workdir / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", *runserver_args, f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/directory/", timeout=5)
            break
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError((workdir / "server.log").read_text()[-3000:])
            time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-chromium (make test does).")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    yield pg
    context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
