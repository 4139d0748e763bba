"""The organization page and its HSDS export: content, notices, phones and 404 rules."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from directory.models import (
    Area,
    Location,
    Organization,
    OrganizationName,
    OrganizationPhone,
    Schedule,
    ServiceContact,
    ServiceNationality,
)


def page(client, slug, **headers):
    response = client.get(reverse("directory:organization", kwargs={"slug": slug}), **headers)
    return response


@pytest.fixture
def full_org(make_org, make_service):
    parent = make_org("Ministry of Social Affairs", slug="mosvy")
    org = make_org(
        "Battambang Recovery Centre",
        slug="brc",
        area_key="KH:02",
        description="Recovery centre for returnees.\nSecond line.",
        website="https://brc.example.org/",
        email="intake@brc.example.org",
        email_visibility="public",
        parent_organization=parent,
        last_verified=datetime.date(2025, 3, 14),
        is_demo=True,
    )
    OrganizationName.objects.create(organization=org, name="BRC", kind="acronym")
    OrganizationName.objects.create(organization=org, name="Battambang Transit Home", kind="alias")
    OrganizationName.objects.create(organization=org, name="Provincial Reception Hall", kind="former", note="until 2004")
    OrganizationName.objects.create(organization=org, name="Batambang Recovry", kind="misspelling")
    OrganizationPhone.objects.create(
        organization=org, number="+85523000101", channel="hotline", visibility="public",
        description="Intake line", languages="km, th", verified_on=datetime.date(2025, 3, 1),
    )
    OrganizationPhone.objects.create(organization=org, number="", channel="whatsapp", visibility="public")
    OrganizationPhone.objects.create(organization=org, number="+66812345678", channel="voice", visibility="public")
    service = make_service(
        org,
        "Short-stay shelter for girls",
        terms=["SHELTER.SHORT"],
        areas=["KH:02"],
        languages=["km", "vi"],
        description="Up to six weeks.",
        minimum_age=12,
        maximum_age=17,
        serves_women=True,
        serves_men=False,
        trafficking_marriage=True,
        trafficking_sexual=True,
        accepting_referrals="yes",
        beds_total=20,
        beds_available=4,
        capacity_as_of=timezone.localdate() - datetime.timedelta(days=90),
        application_process="Call the intake line first.",
        referral_form_url="https://brc.example.org/form.pdf",
    )
    ServiceNationality.objects.create(service=service, country=Area.objects.get(key="VN"))
    Schedule.objects.create(service=service, weekday="MO", opens_at=datetime.time(8), closes_at=datetime.time(17))
    Schedule.objects.create(service=service, weekday="", open_24h=True, note="Hotline")
    ServiceContact.objects.create(service=service, role="Intake desk", email="desk@brc.example.org", visibility="public")
    make_service(org, "Draft counselling", live=False)
    return org


def test_page_shows_the_organization(client, full_org):
    response = page(client, "brc")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Battambang Recovery Centre",
        "(BRC)",
        "Battambang Transit Home",
        "Provincial Reception Hall",
        "until 2004",
        "National NGO",
        "Recovery centre for returnees.<br>Second line.",
        "https://brc.example.org/",
        "mailto:intake@brc.example.org",
        'href="/directory/mosvy/" data-testid="parent-link"',
        'data-testid="demo-badge"',
        '<time datetime="2025-03-14">14 March 2025</time>',
        'href="/directory/brc/vcard/"',
        'href="/directory/brc/hsds.json"',
    ]:
        assert text in html, text
    assert "Batambang Recovry" not in html  # misspellings help search; they are not shown
    assert "Draft counselling" not in html


def test_service_details(client, full_org):
    html = page(client, "brc").content.decode()
    service = full_org.services.get(name="Short-stay shelter for girls")
    section = html[html.index(f'id="service-{service.pk}"') :]
    section = section[: section.index("</section>")]
    for text in [
        "Emergency &amp; short-term shelter",
        "Up to six weeks.",
        "Ages 12 to 17",
        "Accepts women and girls",
        "Does not accept male survivors",
        "sexual exploitation",
        "forced or brokered marriage",
        "Vietnam",
        "Khmer",
        "Vietnamese",
        "Monday",
        "08:00–17:00",
        "Every day",
        "Open 24 hours",
        "Accepting referrals",
        "4 of 20 beds free",
        "as of",
        'data-testid="capacity-stale"',
        "Call the intake line first.",
        'href="https://brc.example.org/form.pdf"',
        "Battambang",
        "Intake desk",
        "mailto:desk@brc.example.org",
    ]:
        assert text in section, text


def test_fresh_capacity_has_no_stale_warning(client, make_org, make_service):
    org = make_org(slug="fresh")
    make_service(org, accepting_referrals="full", capacity_as_of=timezone.localdate())
    html = page(client, "fresh").content.decode()
    assert "Full" in html
    assert 'data-testid="capacity-stale"' not in html


def test_phones_national_format_tel_link_and_unverified(client, full_org):
    html = page(client, "brc").content.decode()
    assert '<a class="tel" href="tel:+85523000101">023 000 101</a>' in html
    assert '<a class="tel" href="tel:+66812345678">+66 81 234 5678</a>' in html  # abroad: international
    assert "Hotline" in html and "Intake line" in html and "Thai" in html
    phones = html[html.index('class="plain phones"') :]
    phones = phones[: phones.index("</ul>")]
    items = phones.split('data-testid="phone"')[1:]
    assert len(items) == 3
    verified, empty, unverified = items
    assert "number not yet verified" not in verified
    assert "number not yet verified" in empty and "WhatsApp" in empty and "tel:" not in empty
    assert "number not yet verified" in unverified and "tel:+66812345678" in unverified


def test_last_verified_missing(client, make_org):
    make_org(slug="never-checked")
    html = page(client, "never-checked").content.decode()
    assert 'data-testid="last-verified"' in html
    assert "Not yet verified" in html


@pytest.mark.parametrize(
    ("status", "headline"),
    [
        ("merged", "has merged into another"),
        ("renamed", "has been renamed"),
        ("closed", "has closed"),
    ],
)
def test_successor_notice(client, make_org, status, headline):
    new = make_org("Ministry of Social Affairs, Veterans and Youth Rehabilitation", slug="mosvy-new")
    make_org("MOSALVY", slug="mosalvy", status=status, successor=new, successor_note="Functions moved in 2004.")
    html = page(client, "mosalvy").content.decode()
    notice = html[html.index('data-testid="successor-notice"') :]
    notice = notice[: notice.index("</div>")]
    assert headline in notice
    assert 'href="/directory/mosvy-new/"' in notice
    assert "Functions moved in 2004." in notice
    # The successor page names its predecessor.
    assert 'href="/directory/mosalvy/"' in page(client, "mosvy-new").content.decode()


def test_closed_without_published_successor(client, make_org):
    hidden = make_org("Hidden Successor", slug="hidden-successor", live=False)
    make_org("Closed Centre", slug="closed-centre", status="closed", successor=hidden)
    html = page(client, "closed-centre").content.decode()
    assert 'data-testid="successor-notice"' in html
    assert "Hidden Successor" not in html
    assert "Check before referring anyone." in html


def test_unpublished_and_unknown_organizations_are_404(client, make_org):
    make_org("Draft Organization", slug="draft-org", live=False)
    assert page(client, "draft-org").status_code == 404
    assert page(client, "no-such-org").status_code == 404
    for name in ("organization_vcard", "organization_hsds"):
        assert client.get(reverse(f"directory:{name}", kwargs={"slug": "draft-org"})).status_code == 404


def test_unpublished_page_is_404_even_for_editors(editor_client, make_org):
    make_org("Draft Organization", slug="draft-org-2", live=False)
    assert page(editor_client, "draft-org-2").status_code == 404


def test_khmer_translation_is_shown_in_khmer(client, make_org):
    org = make_org("Cambodian Women's Crisis Center", slug="cwcc", description="English description")
    km, _ = Locale.objects.get_or_create(language_code="km")
    Organization.objects.create(
        name="មជ្ឈមណ្ឌលវិបត្តិស្ត្រីកម្ពុជា",
        slug="cwcc",
        org_type=org.org_type,
        country=org.country,
        area=org.area,
        locale=km,
        translation_key=org.translation_key,
        description="ការពិពណ៌នាជាភាសាខ្មែរ",
        live=True,
    )
    assert "Cambodian Women&#x27;s Crisis Center" in page(client, "cwcc").content.decode()
    html = client.get("/km/directory/cwcc/").content.decode()
    assert "មជ្ឈមណ្ឌលវិបត្តិស្ត្រីកម្ពុជា" in html
    assert "ការពិពណ៌នាជាភាសាខ្មែរ" in html


def test_draft_khmer_translation_falls_back_to_english(client, make_org):
    org = make_org("English Only Org", slug="eng-only")
    km, _ = Locale.objects.get_or_create(language_code="km")
    Organization.objects.create(
        name="សេចក្តីព្រាង", slug="eng-only", org_type=org.org_type, country=org.country,
        locale=km, translation_key=org.translation_key, live=False,
    )
    html = client.get("/km/directory/eng-only/").content.decode()
    assert "English Only Org" in html
    assert "សេចក្តីព្រាង" not in html


def test_location_area_always_shown(client, make_org):
    org = make_org(slug="with-office", area_key="KH:12")
    Location.objects.create(
        organization=org, name="Main office", area=Area.objects.get(key="KH:02"),
        address="12 Street 3", latitude=13.1, longitude=103.2, visibility="public",
    )
    html = page(client, "with-office").content.decode()
    assert "Main office" in html and "Battambang, Cambodia" in html
    assert "12 Street 3" in html and "13.10000" in html


def test_text_fields_are_escaped(client, make_org):
    make_org('<img src=x onerror="alert(1)">', slug="xss", description="<script>alert(2)</script>")
    html = page(client, "xss").content.decode()
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_query_count_is_bounded(client, full_org, make_service, django_assert_max_num_queries, _index_follows_saves):
    for i in range(6):
        make_service(full_org, f"Extra service {i}", terms=["HELP.TIP", "PSY"], areas=["KH:02"], languages=["km"])
    _index_follows_saves(None)  # the test's own index refresh (tests/index_sync.py) is not the page's cost
    with django_assert_max_num_queries(30):
        assert page(client, "brc").status_code == 200


# -- HSDS shape -------------------------------------------------------------------------------


def test_hsds_shape(client, full_org):
    response = client.get(reverse("directory:organization_hsds", kwargs={"slug": "brc"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["id"] == str(full_org.translation_key)
    assert data["name"] == "Battambang Recovery Centre"
    assert data["alternate_name"] == "BRC"
    assert data["email"] == "intake@brc.example.org"
    assert data["website"] == "https://brc.example.org/"
    assert data["parent_organization_id"]
    # A channel without a verified number is not emitted (HSDS requires a number).
    assert {p["number"] for p in data["phones"]} == {"+85523000101", "+66812345678"}
    hotline = next(p for p in data["phones"] if p["number"] == "+85523000101")
    # RFC 6350 type; that it is a hotline is said in the description.
    assert hotline["type"] == "voice" and hotline["description"].startswith("Hotline")
    assert [lang["code"] for lang in hotline["languages"]] == ["km", "th"]
    (service,) = data["services"]
    for key in ("id", "name", "status", "phones", "schedules", "service_areas", "languages", "contacts"):
        assert key in service, key
    assert service["minimum_age"] == 12 and service["maximum_age"] == 17
    assert {s["byday"] for s in service["schedules"]} == {"MO", "MO,TU,WE,TH,FR,SA,SU"}
    monday = next(s for s in service["schedules"] if s["byday"] == "MO")
    assert monday["opens_at"] == "08:00:00" and monday["closes_at"] == "17:00:00"
    assert service["service_areas"][0]["name"] == "Battambang"
    assert {lang["code"] for lang in service["languages"]} == {"km", "vi"}
    assert service["attributes"][0]["taxonomy_term"]["code"] == "SHELTER.SHORT"
    assert service["contacts"][0]["title"] == "Intake desk"
    # Every record has a UUID, unique except for shared taxonomy terms.
    ids = []

    def walk(node, key=None):
        if isinstance(node, dict):
            if key != "taxonomy_term":
                ids.append(str(uuid.UUID(node["id"])))
            for child_key, value in node.items():
                walk(value, child_key)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)

    walk(data)
    assert len(ids) > 10
    assert len(ids) == len(set(ids))
