"""Production set-up (what the container runs at start) loads no demo data unless asked."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from directory.models import Organization
from portal.management.commands import setup_portal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(setup_portal, "load_demo", lambda stdout=None: calls.append("directory"))
    monkeypatch.setattr(setup_portal, "call_command", lambda *args, **kwargs: calls.append(args[0]))
    return calls


def run(*args):
    out = io.StringIO()
    call_command("setup_portal", *args, stdout=out)
    return out.getvalue()


@override_settings(SETUP_LOADS_DEMO=False)
def test_production_default_is_no_demo_and_no_partner_account(demo_calls):
    output = run()
    assert "directory" not in demo_calls and "load_library_demo" not in demo_calls
    assert "load_reference_data" in demo_calls and "search_rebuild" in demo_calls
    assert not Organization.objects.filter(is_demo=True).exists()
    assert not User.objects.filter(username="partner").exists()
    assert User.objects.get(username="admin").is_superuser
    assert "--demo loads it" in output


@override_settings(SETUP_LOADS_DEMO=False)
def test_production_loads_the_demo_only_when_asked(demo_calls):
    run("--demo")
    assert "directory" in demo_calls and "load_library_demo" in demo_calls
    assert User.objects.filter(username="partner").exists()
    with pytest.raises(CommandError, match="either"):
        run("--demo", "--no-demo")


def test_production_settings_turn_the_demo_off():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production", "SECRET_KEY": "x" * 20 + "abcdefghij" * 4,
           "ALLOWED_HOSTS": "localhost"}
    env.pop("SETUP_LOADS_DEMO", None)
    code = "from django.conf import settings; print(settings.SETUP_LOADS_DEMO)"
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], env=env,
                         cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
