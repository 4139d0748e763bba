"""The home page a social worker opens on a phone: the national hotlines whose numbers are entered
and verified, as call links; "I need ..." shortcuts by service family, worked out from the live
services and leading to the directory's type filter; the directory search box. Everything is in
the HTML (no script), and the page with the styles it loads weighs under 50 KB compressed."""

import datetime
import gzip
import re

import pytest
from django.test import Client, override_settings

from directory import families
from directory.models import ServicePhone, TaxonomyTerm
from tests.index_sync import index_follows_saves

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
BUDGET = 50 * 1024


@pytest.fixture(autouse=True)
def _fresh(db):
    families.clear()
    with index_follows_saves():  # the directory filter the shortcuts link to counts on the index
        yield
    families.clear()


@pytest.fixture
def hotlines(make_org, make_service):
    """A verified nationwide short code, a nationwide hotline with a number nobody verified, one
    with no number yet, and a verified partners-only hotline."""
    police = make_org("Police Hotline Org", slug="police-hotline", area_key="KH:12")
    report = make_service(police, "Trafficking report line", terms=["HELP.TIP"], areas=["KH"])
    ServicePhone.objects.create(
        service=report, number="1288", country="KH", channel="hotline", visibility="public",
        description="Report trafficking", hours="24 hours", languages="km, en",
        verified_on=datetime.date(2026, 1, 5),
    )
    helpline = make_org("National Helpline Org", slug="national-helpline", area_key="KH:12")
    unverified = make_service(helpline, "Unchecked advice line", terms=["HELP.TIP"], areas=["KH"])
    ServicePhone.objects.create(service=unverified, number="+85523000777", channel="hotline", visibility="public")
    empty = make_service(helpline, "Child helpline", terms=["HELP.VIOL"], areas=["KH"])
    ServicePhone.objects.create(service=empty, number="", channel="hotline", visibility="public",
                                verified_on=datetime.date(2026, 1, 5))
    hidden = make_service(police, "Partners duty line", terms=["HELP.TIP"], areas=["KH"])
    ServicePhone.objects.create(service=hidden, number="+85512000999", channel="hotline", visibility="partners",
                                verified_on=datetime.date(2026, 1, 5))
    return police


def home(client=None, path="/"):
    response = (client or Client()).get(path)
    assert response.status_code == 200
    return response.content.decode()


def block(html, testid):
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>" if testid == "national-hotlines" else "</nav>", start)]


# -- hotlines ----------------------------------------------------------------------------------


def test_only_entered_and_verified_hotlines_are_offered_as_call_links(hotlines, partner_client):
    html = home()
    hotline_block = block(html, "national-hotlines")
    calls = re.findall(r'<a class="call-link" href="([^"]+)"', hotline_block)
    assert calls == ["tel:1288"]
    assert "Report trafficking" in hotline_block and "Police Hotline Org" in hotline_block
    assert "Hours: 24 hours" in hotline_block and "Languages: Khmer, English" in hotline_block
    # Not verified, not entered: not on the home page at all (the directory still lists them).
    assert "Unchecked advice line" not in html and "+85523000777" not in html and "023 000 777" not in html
    assert "Child helpline" not in html
    # The hotlines come before the search box, which stays on the page.
    assert html.index('data-testid="national-hotlines"') < html.index('role="search"')
    assert 'action="/directory/"' in html and 'name="q"' in html
    # A partners-only hotline never reaches the home page, whoever is signed in.
    for page in (html, home(partner_client)):
        assert "+85512000999" not in page and "012 000 999" not in page and "Partners duty line" not in page


def test_without_a_verified_hotline_the_page_says_so_and_links_to_the_hotline_filter(make_org, make_service):
    org = make_org("Helpline Org", slug="helpline-org")
    line = make_service(org, "Advice line", terms=["HELP.TIP"], areas=["KH"])
    ServicePhone.objects.create(service=line, number="+85523000778", channel="hotline", visibility="public")
    html = home()
    hotline_block = block(html, "national-hotlines")
    assert "call-link" not in hotline_block and "tel:" not in hotline_block
    assert 'data-testid="no-verified-hotline"' in hotline_block
    assert 'href="/directory/?type=HELP"' in hotline_block
    listing = Client().get("/directory/?type=HELP").content.decode()
    assert "Helpline Org" in listing  # the filter finds the hotline still being checked


# -- "I need ..." shortcuts --------------------------------------------------------------------


def shortcuts(html):
    return re.findall(r'<a href="([^"]+)" data-testid="need-shortcut" data-code="([^"]+)">([^<]+)</a>', html)


def test_shortcuts_are_the_families_live_services_offer_in_the_taxonomy_order(make_org, make_service):
    org = make_org("Family Test Org", slug="family-test-org")
    make_service(org, "Legal clinic", terms=["LEGAL"])
    make_service(org, "Short stay", terms=["SHELTER.SHORT"])  # a sub-type stands for its family
    make_service(org, "Draft medical care", terms=["MED"], live=False)  # not published
    hidden_org = make_org("Unpublished Org", slug="unpublished-org", live=False)
    make_service(hidden_org, "Counselling", terms=["PSY"])  # its organization is not published

    found = shortcuts(home())
    assert [code for _href, code, _label in found] == ["SHELTER", "LEGAL"]  # taxonomy.csv order
    assert [label for _href, _code, label in found] == ["Shelter", "Legal aid &amp; justice"]
    assert ("/directory/?type=SHELTER", "SHELTER", "Shelter") in found

    # Each shortcut is the directory's type filter, and the filter finds the service.
    for href, _code, _label in found:
        listing = Client().get(href)
        assert listing.status_code == 200
        assert int(re.search(r'data-count="(\d+)"', listing.content.decode()).group(1)) == 1
        assert "Family Test Org" in listing.content.decode()


def test_a_new_family_with_a_live_service_appears(make_org, make_service):
    org = make_org("New Family Org", slug="new-family-org")
    make_service(org, "Legal clinic", terms=["LEGAL"])
    assert [code for _h, code, _l in shortcuts(home())] == ["LEGAL"]

    family = TaxonomyTerm.objects.create(code="DIGITAL", name_en="Digital safety", name_km="សុវត្ថិភាពឌីជីថល")
    TaxonomyTerm.objects.create(code="DIGITAL.SCAM", parent=family, name_en="Online scam recovery")
    assert [code for _h, code, _l in shortcuts(home())] == ["LEGAL"]  # no live service yet
    service = make_service(org, "Scam compound exit advice", terms=["DIGITAL.SCAM"], live=False)
    families.clear()
    assert "DIGITAL" not in home()  # a draft offers nothing
    service.live = True
    service.save()
    families.clear()  # kept per process for a minute; a fresh process reads it at once
    found = shortcuts(home())
    assert [code for _h, code, _l in found] == ["LEGAL", "DIGITAL"]
    assert ("/directory/?type=DIGITAL", "DIGITAL", "Digital safety") in found
    assert "Scam compound exit advice" in Client().get("/directory/?type=DIGITAL").content.decode()
    # In Khmer the shortcut speaks Khmer and keeps the Khmer address.
    khmer = shortcuts(home(path="/km/"))
    assert ("/km/directory/?type=DIGITAL", "DIGITAL", "សុវត្ថិភាពឌីជីថល") in khmer
    assert "ខ្ញុំត្រូវការ…" in home(path="/km/")


def test_no_live_service_no_shortcuts(make_org, make_service):
    make_service(make_org(slug="drafts-only"), "Draft shelter", terms=["SHELTER"], live=False)
    html = home()
    assert 'data-testid="need-shortcuts"' not in html and "need-shortcut" not in html


# -- works without JavaScript, light on a slow line ---------------------------------------------


def test_everything_is_in_the_html_without_script(hotlines, make_service):
    make_service(hotlines, "Legal clinic", terms=["LEGAL"])
    html = home()
    # What the page offers is in its HTML, not put there by a script: with every script taken
    # out, the call link, the shortcuts and the search form are all there.
    without_scripts = re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I)
    assert '<a class="call-link" href="tel:1288"' in without_scripts
    assert '<a href="/directory/?type=LEGAL" data-testid="need-shortcut"' in without_scripts
    assert '<form action="/directory/" method="get" class="hero-search" role="search">' in without_scripts
    # Scripts on the page (site-wide ones) are files loaded after it, or data blocks: none runs inline.
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        assert ('src="/static/' in tag and " defer" in tag) or 'type="application/json"' in tag, tag


def _same_origin_assets(html):
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
    return [url for url in links + scripts if url.startswith("/") and not url.startswith("//")]


def _compressed_size(response):
    """Bytes on the wire. Pages are gzipped by portal/compression.py; static files are served by
    WhiteNoise precompressed (.gz and .br, CompressedManifestStaticFilesStorage in production;
    not made in tests): where the test server sent a file plain, it is gzipped at level 9 here
    as WhiteNoise's compressor does (brotli would be smaller still)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") in ("gzip", "br"):
        return len(body)
    return len(gzip.compress(body, compresslevel=9))


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("path", ["/", "/km/"])
def test_home_page_and_its_styles_weigh_under_50_kb_compressed(hotlines, make_service, path):
    for code in ("LEGAL", "SHELTER.SHORT", "RETURN", "REINT", "MED", "PSY", "CONSULAR"):
        make_service(hotlines, f"Service {code}", terms=[code])
    client = Client()
    page = client.get(path, **GZIP)
    assert page.status_code == 200
    assert page["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.content).decode()
    assert 'href="tel:1288"' in html
    assert html.count('data-testid="need-shortcut"') == 8  # the seven and the hotlines' own family
    assets = _same_origin_assets(html)
    assert any(url.endswith("portal.css") for url in assets)
    sizes = {path: len(page.content)}
    for url in assets:
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        sizes[url] = _compressed_size(response)
    assert sum(sizes.values()) < BUDGET, sizes
