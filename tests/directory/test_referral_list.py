"""The referral list (issue 16): a link of public ids (/directory/list/?o=<uuid>&s=<uuid>) opens
the same entries for anyone, each with what the viewer's own tier allows; hidden or unknown ids
are counted, never named; the page prints as one dated A4 sheet and shares only ids."""

import datetime
import re
import uuid
from urllib.parse import unquote

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from directory.models import Area, Location, Organization, Schedule, ServiceAtLocation, ServicePhone
from directory.referral_list import MAX_ENTRIES, parse_list
from tests.search.conftest import make_live_copy_in

PUBLIC_LINE = "+85523000101"
PARTNERS_LINE = "+85523000202"
RESTRICTED_LINE = "+85523000303"
PARTNERS_HOTLINE = "+85512000505"
RESTRICTED_HOTLINE = "+85512000404"


def list_url(*refs, language=None):
    query = "&".join(f"{kind}={key}" for kind, key in refs)
    if language:
        with translation.override(language):
            return f"{reverse('directory:referral_list')}?{query}"
    return f"{reverse('directory:referral_list')}?{query}"


def forms(number):
    """A number as it may appear on a page: E.164, and as displayed (national format)."""
    display = ServicePhone(number=number).display
    return [number, display, display.replace(" ", "")]


@pytest.fixture
def listed(tiered_org):
    """The tiered organization and its shelter service, which also has a verified partners-only
    hotline (so a partner's best line for it differs from the public's)."""
    service = tiered_org.services.get()
    ServicePhone.objects.create(
        service=service,
        number=PARTNERS_HOTLINE,
        channel="hotline",
        visibility="partners",
        description="partner intake",
        verified_on=datetime.date(2026, 11, 1),
    )
    Schedule.objects.create(service=service, open_24h=True)
    return tiered_org, service


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_parse_keeps_order_drops_duplicates_and_counts_malformed_ids():
    a, b = uuid.uuid4(), uuid.uuid4()
    parsed = parse_list(f"s={b}&o={a}&s={b}&x=1&o=nonsense&s=&o={str(a).upper()}")
    assert [(r.kind, r.key) for r in parsed.refs] == [("s", b), ("o", a)]
    assert parsed.malformed == 2 and parsed.cut == 0 and parsed.asked
    assert not parse_list("").asked and not parse_list("utm_source=sms").asked


def test_round_trip_public_and_partner_see_their_own_tier(listed, partner_client):
    org, service = listed
    url = list_url(("o", org.translation_key), ("s", service.translation_key))

    public = get(Client(), url)
    html = public.content.decode()
    entries = re.findall(r'data-testid="list-entry" data-list-entry="([^"]+)"', html)
    assert entries == [f"o:{org.translation_key}", f"s:{service.translation_key}"]
    assert "Tiered Shelter Network" in html and "Emergency shelter for women and girls" in html
    for number in (PARTNERS_LINE, PARTNERS_HOTLINE, RESTRICTED_LINE, RESTRICTED_HOTLINE):
        for form in forms(number):
            assert form.encode() not in public.content, form
    # Both entries reach the public office line (the service has no public phone of its own).
    assert html.count(f'href="tel:{PUBLIC_LINE}"') == 2
    assert html.count("<svg") >= 3  # a QR code per entry and one for the list
    assert len(re.findall(r'data-testid="list-qr"[^>]*>\s*<svg', html)) == 2
    assert 'data-testid="list-tier"' not in html
    assert "no-store" not in public.get("Cache-Control", "")

    partner = get(partner_client, url)
    phtml = partner.content.decode()
    assert f'href="tel:{PARTNERS_HOTLINE}"' in phtml  # the service's best line for a partner
    assert f'href="tel:{PUBLIC_LINE}"' in phtml  # the organization's own line
    for number in (RESTRICTED_LINE, RESTRICTED_HOTLINE):
        for form in forms(number):
            assert form.encode() not in partner.content, form
    assert 'data-testid="list-tier"' in phtml and "Do not post or share publicly." in phtml
    assert "no-store" in partner["Cache-Control"]


def test_a_shelters_address_and_point_never_reach_the_public(listed, partner_client):
    """A shelter filed under a commune: the public is told its district, never the commune, its
    name, address or point; a partner sees the commune (still no street address: a list never
    prints one, the QR code leads to the live entry)."""
    org, service = listed
    district = Area.objects.get(key="KH:0203")
    commune = Area.objects.create(
        kind="commune", key="KH:020398", code="020398", slug="kh-020398", name_en="Hiddencommune",
        name_km="ឃុំលាក់", parent=district, country=district.country, province=district.province,
    )
    shelter = Location.objects.get(organization=org, location_type="shelter")
    shelter.area = commune
    shelter.save()
    ServiceAtLocation.objects.create(service=service, location=shelter)
    url = list_url(("s", service.translation_key))
    public = get(Client(), url).content.decode()
    for secret in ["SECRET-SHELTER-ADDRESS", "Recovery shelter", "13.0951", "103.2022", "Hiddencommune"]:
        assert secret not in public, secret
    assert district.name_en in public  # the district is what the public is told
    partner = get(partner_client, url).content.decode()
    assert "Hiddencommune" in partner
    assert "SECRET-SHELTER-ADDRESS" not in partner


def test_hidden_and_unknown_ids_are_counted_never_named(listed, make_org, make_service):
    org, service = listed
    draft_org = make_org("Unpublished Hidden Org", live=False)
    orphan = make_service(make_org("Org Taken Down", live=False), "Service Of Hidden Org")
    unpublished_service = make_service(org, "Withdrawn Service", live=False)
    url = list_url(
        ("o", uuid.uuid4()),
        ("o", draft_org.translation_key),
        ("s", orphan.translation_key),
        ("s", "not-a-uuid"),
        ("o", org.translation_key),
        ("s", unpublished_service.translation_key),
        ("s", service.translation_key),
    )
    html = get(Client(), url).content.decode()
    assert "5 entries of this list are not available (removed, unpublished or not visible to you)." in html
    assert re.findall(r'data-list-entry="([^"]+)"', html) == [
        f"o:{org.translation_key}",
        f"s:{service.translation_key}",
    ]
    for hidden in ("Unpublished Hidden Org", "Org Taken Down", "Service Of Hidden Org", "Withdrawn Service"):
        assert hidden not in html
    # The share link carries only what is shown, and only ids.
    share = re.search(r'id="list-share-url"[^>]*value="([^"]+)"', html).group(1)
    assert share.endswith(f"/directory/list/?o={org.translation_key}&amp;s={service.translation_key}")
    assert "Emergency" not in unquote(re.search(r'href="(sms:[^"]+)"', html).group(1))


def test_one_unavailable_entry_is_said_in_the_singular(listed):
    org, _service = listed
    html = get(Client(), list_url(("o", org.translation_key), ("o", uuid.uuid4()))).content.decode()
    assert "1 entry of this list is not available" in html


def test_the_page_prints_as_one_dated_a4_page(listed):
    org, service = listed
    html = get(Client(), list_url(("o", org.translation_key), ("s", service.translation_key))).content.decode()
    today = dateformat.format(timezone.localdate(), "j F Y")
    assert f"Referral list — printed {today}" in html
    assert re.search(r'<link rel="stylesheet" href="[^"]*portal/css/referral-list[^"]*\.css"', html)
    css = open(finders.find("portal/css/referral-list.css")).read()
    assert re.search(r"@page\s*{\s*size:\s*A4", css)
    print_rules = css.split("@media print", 1)[1]
    assert ".site-header" in print_rules and "button" in print_rules and ".screen-only" in print_rules
    assert "Do not add anything about the person you are referring: this list holds service ids only." in html
    assert 'href="sms:?body=' in html and 'href="mailto:?subject=' in html


def test_the_dated_heading_is_in_the_visitors_language(listed):
    org, _service = listed
    khmer_org = make_live_copy_in("km", org, name="បណ្ដាញជម្រកសាកល្បង")
    response = get(Client(), list_url(("o", org.translation_key), language="km"))
    html = response.content.decode()
    assert "បណ្ដាញជម្រកសាកល្បង" in html and "Tiered Shelter Network" not in html
    with translation.override("km"):
        today = dateformat.format(timezone.localdate(), "j F Y")
    assert today in html and "Referral list — printed" not in html
    # The QR code and link lead to the entry's Khmer page.
    assert f"/km/directory/{khmer_org.slug}/" in html


def test_more_than_thirty_ids_are_cut_and_the_page_says_so(make_org):
    orgs = [make_org(f"Listed Org {n:02d}") for n in range(MAX_ENTRIES + 2)]
    html = get(Client(), list_url(*[("o", o.translation_key) for o in orgs])).content.decode()
    assert len(re.findall(r'data-testid="list-entry"', html)) == MAX_ENTRIES
    assert "Listed Org 29" in html and "Listed Org 30" not in html and "Listed Org 31" not in html
    assert "A list holds at most 30 entries: 2 more were left out." in html


def test_without_ids_the_page_explains_where_the_list_is_kept(db):
    html = get(Client(), reverse("directory:referral_list")).content.decode()
    assert 'data-testid="list-empty"' in html and "kept in this browser only" in html
    assert 'data-list-entry' not in html


def test_list_is_a_reserved_slug_and_the_route_wins(db):
    org = Organization(slug="list")
    with pytest.raises(Exception, match="used by the portal"):
        org.clean()
    assert reverse("directory:referral_list") == "/directory/list/"


def test_the_page_answers_get_only(db):
    assert Client().post(reverse("directory:referral_list")).status_code == 405


def test_add_buttons_are_on_the_organization_page_hidden_until_the_script_runs(listed):
    org, service = listed
    html = get(Client(), org.get_absolute_url()).content.decode()
    assert re.search(rf'data-list-add="o:{org.translation_key}"[^>]*hidden', html)
    assert re.search(rf'data-list-add="s:{service.translation_key}"[^>]*hidden', html)
    assert "/static/portal/js/referral-list.js" in html and 'id="referral-list-config"' in html
    assert 'data-list-count' in html
