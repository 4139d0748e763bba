"""The organization page, contact first: the viewer's best number to call (cut to their tier),
messaging links and hours come before the description; the phone bar's Call, Directions and
Share; Directions lead only to a public point, never to a confidential or partners-only one."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Area, Location, OrganizationPhone, ServiceAtLocation, ServicePhone

PUBLIC_POINT = (11.5623, 104.9161)
HIDDEN_POINT = (11.5417, 104.8793)  # a place the public may not see: its digits never on the page


def page(client, slug):
    """The page as `client` sees it (a fresh anonymous client when None: pytest-django's `client`
    and `partner_client` are one client, signed in when a test asks for the partner)."""
    response = (client or Client()).get(reverse("directory:organization", kwargs={"slug": slug}))
    assert response.status_code == 200
    return response.content.decode()


def hrefs(html, testid):
    return re.findall(rf'href="([^"]*)"[^>]*data-testid="{testid}"', html)


def assert_point_absent(html, point):
    for value in point:
        for shown in (f"{value}", f"{value:.5f}", f"{value:.6f}", f"{value:.4f}"):
            assert shown not in html, shown


@pytest.fixture
def office(make_org):
    org = make_org("Riverside Legal Aid", slug="riverside-legal-aid", description="We give legal advice.")
    Location.objects.create(
        organization=org, name="Riverside office", location_type="office", area=Area.objects.get(key="KH:12"),
        address="7 River Road", latitude=PUBLIC_POINT[0], longitude=PUBLIC_POINT[1], visibility="public",
    )
    return org


# -- contact first -----------------------------------------------------------------------------


def test_contact_block_comes_before_the_description(client, office):
    OrganizationPhone.objects.create(organization=office, number="+85523000101", channel="voice",
                                     visibility="public", hours="Mon-Fri 8:00-17:00")
    html = page(client, "riverside-legal-aid")
    contact = html.index('data-testid="org-contact"')
    about = html.index('class="org-about"')
    assert contact < about < html.index("We give legal advice.", about)
    block = html[contact : html.index("</section>", contact)]
    assert hrefs(block, "best-call-link") == ["tel:+85523000101"]
    assert "Hours: Mon-Fri 8:00-17:00" in block


def test_the_call_is_the_best_phone_the_viewer_may_see(partner_client, office):
    # The public see an office line nobody has verified; partners also see a verified hotline.
    OrganizationPhone.objects.create(organization=office, number="+85523000101", channel="voice", visibility="public")
    OrganizationPhone.objects.create(organization=office, number="+85523000202", channel="hotline",
                                     visibility="partners", verified_on=datetime.date(2026, 1, 5))
    public = page(None, "riverside-legal-aid")
    assert hrefs(public, "best-call-link") == ["tel:+85523000101"]
    assert hrefs(public, "bar-call") == ["tel:+85523000101"]
    assert "+85523000202" not in public and "023 000 202" not in public

    partner = page(partner_client, "riverside-legal-aid")
    assert hrefs(partner, "best-call-link") == ["tel:+85523000202"]
    assert hrefs(partner, "bar-call") == ["tel:+85523000202"]


def test_without_an_organization_number_the_call_is_its_service_line(client, office, make_service):
    OrganizationPhone.objects.create(organization=office, number="+85512000303", channel="whatsapp",
                                     visibility="public")
    service = make_service(office, "Legal advice line", terms=["LEGAL"])
    ServicePhone.objects.create(service=service, number="+85523000404", channel="voice", visibility="public",
                                hours="24 hours")
    hidden = make_service(office, "Partners intake", terms=["LEGAL"])
    ServicePhone.objects.create(service=hidden, number="+85523000505", channel="hotline", visibility="partners",
                                verified_on=datetime.date(2026, 1, 5))
    html = page(client, "riverside-legal-aid")
    block = html[html.index('data-testid="org-contact"') :]
    block = block[: block.index("</section>")]
    assert hrefs(block, "best-call-link") == ["tel:+85523000404"]
    assert "(Legal advice line)" in block and "Hours: 24 hours" in block
    assert 'href="https://wa.me/85512000303"' in block  # the organization's own messaging channel
    assert "+85523000505" not in html


def test_no_number_no_call_button(client, office):
    html = page(client, "riverside-legal-aid")
    assert 'data-testid="best-call-link"' not in html and 'data-testid="bar-call"' not in html
    assert 'data-testid="bar-share"' in html  # sharing the page needs no number


# -- directions --------------------------------------------------------------------------------


def directions(html, testid="bar-directions"):
    return hrefs(html, testid)


def test_directions_open_the_maps_app_at_the_public_office_point(client, office):
    html = page(client, "riverside-legal-aid")
    expected = "https://www.google.com/maps/dir/?api=1&amp;destination=11.562300%2C104.916100"
    assert directions(html) == [expected]
    assert directions(html, "contact-directions") == [expected]
    assert directions(html, "location-directions") == [expected]  # the location card's link
    assert 'href="geo:' not in html  # the old raw geo: link is gone for a public point


@pytest.mark.parametrize("viewer", ["public", "partner"])
def test_no_directions_to_a_shelter(make_org, viewer, request):
    org = make_org("Safe Haven", slug="safe-haven")
    Location.objects.create(
        organization=org, name="Safe house", location_type="shelter", area=Area.objects.get(key="KH:12"),
        latitude=HIDDEN_POINT[0], longitude=HIDDEN_POINT[1], visibility="public",  # row says public
    )
    html = page(None if viewer == "public" else request.getfixturevalue("partner_client"), "safe-haven")
    assert 'data-testid="bar-directions"' not in html and "google.com/maps" not in html
    if viewer == "public":
        assert_point_absent(html, HIDDEN_POINT)
    else:
        assert f"{HIDDEN_POINT[0]:.5f}" in html  # the partner sees the point on the page as before


def test_no_directions_to_an_office_where_a_shelter_service_is_offered(client, make_org, make_service):
    org = make_org("Harbour Centre", slug="harbour-centre")
    here = Location.objects.create(
        organization=org, name="Harbour office", location_type="office", area=Area.objects.get(key="KH:12"),
        latitude=HIDDEN_POINT[0], longitude=HIDDEN_POINT[1], visibility="public",
    )
    ServiceAtLocation.objects.create(service=make_service(org, "Night shelter", terms=["SHELTER.SHORT"]),
                                     location=here)
    html = page(client, "harbour-centre")
    assert 'data-testid="bar-directions"' not in html and "google.com/maps" not in html
    assert_point_absent(html, HIDDEN_POINT)


def test_a_partners_only_point_gets_no_directions_for_anyone(partner_client, office):
    Location.objects.filter(organization=office).update(
        latitude=HIDDEN_POINT[0], longitude=HIDDEN_POINT[1], visibility="partners"
    )
    public = page(None, "riverside-legal-aid")
    assert 'data-testid="bar-directions"' not in public and "google.com/maps" not in public
    assert_point_absent(public, HIDDEN_POINT)
    partner = page(partner_client, "riverside-legal-aid")
    assert f"{HIDDEN_POINT[0]:.5f}" in partner  # shown to the partner on the page ...
    assert "google.com/maps" not in partner  # ... but never handed to a maps link


def test_the_bar_sends_nobody_to_an_approximate_point(client, office):
    Location.objects.filter(organization=office).update(point_is_approximate=True)
    html = page(client, "riverside-legal-aid")
    assert 'data-testid="bar-directions"' not in html
    # The location card still links the point, saying it is the town centre.
    assert directions(html, "location-directions") and 'data-testid="approximate-point"' in html


def test_of_several_places_the_bar_takes_the_public_one(client, office):
    Location.objects.create(
        organization=office, name="Drop-in centre", location_type="service_point", area=Area.objects.get(key="KH:12"),
        latitude=HIDDEN_POINT[0], longitude=HIDDEN_POINT[1], visibility="restricted",
    )
    html = page(client, "riverside-legal-aid")
    assert directions(html) == ["https://www.google.com/maps/dir/?api=1&amp;destination=11.562300%2C104.916100"]
    assert_point_absent(html, HIDDEN_POINT)


# -- share -------------------------------------------------------------------------------------


def test_share_works_without_script(office):
    html = page(Client(), "riverside-legal-aid")
    assert hrefs(html, "bar-share") == ["#share"]
    share = html[html.index('id="share"') :]
    share = share[: share.index("</div>")]
    url = "http://testserver/directory/riverside-legal-aid/"
    (sms,) = hrefs(share, "share-sms")
    assert sms.startswith("sms:?&amp;body=") and unquote(sms).endswith(f"Riverside Legal Aid {url}")
    (mail,) = hrefs(share, "share-mail")
    assert unquote(mail.replace("&amp;", "&")) == f"mailto:?subject=Riverside Legal Aid&body={url}"
    assert f'value="{url}"' in share
    # With script, the same button opens the device's share sheet with the page's name and address.
    assert f'data-share-url="{url}" data-share-title="Riverside Legal Aid"' in html
    assert '<script src="/static/portal/js/share.js" defer></script>' in html
