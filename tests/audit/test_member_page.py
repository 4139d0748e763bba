"""An organization's members see who viewed its restricted details, and nothing of others."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from directory.models import OrganizationMember

URL = "/accounts/access-log/"


@pytest.fixture
def member(db):
    return User.objects.create_user("member", "member@example.org", "member-pass-123")


def test_member_sees_views_of_their_organization_only(client, tiered_org, make_org, partner_user, member):
    other = make_org("Other Network", email="other@example.org", email_visibility="partners")
    OrganizationMember.objects.create(organization=tiered_org, user=member)
    client.force_login(partner_user)
    for org in (tiered_org, other):
        assert client.get(reverse("directory:organization", kwargs={"slug": org.slug})).status_code == 200
    client.logout()

    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="entries"' in html
    assert "partner" in html and tiered_org.name in html
    assert "Other Network" not in html
    assert "1 view recorded." in html


def test_non_member_sees_no_log(client, tiered_org, partner_user):
    client.force_login(partner_user)
    client.get(reverse("directory:organization", kwargs={"slug": tiered_org.slug}))
    response = client.get(URL)
    assert response.status_code == 200
    assert 'data-testid="not-a-member"' in response.content.decode()
    assert 'data-testid="entries"' not in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
