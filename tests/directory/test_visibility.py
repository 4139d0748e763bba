"""The central rule: what a viewer's tier may not see never reaches them, by any route.

Every response type (organization page, listing, organization vCard, contact vCard, HSDS JSON)
is checked for anonymous visitors, partners and editors against the `tiered_org` fixture.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Area, Location, OrganizationContact, OrganizationPhone, ServiceContact

# Each secret in every form it could be printed in: E.164, national, international, digits.
PARTNER_SECRETS = [
    "+85523000202", "023 000 202", "+855 23 000 202", "23000202",
    "partners-desk@example.org", "Partners desk",
    "SECRET-SHELTER-ADDRESS",
    "13.0951", "103.2022",
]
RESTRICTED_SECRETS = [
    "+85523000303", "023 000 303", "+855 23 000 303", "23000303",
    "restricted-desk@example.org", "Restricted desk",
    "+85512000404", "012 000 404", "+855 12 000 404", "12000404", "after hours",
]
PUBLIC_DATA = ["+85523000101", "public-desk@example.org", "PUBLIC-OFFICE-ADDRESS"]

SLUG = "tiered-shelter-network"
ROUTES = ["page", "listing", "vcard", "hsds"]


@pytest.fixture(params=["anonymous", "partner", "editor"])
def viewer(request, client):
    if request.param == "partner":
        request.getfixturevalue("partner_client")
    elif request.param == "editor":
        request.getfixturevalue("editor_client")
    return request.param, client


@pytest.fixture
def anon():
    """An anonymous client of its own (the `client` fixture is shared with partner_client)."""
    return Client()


def fetch(client, route, slug=SLUG):
    url = {
        "page": reverse("directory:organization", kwargs={"slug": slug}),
        "listing": reverse("directory:index") + "?province=battambang",
        "vcard": reverse("directory:organization_vcard", kwargs={"slug": slug}),
        "hsds": reverse("directory:organization_hsds", kwargs={"slug": slug}),
    }[route]
    response = client.get(url)
    assert response.status_code == 200, (route, response.status_code)
    return response.content.decode()


def contact_url(kind, pk, slug=SLUG):
    return reverse("directory:contact_vcard", kwargs={"slug": slug, "kind": kind, "pk": pk})


@pytest.mark.parametrize("route", ROUTES)
def test_tiers_on_every_route(viewer, tiered_org, route):
    tier, client = viewer
    body = fetch(client, route)
    assert "Tiered Shelter Network" in body
    hidden = {"anonymous": PARTNER_SECRETS + RESTRICTED_SECRETS, "partner": RESTRICTED_SECRETS, "editor": []}[tier]
    for secret in hidden:
        assert secret not in body, f"{tier} sees {secret!r} in {route}"
    if route == "listing":
        return  # the listing shows no phones, contacts or addresses to anyone
    shown = {
        "anonymous": ["+85523000101"],
        "partner": ["+85523000101", "+85523000202"],
        "editor": ["+85523000101", "+85523000202", "+85523000303"],
    }[tier]
    if route in ("page", "hsds"):
        shown += {"anonymous": [], "partner": ["partners-desk@example.org"], "editor": ["+85512000404"]}[tier]
    if tier != "anonymous":
        shown += ["SECRET-SHELTER-ADDRESS"]
    for value in shown:
        assert value in body, f"{tier} misses {value!r} in {route}"
    if route == "page":
        assert "PUBLIC-OFFICE-ADDRESS" in body
        assert ("Address shared with partners only" in body) == (tier == "anonymous")


@pytest.mark.parametrize("contact_tier", ["public", "partners", "restricted"])
def test_contact_vcard_follows_the_contact_tier(viewer, tiered_org, contact_tier):
    tier, client = viewer
    contact = OrganizationContact.objects.get(organization=tiered_org, visibility=contact_tier)
    allowed = {
        "anonymous": {"public"},
        "partner": {"public", "partners"},
        "editor": {"public", "partners", "restricted"},
    }[tier]
    response = client.get(contact_url("org", contact.pk))
    if contact_tier in allowed:
        assert response.status_code == 200
        body = response.content.decode()
        assert f"{contact_tier}-desk@example.org" in body
        others = [t for t in ("public", "partners", "restricted") if t != contact_tier]
        for other in others:
            assert f"{other}-desk@example.org" not in body
    else:
        assert response.status_code == 404
        assert b"desk@example.org" not in response.content


def test_service_contact_vcard_follows_its_tier(viewer, tiered_org):
    tier, client = viewer
    service = tiered_org.services.get()
    contact = ServiceContact.objects.create(
        service=service, role="Night duty", email="night@example.org", visibility="restricted"
    )
    response = client.get(contact_url("service", contact.pk))
    assert response.status_code == (200 if tier == "editor" else 404)
    assert (b"night@example.org" in response.content) == (tier == "editor")


def test_contact_links_only_for_visible_contacts(anon, partner_client, tiered_org):
    restricted = OrganizationContact.objects.get(organization=tiered_org, visibility="restricted")
    partners = OrganizationContact.objects.get(organization=tiered_org, visibility="partners")
    html = fetch(partner_client, "page")
    assert contact_url("org", partners.pk) in html
    assert contact_url("org", restricted.pk) not in html


def test_named_person_is_never_public(anon, partner_client, tiered_org):
    named = OrganizationContact.objects.create(
        organization=tiered_org, role="Case manager", name="Sokha Named-Person", visibility="partners"
    )
    # A public contact with a name is a data error the form prevents; the page still hides it.
    bad = OrganizationContact.objects.create(organization=tiered_org, role="Reception", visibility="public")
    OrganizationContact.objects.filter(pk=bad.pk).update(name="Leaked Public-Name")
    for route in ("page", "hsds"):
        body = fetch(anon, route)
        assert "Sokha Named-Person" not in body and "Leaked Public-Name" not in body
    anonymous_card = anon.get(contact_url("org", bad.pk)).content.decode()
    assert "Leaked Public-Name" not in anonymous_card and "Reception" in anonymous_card
    assert "Sokha Named-Person" in fetch(partner_client, "page")
    assert "Sokha Named-Person" in partner_client.get(contact_url("org", named.pk)).content.decode()


def test_shelter_stays_hidden_even_if_marked_public(client, tiered_org):
    # Location.save refuses a public shelter; a bulk update bypasses save, the views still refuse.
    Location.objects.filter(organization=tiered_org, location_type="shelter").update(visibility="public")
    for route in ("page", "vcard", "hsds"):
        body = fetch(client, route)
        assert "SECRET-SHELTER-ADDRESS" not in body and "13.0951" not in body


def test_hidden_hsds_items_leave_no_keys(client, tiered_org):
    data = json.loads(fetch(client, "hsds"))
    assert [p["number"] for p in data["phones"]] == ["+85523000101"]
    assert [c["email"] for c in data["contacts"]] == ["public-desk@example.org"]
    # The shelter's own name is hidden with its address: only its kind is published.
    assert "Recovery shelter" not in json.dumps(data)
    shelter = next(loc for loc in data["locations"] if loc["name"] == "Shelter or residential centre")
    assert not {"latitude", "longitude", "addresses", "transportation"} & set(shelter)
    assert "Battambang" in shelter["description"]  # the area is public
    office = next(loc for loc in data["locations"] if loc["name"] == "Head office")
    # No postal codes are recorded, so the street address leads the description (not `addresses`).
    assert office["latitude"] == 13.1 and office["description"].startswith("PUBLIC-OFFICE")
    assert data["services"][0]["phones"] == []


def test_hidden_email_is_absent_everywhere(anon, partner_client, make_org):
    make_org("Quiet Org", slug="quiet-org", email="quiet@example.org", email_visibility="partners")
    for route in ("page", "vcard", "hsds"):
        assert "quiet@example.org" not in fetch(anon, route, "quiet-org")
    assert "email" not in json.loads(fetch(anon, "hsds", "quiet-org"))
    for route in ("page", "vcard", "hsds"):
        assert "quiet@example.org" in fetch(partner_client, route, "quiet-org")


def test_hidden_service_email(client, make_org, make_service):
    org = make_org(slug="svc-email")
    make_service(org, "Intake", email="svc-secret@example.org", email_visibility="restricted")
    for route in ("page", "hsds"):
        assert "svc-secret@example.org" not in fetch(client, route, "svc-email")


def test_listing_search_does_not_match_hidden_data(anon, partner_client, tiered_org):
    index = reverse("directory:index")
    hidden_words = {
        "SECRET": "secret",
        "secret shelter address": "secret",
        "restricted-desk": "restricted",
        "23000303": "23000303",
        "after hours": "hours",
    }
    for q, hidden in hidden_words.items():
        for viewer in (anon, partner_client):
            html = viewer.get(index, {"q": q}).content.decode()
            if 'data-count="0"' in html:
                continue
            # Words typed beside a hidden one may still find the record through its visible
            # text (partial results, "showing results without: …"): the hidden word itself
            # is reported as not matched, never as a match.
            notice = re.search(r'data-testid="partial-notice">(.*?)</p>', html, re.S)
            left_out = re.search(r"<strong>(.*?)</strong>", notice.group(1)).group(1).split() if notice else []
            assert hidden in left_out, q


def test_partner_group_is_required_for_partner_tier(client, django_user_model, tiered_org):
    user = django_user_model.objects.create_user("outsider", "o@example.org", "pw-123456789")
    client.force_login(user)
    body = fetch(client, "page")
    for secret in PARTNER_SECRETS:
        assert secret not in body


def test_unpublished_phone_owner_is_unreachable(client, make_org):
    draft = make_org("Hidden Draft", slug="hidden-draft", live=False)
    phone = OrganizationPhone.objects.create(organization=draft, number="+85523999999", visibility="public")
    contact = OrganizationContact.objects.create(organization=draft, role="Desk", visibility="public")
    assert client.get(contact_url("org", contact.pk, "hidden-draft")).status_code == 404
    assert b"+85523999999" not in client.get(reverse("directory:index")).content
    assert phone.pk


def test_hidden_shelter_shows_district_not_commune_or_its_name(anon, partner_client, tiered_org):
    """A commune, or a building's name, can be enough to find a shelter: the public gets the district."""
    district = Area.objects.get(key="KH:0203")
    commune = Area.objects.create(
        kind="commune", key="KH:020399", code="020399", slug="kh-020399", name_en="Secretcommune",
        name_km="ឃុំសម្ងាត់", parent=district, country=district.country, province=district.province,
    )
    Location.objects.filter(organization=tiered_org, location_type="shelter").update(area=commune)
    for route in ("page", "vcard", "hsds"):
        body = fetch(anon, route)
        assert "Secretcommune" not in body and "Recovery shelter" not in body
    page = fetch(anon, "page")
    assert district.name_en in page  # the district is still there, so the shelter can be found
    partner_page = fetch(partner_client, "page")
    assert "Secretcommune" in partner_page and "Recovery shelter" in partner_page


@pytest.fixture
def member_client(client, tiered_org, django_user_model):
    from directory.models import OrganizationMember

    user = django_user_model.objects.create_user("staffer", "staffer@example.org", "staffer-pass-123")
    OrganizationMember.objects.create(organization=tiered_org, user=user, role="Case manager")
    client.force_login(user)
    return client


def test_owning_organizations_members_see_its_restricted_details_everywhere(member_client, tiered_org):
    for route in ("page", "vcard", "hsds"):
        body = fetch(member_client, route).replace(" ", "")
        assert "+85523000303" in body or "023000303" in body, route  # the restricted line
    card = member_client.get(
        contact_url("org", tiered_org.contacts.get(visibility="restricted").pk)
    )
    assert card.status_code == 200 and "restricted-desk@example.org" in card.content.decode()


def test_membership_opens_only_the_members_own_organization(member_client, make_org):
    other = make_org("Other Org", slug="other-org")
    OrganizationPhone.objects.create(organization=other, number="+85523000505", visibility="restricted")
    OrganizationPhone.objects.create(organization=other, number="+85523000606", visibility="partners")
    for route in ("page", "vcard", "hsds"):
        body = fetch(member_client, route, "other-org").replace(" ", "")
        assert "023000505" not in body and "+85523000505" not in body
        assert "023000606" not in body and "+85523000606" not in body  # not a partner either
