"""A small directory with every kind of record the HSDS exchange carries, in every tier."""

import datetime
import io
import zipfile

import pytest

from directory.models import (
    Language,
    Location,
    OrganizationContact,
    OrganizationIdentifier,
    OrganizationName,
    OrganizationPhone,
    Schedule,
    ServiceAtLocation,
    ServiceContact,
    ServiceLanguage,
    ServiceNationality,
    ServicePhone,
)
from tests.conftest import area, build_tiered_org


@pytest.fixture
def shelter_org(make_org, make_service):
    """tests/conftest.py's `tiered_org` (an item of each tier on every record that has a tier,
    a shelter), with numbers that are valid (fictional) Cambodian numbers, as an import
    requires."""
    return build_tiered_org(
        make_org,
        make_service,
        numbers=("+85523990101", "+85523990202", "+85523990303"),
        hotline="+85512990404",
        shelter_area_key="KH:02",
    )


@pytest.fixture
def exchange_directory(shelter_org, make_org, make_service):
    """`shelter_org` plus a second, fuller organization that is a unit of it."""
    tiered_org = shelter_org
    org = make_org(
        "Mekong Legal Aid Network",
        slug="mekong-legal-aid-network",
        area_key="KH:12",
        description="Free legal help for returned migrant workers.",
        website="https://legal.example.org",
        email="help@example.org",
        email_visibility="public",
        parent_organization=tiered_org,
    )
    OrganizationName.objects.create(organization=org, name="MLAN", kind="acronym")
    OrganizationIdentifier.objects.create(
        organization=org, identifier_scheme="KH-MOI", identifier_type="NGO registration", identifier="1234"
    )
    OrganizationPhone.objects.create(
        organization=org,
        number="+85523990555",
        channel="voice",
        visibility="public",
        description="Reception",
        hours="Mon–Fri 8–17",
    )
    OrganizationPhone.objects.create(
        organization=org,
        number="+85512990666",
        channel="whatsapp",
        visibility="public",
        description="Chat with a lawyer",
    )
    OrganizationPhone.objects.create(
        organization=org, number="1288", country="KH", channel="hotline", visibility="public"
    )
    OrganizationContact.objects.create(
        organization=org, role="Intake desk", email="intake@example.org", visibility="public"
    )
    office = Location.objects.create(
        organization=org,
        name="Phnom Penh office",
        location_type="office",
        area=area("KH:12"),
        address="12 Street 123, Phnom Penh",
        latitude=11.5564,
        longitude=104.9282,
        visibility="public",
        directions="Near the Central Market",
    )
    service = make_service(
        org,
        "Legal aid for deported workers",
        terms=["LEGAL"],
        areas=["KH:12", "KH:02"],
        languages=["km", "th"],
        description="Lawyers accompany survivors through court.",
        url="https://legal.example.org/aid",
        eligibility_description="Returned migrants.",
        serves_migrants=True,
        serves_men=False,
        minimum_age=16,
        application_process="Call the desk.",
        fees_description="Free",
        status="active",
        email="aid@example.org",
        email_visibility="public",
    )
    ServiceNationality.objects.create(service=service, country=area("TH"))
    ServiceAtLocation.objects.create(service=service, location=office)
    Schedule.objects.create(
        service=service, weekday="MO", opens_at=datetime.time(8), closes_at=datetime.time(17)
    )
    Schedule.objects.create(service=service, open_24h=True, note="Hotline")
    ServicePhone.objects.create(service=service, number="+85523990777", channel="voice", visibility="public")
    ServicePhone.objects.create(
        service=service,
        number="+85523990888",
        channel="voice",
        visibility="partners",
        description="PARTNERS-ONLY line",
    )
    ServiceContact.objects.create(
        service=service, role="Duty lawyer", department="Courts", visibility="public", phone="+85523990999"
    )
    ServiceLanguage.objects.filter(service=service)  # languages come from make_service
    assert Language.objects.filter(code="th").exists()
    return [tiered_org, org]


def unzip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
