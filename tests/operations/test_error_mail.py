"""Server errors reach an operator: e-mailed to ADMINS (from the environment) and logged."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


@override_settings(ROOT_URLCONF="tests.operations.urls_failing", ADMINS=[("Ops", "ops@example.org")])
def test_a_server_error_is_mailed_to_the_admins_once():
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.org"]
    assert "Internal Server Error: /fails/" in message.subject
    assert "the view failed on purpose" in message.body


@override_settings(ROOT_URLCONF="tests.operations.urls_failing", ADMINS=[])
def test_without_admins_nothing_is_sent():
    Client(raise_request_exception=False).get("/fails/")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Portal operators <ops@example.org>, dara@example.org", "[('Portal operators', 'ops@example.org'), ('', 'dara@example.org')]"),
     ("", "[]")],
)
def test_admins_come_from_the_environment(value, expected):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "ADMINS": value}
    code = "from django.conf import settings; print(settings.ADMINS)"
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected
