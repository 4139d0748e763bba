"""Contact first: each result card of /directory/ offers the viewer's best visible phone as a call
link, with its hours and the messaging channels beside it; never a phone above the viewer's tier."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import OrganizationPhone, ServicePhone


def _card(client, slug, **params):
    response = client.get(f"{reverse('directory:index')}?{urlencode(params)}")
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(rf'<li class="result[^"]*" data-testid="result" data-slug="{slug}">(.*?)\n</li>', html, re.S)
    assert match, f"no card for {slug}"
    return match.group(1)


def _call(card):
    found = re.search(r'<a class="call button" href="([^"]+)" data-testid="call-link">', card)
    return found.group(1) if found else None


@pytest.fixture
def desk(make_org, make_service):
    org = make_org("Harbour Help Desk", slug="harbour")
    service = make_service(org, "Returnee intake", terms=["RETURN"])
    return org, service


def test_the_card_calls_the_phone_the_viewer_may_see(partner_client, tiered_org, editor_user):
    """Public: the public office line; a partner: the partners-only line once verified; an editor:
    the restricted hotline once verified. Nobody is offered a phone above their tier."""
    client = Client()
    card = _card(client, "tiered-shelter-network")
    assert _call(card) == "tel:+85523000101"
    assert "+85523000202" not in card and "23 000 202" not in card
    assert "+85512000404" not in card and "12 000 404" not in card

    # Verify the partners-only line: for a partner it now beats the unverified public one.
    OrganizationPhone.objects.filter(number="+85523000202").update(verified_on=datetime.date(2026, 11, 2))
    assert _call(_card(partner_client, "tiered-shelter-network")) == "tel:+85523000202"
    assert _call(_card(client, "tiered-shelter-network")) == "tel:+85523000101"

    assert "12 000 404" not in _card(partner_client, "tiered-shelter-network")

    # A verified hotline beats a verified office line, for the editor who may see it alone.
    ServicePhone.objects.filter(number="+85512000404").update(verified_on=datetime.date(2026, 11, 3))
    assert _call(_card(partner_client, "tiered-shelter-network")) == "tel:+85523000202"
    partner_client.force_login(editor_user)
    assert _call(_card(partner_client, "tiered-shelter-network")) == "tel:+85512000404"


def test_a_verified_hotline_comes_before_an_office_line_and_says_its_hours(client, desk):
    org, service = desk
    OrganizationPhone.objects.create(
        organization=org, number="+85523000555", channel="voice", verified_on=datetime.date(2026, 10, 1)
    )
    ServicePhone.objects.create(
        service=service, number="1280", channel="hotline", hours="24 hours, every day",
        verified_on=datetime.date(2026, 10, 5),
    )
    card = _card(client, "harbour")
    assert _call(card) == "tel:1280"
    assert "24 hours, every day" in card
    assert "number not yet verified" not in card


def test_an_unverified_number_says_so_and_an_empty_one_is_never_offered(client, desk):
    org, _service = desk
    OrganizationPhone.objects.create(organization=org, number="", channel="hotline")
    card = _card(client, "harbour")
    assert _call(card) is None and 'data-testid="result-reach"' not in card
    OrganizationPhone.objects.create(organization=org, number="+85523000666", channel="voice")
    card = _card(client, "harbour")
    assert _call(card) == "tel:+85523000666"
    assert "number not yet verified" in card


def test_messaging_channels_link_to_their_apps_beside_the_call(client, desk):
    org, _service = desk
    OrganizationPhone.objects.create(organization=org, number="+85523000777", channel="voice")
    OrganizationPhone.objects.create(organization=org, number="+85512000888", channel="whatsapp")
    OrganizationPhone.objects.create(organization=org, number="+85512000999", channel="telegram")
    OrganizationPhone.objects.create(organization=org, number="+85512000111", channel="line")
    OrganizationPhone.objects.create(
        organization=org, number="+85512000222", channel="viber", visibility="partners"
    )
    card = _card(client, "harbour")
    assert _call(card) == "tel:+85523000777"
    assert 'href="https://wa.me/85512000888"' in card
    assert 'href="https://t.me/+85512000999"' in card
    assert "LINE: 012 000 111" in card  # no link an app opens on a number: shown as text
    assert "viber" not in card.lower()


def test_hostile_text_in_a_phone_is_escaped_on_the_card(client, desk):
    org, _service = desk
    OrganizationPhone.objects.create(
        organization=org, number="+85523000333", channel="voice", hours='<img src=x onerror="alert(1)">'
    )
    card = _card(client, "harbour")
    assert "<img" not in card and "&lt;img src=x" in card


def test_the_card_offers_to_add_the_organization_to_the_referral_list(client, desk):
    org, _service = desk
    card = _card(client, "harbour")
    assert f'data-list-add="o:{org.translation_key}"' in card
