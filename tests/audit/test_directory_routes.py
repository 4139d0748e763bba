"""Organization page, vCards and HSDS JSON: one entry per view above public, none for the public."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import OrganizationContact
from tests.audit.conftest import entries


def organization_routes(org):
    return [
        ("organization_page", reverse("directory:organization", kwargs={"slug": org.slug})),
        ("organization_vcard", reverse("directory:organization_vcard", kwargs={"slug": org.slug})),
        ("hsds", reverse("directory:organization_hsds", kwargs={"slug": org.slug})),
        ("hsds", reverse("directory:hsds_organization", kwargs={"id": org.translation_key})),
    ]


@pytest.mark.django_db
def test_each_route_records_who_when_what_and_tier_for_partner_and_editor(client, tiered_org, viewers):
    for user, tier in viewers:
        client.force_login(user)
        for kind, url in organization_routes(tiered_org):
            before = timezone.now()
            response = client.get(url)
            assert response.status_code == 200, url
            [entry] = entries(user=user, path=url)
            assert (entry.username, entry.kind, entry.tier) == (user.username, kind, tier)
            assert entry.object_id == str(tiered_org.pk) and entry.label == tiered_org.name
            assert entry.organization_key == tiered_org.translation_key
            assert before <= entry.viewed_at <= timezone.now() + datetime.timedelta(seconds=1)
        client.logout()


@pytest.mark.django_db
def test_contact_vcard_above_public_is_recorded(client, tiered_org, partner_user):
    contact = OrganizationContact.objects.get(organization=tiered_org, visibility="partners")
    public = OrganizationContact.objects.get(organization=tiered_org, visibility="public")
    client.force_login(partner_user)
    for item in (contact, public):
        url = reverse(
            "directory:contact_vcard", kwargs={"slug": tiered_org.slug, "kind": "org", "pk": item.pk}
        )
        assert client.get(url).status_code == 200
    [entry] = entries(user=partner_user)
    assert (entry.kind, entry.object_id, entry.tier) == ("contact_vcard", f"org-{contact.pk}", "partners")


@pytest.mark.django_db
def test_hsds_list_with_nesting_records_each_organization_shown_above_public(
    client, tiered_org, partner_user
):
    client.force_login(partner_user)
    assert client.get(reverse("directory:hsds_organizations") + "?full=true").status_code == 200
    assert [(e.kind, e.object_id) for e in entries(user=partner_user)] == [("hsds", str(tiered_org.pk))]


@pytest.mark.django_db
def test_public_viewer_is_never_recorded(client, tiered_org):
    for _kind, url in organization_routes(tiered_org):
        assert client.get(url).status_code == 200
    assert client.get(reverse("directory:hsds_organizations") + "?full=true").status_code == 200
    assert entries() == []


@pytest.mark.django_db
def test_public_only_organization_is_not_recorded_even_for_partners(
    client, make_org, make_service, partner_user
):
    org = make_org("Plain Public Office", email="office@example.org", email_visibility="public")
    make_service(org, "Legal advice")
    client.force_login(partner_user)
    for _kind, url in organization_routes(org):
        assert client.get(url).status_code == 200
    assert entries() == []


@pytest.mark.django_db
def test_a_confidential_place_alone_is_data_above_public(client, make_org, partner_user):
    """A shelter whose row says public is still partners-tier (directory.visibility): seeing its
    address is logged, though nothing else of the organization is above public."""
    from directory.models import Location
    from tests.conftest import area

    org = make_org("Quiet Shelter")
    Location.objects.create(
        organization=org, name="Safe house", location_type="shelter", area=area("KH:12"),
        address="7 Hidden Lane", latitude=11.55, longitude=104.9, visibility="public",
    )  # fmt: skip
    client.force_login(partner_user)
    response = client.get(reverse("directory:organization", kwargs={"slug": org.slug}))
    assert b"7 Hidden Lane" in response.content
    [entry] = entries(user=partner_user)
    assert (entry.kind, entry.tier, entry.label) == ("organization_page", "partners", "Quiet Shelter")


@pytest.mark.django_db
def test_a_nameless_partners_contact_alone_is_data_above_public(client, make_org, partner_user):
    org = make_org("Desk Only")
    OrganizationContact.objects.create(organization=org, role="Case desk", email="desk@example.org")
    client.force_login(partner_user)
    assert client.get(reverse("directory:organization_hsds", kwargs={"slug": org.slug})).status_code == 200
    assert [(e.kind, e.tier) for e in entries(user=partner_user)] == [("hsds", "partners")]
