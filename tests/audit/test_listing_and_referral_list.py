"""Issue 16 put phones on the directory's cards and the referral list, cut to the viewer's tier:
a card or list entry whose line is above public is noted in the access log like the organization
page; the public and public-only cards are never logged; a device position never reaches the log."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessLogEntry
from directory.models import OrganizationPhone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_follows_saves(db):
    """The listing reads the search index: it follows the saves (tests/index_sync.py)."""
    from tests.index_sync import index_follows_saves

    with index_follows_saves() as rebuild:
        yield rebuild


@pytest.fixture
def partner_line(tiered_org):
    # Verified, the partners-only line is a partner's best call on the card.
    OrganizationPhone.objects.filter(organization=tiered_org, visibility="partners").update(
        verified_on=datetime.date(2026, 11, 20)
    )
    return tiered_org


def test_a_card_with_a_partners_line_is_logged_for_the_partner_only(partner_line, partner_user):
    Client().get(reverse("directory:index"), {"q": "tiered"})
    assert not AccessLogEntry.objects.exists()
    partner = Client()
    partner.force_login(partner_user)
    response = partner.get(reverse("directory:index"), {"q": "tiered", "lat": "13.1", "lon": "103.2"})
    assert b"tel:+85523000202" in response.content
    [entry] = AccessLogEntry.objects.all()
    assert (entry.kind, entry.tier, entry.username) == ("directory_listing", "partners", "partner")
    assert entry.organization_key == partner_line.translation_key
    assert "lat=" not in entry.path and "lon=" not in entry.path and "q=tiered" in entry.path


def test_a_card_showing_only_public_lines_is_not_logged(tiered_org, partner_user):
    partner = Client()
    partner.force_login(partner_user)
    partner.get(reverse("directory:index"), {"q": "tiered"})
    assert not AccessLogEntry.objects.exists()


def test_a_referral_list_entry_with_a_partners_line_is_logged(partner_line, partner_user):
    url = f"{reverse('directory:referral_list')}?o={partner_line.translation_key}"
    Client().get(url)
    assert not AccessLogEntry.objects.exists()
    partner = Client()
    partner.force_login(partner_user)
    partner.get(url)
    [entry] = AccessLogEntry.objects.all()
    assert (entry.kind, entry.tier, entry.object_id) == (
        "referral_list",
        "partners",
        str(partner_line.translation_key),
    )
    assert entry.organization_key == partner_line.translation_key
