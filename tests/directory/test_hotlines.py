"""Hotline short codes: entered in the admin, stored with their country, dialled as tel:1288 on the
page, in the vCard and in HSDS; unknown codes refused naming the country; ordinary numbers stay
E.164. National hotlines are listed first on the home page, province pages and referral packs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from directory.models import Organization, OrganizationPhone, ServicePhone
from directory.validators import normalise_phone

from .test_admin import form_errors, organization_form, service_form


@pytest.mark.django_db
def test_short_code_round_trip_admin_page_vcard_hsds(admin_client):
    data = organization_form(admin_client, name="Anti-Trafficking Police", slug="at-police")
    data.add_row(
        "phones", number="1288", channel="hotline", description="Report trafficking", hours="24 hours",
        languages="km, en", verified_on=datetime.date(2026, 1, 5),
    )
    data.add_row("phones", number="012 345 678", channel="voice", description="Office")
    response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)

    org = Organization.objects.get(slug="at-police")
    hotline, office = org.phones.order_by("sort_order")
    assert (hotline.number, hotline.country) == ("1288", "KH")  # stored as dialled, with its country
    assert (office.number, office.country) == ("+85512345678", "KH")  # ordinary numbers: E.164

    public = Client()
    html = public.get(reverse("directory:organization", args=["at-police"])).content.decode()
    assert '<a class="tel" href="tel:1288">1288</a>' in html
    assert "short code, dial in Cambodia" in html
    assert 'data-testid="phone-purpose">Report trafficking<' in html
    assert 'data-testid="phone-hours">Hours: 24 hours<' in html
    assert "Languages: Khmer, English" in html
    assert 'href="tel:+85512345678"' in html

    vcard = public.get(reverse("directory:organization_vcard", args=["at-police"])).content.decode()
    assert "TEL;TYPE=WORK,VOICE:1288\r\n" in vcard
    assert "TEL;TYPE=WORK,VOICE:+85512345678\r\n" in vcard

    hsds = public.get(reverse("directory:organization_hsds", args=["at-police"])).json()
    phones = {p["number"]: p for p in hsds["phones"]}
    assert set(phones) == {"1288", "+85512345678"}
    assert phones["1288"]["type"] == "voice"  # RFC 6350; the hotline is named in the description
    assert phones["1288"]["description"] == (
        "Hotline; Report trafficking; hours: 24 hours; short code, dialled in Cambodia only"
    )


@pytest.mark.django_db
def test_service_phone_short_code_of_another_country(admin_client, make_org):
    org = make_org(slug="thai-helpline")
    data = service_form(admin_client, org, name="Prachabodi helpline")
    data.add_row("phones", number="1300", channel="hotline", country="TH", description="Social assistance")
    response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    phone = ServicePhone.objects.get(service__name="Prachabodi helpline")
    assert (phone.number, phone.country, phone.tel_uri) == ("1300", "TH", "tel:1300")
    assert phone.short_code_note == "short code, dial in Thailand"


@pytest.mark.django_db
def test_unknown_short_code_is_refused_in_the_admin_naming_the_country(admin_client, make_org):
    data = service_form(admin_client, make_org(slug="wrong-code"))
    data.add_row("phones", number="1288", channel="hotline", country="TH")
    response = data.post(admin_client, action="publish")
    assert response.status_code == 200
    errors = form_errors(response)
    assert "phones-0-number" in errors, errors
    message = " ".join(errors["phones-0-number"])
    assert "“1288” is not a hotline or emergency short code known for Thailand" in message
    assert not ServicePhone.objects.exists()  # nothing half-saved


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("1288", "", ("1288", "KH")),
        ("1280", "KH", ("1280", "KH")),
        ("117", "KH", ("117", "KH")),  # in phonenumbers' own short-number metadata
        ("1297", "KH", ("1297", "KH")),
        ("12 88", "KH", ("1288", "KH")),
        ("1300", "TH", ("1300", "TH")),
        ("191", "TH", ("191", "TH")),  # Thai police, from phonenumbers' metadata
        # Ordinary numbers stay E.164, with the country they belong to.
        ("012 345 678", "", ("+85512345678", "KH")),
        ("+855 23 212 345", "KH", ("+85523212345", "KH")),
        ("+66 2 123 4567", "KH", ("+6621234567", "TH")),
        ("02 123 4567", "TH", ("+6621234567", "TH")),
    ],
)
def test_numbers_are_stored_as_dialled_or_e164(typed, country, stored):
    phone = OrganizationPhone(number=typed, country=country)
    phone.clean()
    assert (phone.number, phone.country) == stored


@pytest.mark.parametrize(
    ("typed", "country", "name"),
    [("1300", "KH", "Cambodia"), ("1288", "TH", "Thailand"), ("999", "VN", "Vietnam"), ("12", "", "Cambodia")],
)
def test_unknown_short_code_is_refused_naming_the_country(typed, country, name):
    with pytest.raises(ValidationError) as exc:
        OrganizationPhone(number=typed, country=country).clean()
    (message,) = exc.value.message_dict["number"]
    assert f"is not a hotline or emergency short code known for {name}" in message
    with pytest.raises(ValidationError):
        normalise_phone(typed, country or None)


# --- national hotlines first -------------------------------------------------------------------


@pytest.fixture
def hotlines(make_org, make_service):
    """A nationwide hotline with no number yet (as in the demo), a short-code hotline filed under
    Phnom Penh, a partners-only hotline and a provincial hotline."""
    national = make_org("National Helpline Org", slug="national-helpline", area_key="KH:12")
    unverified = make_service(national, "Child helpline", terms=["HELP.TIP"], areas=["KH"])
    ServicePhone.objects.create(service=unverified, number="", channel="hotline", visibility="public",
                                description="Hotline")
    police = make_org("Police Hotline Org", slug="police-hotline", area_key="KH:12")
    short = make_service(police, "Trafficking report line", terms=["HELP.TIP"], areas=["KH:12"])
    ServicePhone.objects.create(service=short, number="1288", country="KH", channel="hotline",
                                visibility="public", description="Report trafficking", hours="24 hours",
                                languages="km", verified_on=datetime.date(2026, 1, 5))
    hidden = make_service(police, "Partners duty line", terms=["HELP.TIP"], areas=["KH"])
    ServicePhone.objects.create(service=hidden, number="+85512000999", channel="hotline", visibility="partners")
    local = make_org("Battambang Line", slug="bb-line", area_key="KH:02")
    provincial = make_service(local, "Battambang advice line", terms=["HELP.TIP"], areas=["KH:02"])
    ServicePhone.objects.create(service=provincial, number="+85553000111", channel="hotline", visibility="public")
    return {"unverified": unverified, "short": short, "provincial": provincial}


def _block(html):
    start = html.index('data-testid="national-hotlines"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_home_page_lists_national_hotlines_first(client, hotlines):
    html = client.get("/").content.decode()
    block = _block(html)
    assert html.index('data-testid="national-hotlines"') < html.index('role="search"')
    # Only numbers entered and verified are offered to call on the home page (issue 16); the
    # hotline whose number is not yet entered is listed on province pages and referral packs.
    assert '<a class="call-link" href="tel:1288"' in block
    assert "Report trafficking" in block and "Hours: 24 hours" in block and "Languages: Khmer" in block
    assert "Child helpline" not in block
    assert "+85512000999" not in html and "12 000 999" not in html  # partners only
    assert "Battambang advice line" not in block  # a provincial line is not national


@pytest.mark.django_db
def test_province_page_lists_national_hotlines_before_its_services(client, hotlines):
    html = client.get(reverse("services_map:coverage_area", args=["battambang"])).content.decode()
    block = _block(html)
    assert "Trafficking report line" in block and "Child helpline" in block
    assert html.index('data-testid="national-hotlines"') < html.index("Battambang advice line")


@pytest.mark.django_db
def test_referral_pack_prints_national_hotlines_first(client, hotlines):
    html = client.get(reverse("services_map:pack", args=["battambang"])).content.decode()
    # The short code does not reach Battambang on the coverage report: printed above the sections.
    national = html[html.index('data-testid="pack-national-hotlines"') : html.index('class="pack-sections"')]
    assert "<strong>1288</strong>" in national and "Report trafficking" in national and "24 hours" in national
    # The nationwide hotline leads the Hotlines section, before the province's own line.
    help_section = html[html.index('data-code="HELP"') :]
    help_section = help_section[: help_section.index("</section>")]
    assert help_section.index("Child helpline") < help_section.index("Battambang advice line")
    assert "number not yet verified" in help_section
