"""Signed-in sessions end after the idle time, and "sign out of all devices" ends every session
of the user (database sessions here: the settings' backend)."""

import time

import pytest
from django.test import Client

from accounts import sessions
from accounts.models import SessionGeneration

from .conftest import PARTNER_PASSWORD, admin_password_sign_in, partner_password_sign_in

pytestmark = pytest.mark.django_db


def idle_for(client, minutes):
    session = client.session
    session[sessions.LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_a_partner_session_ends_after_the_idle_time(client, partner, tiered_org, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    page = f"/directory/{tiered_org.slug}/"
    partner_password_sign_in(client)
    idle_for(client, 29)
    assert "023 000 202" in client.get(page).content.decode()  # still signed in (and touched)
    idle_for(client, 31)
    ended = client.get(page)
    assert ended.status_code == 302
    assert ended["Location"] == f"/accounts/login/?next=%2Fdirectory%2F{tiered_org.slug}%2F"
    assert "_auth_user_id" not in client.session
    sign_in = client.get(ended["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity. Sign in again." in sign_in
    assert "023 000 202" not in client.get(page).content.decode()


def test_each_request_keeps_the_session_alive(client, partner, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    partner_password_sign_in(client)
    idle_for(client, 20)
    client.get("/directory/")
    assert time.time() - client.session[sessions.LAST_SEEN_KEY] < 60
    idle_for(client, 20)
    client.get("/directory/")
    assert "_auth_user_id" in client.session  # 40 minutes in all, never 30 idle


def test_an_admin_session_ends_after_the_idle_time(client, admin_user, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 15
    admin_password_sign_in(client, admin_user)
    assert client.get("/admin/").status_code == 200
    idle_for(client, 16)
    ended = client.get("/admin/pages/")
    assert ended["Location"] == "/admin/login/?next=%2Fadmin%2Fpages%2F"
    assert "signed out after 15 minutes without activity" in client.get(ended["Location"]).content.decode()


def test_no_idle_limit_when_set_to_zero(client, partner, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 0
    partner_password_sign_in(client)
    idle_for(client, 60 * 24)
    client.get("/directory/")
    assert "_auth_user_id" in client.session


def test_sign_out_of_all_devices_ends_every_session(partner, tiered_org):
    page = f"/directory/{tiered_org.slug}/"
    laptop, phone, other_users_phone = Client(), Client(), Client()
    partner_password_sign_in(laptop)
    partner_password_sign_in(phone)
    from django.contrib.auth.models import User

    User.objects.create_user("colleague", password="colleague-pass-1")
    partner_password_sign_in(other_users_phone, username="colleague", password="colleague-pass-1")
    assert "023 000 202" in phone.get(page).content.decode()

    security = laptop.get("/accounts/security/").content.decode()
    assert "Sign out of all devices" in security
    response = laptop.post("/accounts/security/sign-out-everywhere/")
    assert response["Location"] == "/accounts/login/"
    assert "You are signed out on all devices." in laptop.get("/accounts/login/").content.decode()
    assert "_auth_user_id" not in laptop.session

    ended = phone.get(page)
    assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/?next=")
    assert "You were signed out on all devices. Sign in again." in phone.get(ended["Location"]).content.decode()
    assert "023 000 202" not in phone.get(page).content.decode()
    assert other_users_phone.get("/directory/").status_code == 200
    assert "_auth_user_id" in other_users_phone.session

    # Signing in again works on any device, and only later sign-outs end it.
    partner_password_sign_in(phone, password=PARTNER_PASSWORD)
    assert "023 000 202" in phone.get(page).content.decode()
    assert SessionGeneration.objects.get(user=partner).generation == 1


def test_sign_out_everywhere_needs_a_post(client, partner):
    partner_password_sign_in(client)
    assert client.get("/accounts/security/sign-out-everywhere/").status_code == 405
    assert "_auth_user_id" in client.session
