"""A small directory for the HSDS API tests, and validators of the official HSDS 3.0 schemas
(the copies in directory/hsds/schema/) and the OpenAPI `Page` envelope."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from wagtail.models import Locale

import directory.hsds
from directory.models import Location, Organization, Service, ServiceAtLocation, ServicePhone

SCHEMA_DIR = Path(directory.hsds.__file__).parent / "schema"
API = "/api/hsds/v3"


def _load(relative):
    return json.loads((SCHEMA_DIR / relative).read_text())


_REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(_load(name), default_specification=DRAFT202012))
    for name in ("taxonomy.json", "metadata.json")
)
_VALIDATORS = {}


def validator(name):
    """A Draft 2020-12 validator (formats checked) of an official schema, e.g. compiled/service."""
    if name not in _VALIDATORS:
        _VALIDATORS[name] = Draft202012Validator(
            _load(f"{name}.json"), registry=_REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return _VALIDATORS[name]


PAGE_SCHEMA = _load("openapi_official.json")["components"]["schemas"]["Page"]
PAGE_KEYS = set(PAGE_SCHEMA["properties"])


def assert_valid(name, document):
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def assert_page(document, item_schema):
    """The OpenAPI Page envelope (every key present, with its type) and each item valid."""
    Draft202012Validator(PAGE_SCHEMA).validate(document)
    assert PAGE_KEYS <= set(document), PAGE_KEYS - set(document)
    assert document["size"] == len(document["contents"])
    for item in document["contents"]:
        assert_valid(item_schema, item)


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:400])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.fixture
def directory_data(tiered_org, make_org, make_service):
    """The tiered organization (a shelter for partners, phones of each tier), plus an
    organization wholly translated into Khmer whose service is offered at an office, reached by
    WhatsApp, and a draft organization."""
    shelter_service = Service.objects.get(organization=tiered_org)
    shelter = Location.objects.get(organization=tiered_org, name="Recovery shelter")
    ServiceAtLocation.objects.create(service=shelter_service, location=shelter)

    legal = make_org("Mekong Legal Aid", slug="mekong-legal-aid", area_key="KH:12")
    legal_office = Location.objects.create(
        organization=legal,
        name="Legal aid office",
        location_type="office",
        area=legal.area,
        address="LEGAL-OFFICE 9 Street",
        latitude=11.5564,
        longitude=104.9282,
        visibility="public",
    )
    advice = make_service(
        legal,
        "Legal advice for survivors",
        terms=["LEGAL"],
        areas=["KH:12"],
        languages=["km"],
    )
    ServicePhone.objects.create(
        service=advice, number="+85512000505", channel="whatsapp", visibility="public"
    )
    ServicePhone.objects.create(service=advice, number="", channel="telegram", visibility="public")
    ServiceAtLocation.objects.create(service=advice, location=legal_office)
    km, _ = Locale.objects.get_or_create(language_code="km")
    legal_km = Organization.objects.create(
        name="ជំនួយផ្លូវច្បាប់មេគង្គ",
        slug="mekong-legal-aid",
        org_type=legal.org_type,
        country=legal.country,
        area=legal.area,
        locale=km,
        translation_key=legal.translation_key,
        description="សេវាច្បាប់",
        live=True,
    )
    Service.objects.create(
        organization=legal_km,
        name="ការប្រឹក្សាផ្លូវច្បាប់",
        description="ជំនួយ",
        locale=km,
        translation_key=advice.translation_key,
        live=True,
    )
    draft = make_org("Draft Org Not Published", slug="draft-org-np", live=False)
    make_service(draft, "Draft service")
    return {
        "tiered": tiered_org,
        "legal": legal,
        "advice": advice,
        "shelter_service": shelter_service,
        "draft": draft,
    }
