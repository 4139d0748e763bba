"""Partners sign in on the public site and then see partner-tier details."""

import pytest


@pytest.mark.django_db
def test_partner_signs_in_and_sees_partner_phone(client, partner_user, tiered_org):
    page = f"/directory/{tiered_org.slug}/"
    assert "+85523000202" not in client.get(page).content.decode().replace(" ", "")

    form = client.get(f"/accounts/login/?next={page}")
    assert form.status_code == 200
    assert 'name="password"' in form.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "partner", "password": "partner-pass-123", "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page

    html = client.get(page).content.decode()
    assert "023 000 202" in html  # the partners-tier phone, national format
    assert "023 000 303" not in html  # restricted stays hidden


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client, partner_user):
    response = client.post("/accounts/login/", {"username": "partner", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_needs_post_and_ends_the_session(client, partner_user):
    client.force_login(partner_user)
    assert "Sign out" in client.get("/directory/").content.decode()
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    assert "Partner sign-in" in client.get("/directory/").content.decode()
