"""Printable referral pack: one page per province, area-only shelters, dates and QR codes."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from directory.models import OrganizationPhone, ServicePhone
from services_map.pack import PER_SECTION, qr_svg

pytestmark = pytest.mark.django_db


def section(html, code):
    return re.search(rf'data-testid="pack-section" data-code="{code}">(.*?)</section>', html, re.S).group(1)


@pytest.fixture
def pack_data(tiered_org, make_org, make_service, verified):
    national = make_org("National Hotline Org", area_key="KH:12")
    hotline = make_service(
        national, "Anti-trafficking hotline", terms=["HELP.TIP"], areas=["KH"], **verified(4)
    )
    ServicePhone.objects.create(service=hotline, number="1288", channel="hotline", visibility="public")
    legal = make_org("Battambang Legal", area_key="KH:02")
    for n in range(PER_SECTION + 2):
        make_service(legal, f"Legal clinic {n}", terms=["LEGAL.ADVICE"], areas=["KH:02"], **verified(n))
    clinic = make_service(legal, "Health check", terms=["MED.CHECK"], areas=["KH:02"])
    return {"hotline": hotline, "legal": legal, "clinic": clinic, "shelter": tiered_org.services.get()}


def test_pack_lists_hotlines_shelters_legal_medical_and_reintegration(anonymous, pack_data):
    response = anonymous.get("/map/coverage/battambang/pack/")
    assert response.status_code == 200
    html = response.content.decode()
    codes = re.findall(r'data-testid="pack-section" data-code="(\w+)"', html)
    assert codes == ["HELP", "SHELTER", "LEGAL", "MED", "REINT"]
    hotlines = section(html, "HELP")
    assert "Anti-trafficking hotline" in hotlines and "Nationwide" in hotlines and "1288" in hotlines
    assert "Emergency shelter for women and girls" in section(html, "SHELTER")
    assert "None recorded for this province." in section(html, "REINT")
    # At most PER_SECTION per section, most recently verified first, the rest counted.
    legal = section(html, "LEGAL")
    assert legal.count('data-testid="pack-entry"') == PER_SECTION
    assert "Legal clinic 0" in legal and f"Legal clinic {PER_SECTION + 1}" not in legal
    assert "and 2 more on the portal" in legal


def test_shelters_are_area_only_and_hidden_phones_are_absent(anonymous, pack_data):
    html = anonymous.get("/map/coverage/battambang/pack/").content.decode()
    shelter = section(html, "SHELTER")
    assert "Battambang" in shelter
    for secret in [
        "SECRET-SHELTER-ADDRESS",
        "PUBLIC-OFFICE-ADDRESS",
        "Recovery shelter",
        "12 000 404",
        "13.0951",
    ]:
        assert secret not in html, secret
    assert 'data-testid="pack-tier"' not in html  # nothing beyond public: no warning needed


def test_each_entry_has_its_last_verified_date_and_the_page_its_print_date(anonymous, pack_data):
    html = anonymous.get("/map/coverage/battambang/pack/").content.decode()
    today = timezone.localdate()
    assert f'<time datetime="{today:%Y-%m-%d}" data-testid="printed">' in html
    hotline = section(html, "HELP")
    four_days_ago = today - timezone.timedelta(days=4)
    assert f'Last verified <time datetime="{four_days_ago:%Y-%m-%d}">' in hotline
    medical = section(html, "MED")
    # Never verified but just published: not yet verified, not (yet) overdue.
    assert "Not yet verified" in medical and "overdue for review" not in medical
    entries = html.count('data-testid="pack-verified"')
    assert entries == html.count('data-testid="pack-entry"') >= 7


def test_each_entry_has_a_qr_code_to_its_live_entry(anonymous, pack_data):
    html = anonymous.get("/map/coverage/battambang/pack/").content.decode()
    assert html.count('data-testid="pack-qr"') == html.count('data-testid="pack-entry"')
    hotline = pack_data["hotline"]
    url = f"http://testserver/directory/{hotline.organization.slug}/#service-{hotline.pk}"
    assert f'title="{url}"' in html
    assert str(qr_svg(url)) in html  # the SVG encodes exactly that address
    assert str(qr_svg("http://testserver/directory/?province=battambang")) in html  # the page's own QR
    assert "<svg" in section(html, "HELP")


def test_partner_pack_carries_partner_phones_and_says_so(partner_client, pack_data):
    OrganizationPhone.objects.create(
        organization=pack_data["legal"], number="+85553000777", channel="voice", visibility="partners"
    )
    html = partner_client.get("/map/coverage/battambang/pack/").content.decode()
    assert "053 000 777" in section(html, "LEGAL")
    tier = re.search(r'data-testid="pack-tier"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "Partners only" in tier and "Do not post" in tier
    assert "12 000 404" not in html  # restricted stays out even for partners
    assert "SECRET-SHELTER-ADDRESS" not in html  # and addresses are never printed
    assert "no-store" in partner_client.get("/map/coverage/battambang/pack/")["Cache-Control"]


def test_public_pack_does_not_show_partner_phones(pack_data):
    OrganizationPhone.objects.create(
        organization=pack_data["legal"], number="+85553000777", channel="voice", visibility="partners"
    )
    html = Client().get("/map/coverage/battambang/pack/").content.decode()
    assert "053 000 777" not in html


def test_pack_has_a4_print_css(anonymous, pack_data):
    from django.contrib.staticfiles import finders

    html = anonymous.get("/map/coverage/battambang/pack/").content.decode()
    assert "/static/services_map/pack.css" in html
    css = open(finders.find("services_map/pack.css")).read()
    assert re.search(r"@page\s*{\s*size:\s*A4", css)
    assert "@media print" in css
