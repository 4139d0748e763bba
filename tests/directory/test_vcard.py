"""vCard 3.0 downloads: format, escaping, folding and the 404 rules."""

import pytest
from django.urls import reverse

from directory.models import Area, Location, OrganizationContact, OrganizationPhone, ServiceContact
from directory.views.vcard import escape, fold, render_vcard, safe_filename


def org_card(client, slug):
    return client.get(reverse("directory:organization_vcard", kwargs={"slug": slug}))


def contact_card(client, slug, kind, pk):
    return client.get(reverse("directory:contact_vcard", kwargs={"slug": slug, "kind": kind, "pk": pk}))


def unfold(body):
    """Undo line folding (RFC 2425 5.8.1) and split into content lines."""
    return body.replace("\r\n ", "").split("\r\n")


def test_escape():
    assert escape("a,b;c\\d") == "a\\,b\\;c\\\\d"
    assert escape("line1\nline2\r\nline3\rline4") == "line1\\nline2\\nline3\\nline4"
    assert escape(None) == ""


def test_fold_keeps_lines_within_75_octets_and_characters_whole():
    line = "NOTE:" + "ក្រសួងសង្គមកិច្ច " * 20
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")  # no split multibyte character
    assert folded.replace("\r\n ", "") == line


def test_render_vcard_frame():
    body = render_vcard(["FN:X"])
    assert body == "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n"


def test_safe_filename():
    assert safe_filename('a"b/c\\d\r\ne') == "a-b-c-d-e.vcf"
    assert safe_filename("") == "contact.vcf"


@pytest.fixture
def card_org(make_org, make_service):
    org = make_org(
        "Legal Aid, Cambodia; Office\\North",
        slug="legal-aid",
        email="help@legal.example.org",
        email_visibility="public",
        website="https://legal.example.org/",
    )
    OrganizationPhone.objects.create(organization=org, number="+85523000101", channel="hotline", visibility="public")
    OrganizationPhone.objects.create(
        organization=org, number="+85512000555", extension="12", channel="cell", visibility="public"
    )
    OrganizationPhone.objects.create(organization=org, number="+85523000222", channel="fax", visibility="public")
    OrganizationPhone.objects.create(organization=org, number="", channel="voice", visibility="public")
    OrganizationPhone.objects.create(organization=org, number="+85523000909", channel="voice", visibility="partners")
    Location.objects.create(
        organization=org, name="Office", area=Area.objects.get(key="KH:02"), visibility="public",
        address="No. 5, Street 3;\nVillage 1", latitude=13.1, longitude=103.2,
    )
    Location.objects.create(
        organization=org, name="Safe house", location_type="shelter", area=Area.objects.get(key="KH:12"),
        address="HIDDEN-SAFE-HOUSE", visibility="partners",
    )
    return org


def test_organization_vcard_format(client, card_org):
    response = org_card(client, "legal-aid")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="legal-aid.vcf"'
    body = response.content.decode("utf-8")
    assert body.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert body.endswith("END:VCARD\r\n")
    assert "\n" not in body.replace("\r\n", "")  # CRLF only
    for raw_line in body.split("\r\n"):
        assert len(raw_line.encode("utf-8")) <= 75
    lines = unfold(body)
    assert "FN:Legal Aid\\, Cambodia\\; Office\\\\North" in lines
    assert "ORG:Legal Aid\\, Cambodia\\; Office\\\\North" in lines
    assert "TEL;TYPE=WORK,VOICE:+85523000101" in lines
    assert "TEL;TYPE=WORK,CELL:+85512000555 ext. 12" in lines
    assert "TEL;TYPE=WORK,FAX:+85523000222" in lines
    assert sum(1 for line in lines if line.startswith("TEL")) == 3  # no empty, no partner number
    assert "EMAIL;TYPE=INTERNET,WORK:help@legal.example.org" in lines
    assert "URL:https://legal.example.org/" in lines
    assert "URL:http://testserver/directory/legal-aid/" in lines
    adr = [line for line in lines if line.startswith("ADR")]
    assert adr == ["ADR;TYPE=WORK:;;No. 5\\, Street 3\\;\\nVillage 1;;Battambang;;Cambodia"]
    assert "GEO:13.100000;103.200000" in lines
    assert "HIDDEN-SAFE-HOUSE" not in body


def test_organization_vcard_adds_hidden_parts_for_partners(partner_client, card_org):
    body = org_card(partner_client, "legal-aid").content.decode()
    assert "TEL;TYPE=WORK,VOICE:+85523000909" in unfold(body)
    assert "HIDDEN-SAFE-HOUSE" in body


def test_organization_vcard_hides_private_email(client, make_org):
    make_org("Quiet", slug="quiet", email="quiet@example.org", email_visibility="restricted")
    body = org_card(client, "quiet").content.decode()
    assert "EMAIL" not in body and "quiet@example.org" not in body


def test_demo_and_closed_notes(client, make_org):
    make_org("Old Centre", slug="old-centre", is_demo=True, status="closed")
    lines = unfold(org_card(client, "old-centre").content.decode())
    note = next(line for line in lines if line.startswith("NOTE:"))
    assert "Demonstration entry" in note and "Closed" in note


def test_contact_vcard(client, card_org):
    contact = OrganizationContact.objects.create(
        organization=card_org, role="Intake, desk", department="Legal; unit", email="intake@legal.example.org",
        phone="+85523000777", visibility="public",
    )
    response = contact_card(client, "legal-aid", "org", contact.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="legal-aid-org-{contact.pk}.vcf"'
    lines = unfold(response.content.decode())
    assert "FN:Intake\\, desk" in lines
    assert "TITLE:Intake\\, desk" in lines
    assert "ORG:Legal Aid\\, Cambodia\\; Office\\\\North;Legal\\; unit" in lines
    assert "TEL;TYPE=WORK,VOICE:+85523000777" in lines
    assert "EMAIL;TYPE=INTERNET,WORK:intake@legal.example.org" in lines


def test_contact_vcard_with_name_for_partner(partner_client, card_org):
    contact = OrganizationContact.objects.create(
        organization=card_org, role="Lawyer", name="Dara Example", visibility="partners"
    )
    lines = unfold(contact_card(partner_client, "legal-aid", "org", contact.pk).content.decode())
    assert "FN:Dara Example" in lines
    assert "TITLE:Lawyer" in lines


def test_service_contact_vcard(client, card_org, make_service):
    service = make_service(card_org, "Legal advice")
    contact = ServiceContact.objects.create(service=service, role="Advice line", visibility="public")
    response = contact_card(client, "legal-aid", "service", contact.pk)
    assert response.status_code == 200
    assert "FN:Advice line" in unfold(response.content.decode())


def test_contact_vcard_404_rules(client, editor_client, card_org, make_org, make_service):
    other = make_org("Other Org", slug="other-org")
    foreign = OrganizationContact.objects.create(organization=other, role="Desk", visibility="public")
    draft_org = make_org("Draft Org", slug="draft-org", live=False)
    draft_contact = OrganizationContact.objects.create(organization=draft_org, role="Desk", visibility="public")
    draft_service = make_service(card_org, "Draft service", live=False)
    draft_service_contact = ServiceContact.objects.create(service=draft_service, role="Desk", visibility="public")
    own = OrganizationContact.objects.create(organization=card_org, role="Desk", visibility="public")
    # A contact of another organization, through this organization's address.
    assert contact_card(client, "legal-aid", "org", foreign.pk).status_code == 404
    # The wrong kind for the primary key.
    assert contact_card(client, "legal-aid", "service", own.pk).status_code == 404
    assert contact_card(client, "legal-aid", "person", own.pk).status_code == 404
    # Unpublished organization or service: 404 even for editors on the public route.
    assert contact_card(editor_client, "draft-org", "org", draft_contact.pk).status_code == 404
    assert contact_card(editor_client, "legal-aid", "service", draft_service_contact.pk).status_code == 404
    assert contact_card(client, "legal-aid", "org", 999999).status_code == 404
    assert contact_card(client, "legal-aid", "org", own.pk).status_code == 200


def test_contact_vcard_404_when_not_visible(client, card_org):
    hidden = OrganizationContact.objects.create(
        organization=card_org, role="Director", email="director@example.org", visibility="partners"
    )
    response = contact_card(client, "legal-aid", "org", hidden.pk)
    assert response.status_code == 404
    assert b"director@example.org" not in response.content


def test_vcard_is_not_cached_publicly(partner_client, card_org):
    assert "no-store" in org_card(partner_client, "legal-aid")["Cache-Control"]


def test_unpublished_organization_vcard_404(client, make_org):
    make_org("Draft", slug="draft-vcard", live=False)
    assert org_card(client, "draft-vcard").status_code == 404
