"""Confidential places: a shelter, or any place where a shelter-type service is offered, is never
public, on every route; the set of confidential service families is a setting; editors get a
list of rows that say "public" but are confidential; hidden entries answer like unknown ones."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from directory.models import Area, Location, OrganizationName, ServiceAtLocation
from directory.visibility import effective_visibility, is_confidential

DISTRICT_CENTRE = (12.9, 103.1)  # set on the district in each test (the reference data has none)
OFFICE_POINT = (12.9437, 103.1519)
SECRETS = ["HIDDEN-OFFICE-STREET", "Riverside Compound", "12.943", "103.151", "12.9437", "103.1519"]


@pytest.fixture
def district(db):
    area = Area.objects.get(key="KH:0203")
    area.latitude, area.longitude = DISTRICT_CENTRE
    area.save()
    return area


@pytest.fixture
def office_with_shelter(make_org, make_service, district):
    """A location typed "Office", marked public, where a shelter service is offered."""
    org = make_org("Harbour Women Centre", slug="harbour-women-centre", area_key="KH:02")
    office = Location.objects.create(
        organization=org,
        name="Riverside Compound",
        location_type="office",
        area=district,
        address="HIDDEN-OFFICE-STREET 9",
        latitude=OFFICE_POINT[0],
        longitude=OFFICE_POINT[1],
        visibility="public",
    )
    service = make_service(org, "Night shelter for girls", terms=["SHELTER.SHORT"])
    ServiceAtLocation.objects.create(service=service, location=office)
    return org, office, service


def page(client, slug, route="organization"):
    response = client.get(reverse(f"directory:{route}", kwargs={"slug": slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_rule_itself():
    assert is_confidential("shelter", False)
    assert is_confidential("office", True)
    assert not is_confidential("office", False)
    assert effective_visibility("office", "public", True) == "partners"
    assert effective_visibility("shelter", "public") == "partners"
    assert effective_visibility("office", "restricted", True) == "restricted"
    assert effective_visibility("office", "public") == "public"


def test_office_offering_a_shelter_service_is_area_only_for_the_public(office_with_shelter, partner_client):
    org, _office, service = office_with_shelter
    anonymous = Client()
    for route in ("organization", "organization_vcard", "organization_hsds"):
        body = page(anonymous, org.slug, route)
        for secret in SECRETS:
            assert secret not in body, (route, secret)
    html = page(anonymous, org.slug)
    assert "Address shared with partners only" in html
    assert "Battambang" in html  # the district is shown
    hsds = json.loads(page(anonymous, org.slug, "organization_hsds"))
    (location,) = hsds["locations"]
    assert location["name"] == "Office"  # its kind only
    assert not {"addresses", "latitude", "longitude", "transportation"} & set(location)
    # On the map: at the district centre, approximate.
    data = json.loads(anonymous.get("/map/services.geojson").content)
    (feature,) = [f for f in data["features"] if f["properties"]["s"] == service.pk]
    assert feature["geometry"]["coordinates"] == [DISTRICT_CENTRE[1], DISTRICT_CENTRE[0]]
    assert feature["properties"]["a"] == 1
    assert "Riverside" not in json.dumps(data)
    # Partners see it exactly (not vacuous).
    assert "HIDDEN-OFFICE-STREET" in page(partner_client, org.slug)
    data = json.loads(partner_client.get("/map/services.geojson").content)
    (feature,) = [f for f in data["features"] if f["properties"]["s"] == service.pk]
    assert feature["geometry"]["coordinates"] == [OFFICE_POINT[1], OFFICE_POINT[0]]


def test_confidential_families_are_a_setting(make_org, make_service, district, settings):
    org = make_org("Counsel Point", slug="counsel-point")
    office = Location.objects.create(
        organization=org,
        name="Riverside Compound",
        location_type="office",
        area=district,
        address="HIDDEN-OFFICE-STREET 9",
        visibility="public",
    )
    service = make_service(org, "Legal counselling", terms=["LEGAL"])
    ServiceAtLocation.objects.create(service=service, location=office)
    assert "HIDDEN-OFFICE-STREET" in page(Client(), org.slug)
    settings.DIRECTORY_CONFIDENTIAL_SERVICE_TYPES = ["SHELTER", "LEGAL"]
    assert "HIDDEN-OFFICE-STREET" not in page(Client(), org.slug)


def test_editor_form_refuses_public_for_a_confidential_place(office_with_shelter, make_org, district):
    _org, office, _service = office_with_shelter
    with pytest.raises(ValidationError) as error:
        office.clean()
    assert "shelter service is offered here" in str(error.value)
    office.visibility = "partners"
    office.clean()  # fine once it is not public
    shelter = Location(
        organization=make_org(), name="S", location_type="shelter", area=district, visibility="public"
    )
    with pytest.raises(ValidationError, match="never public"):
        shelter.clean()


def test_admin_report_lists_public_rows_that_are_confidential(
    office_with_shelter, make_org, district, editor_client, partner_user
):
    _org, office, _service = office_with_shelter
    legacy = make_org("Legacy Shelter Trust", slug="legacy-shelter-trust")
    shelter = Location.objects.create(
        organization=legacy, name="Old shelter", location_type="shelter", area=district, visibility="partners"
    )
    Location.objects.filter(pk=shelter.pk).update(visibility="public")  # as an old import left it
    fine = make_org("Plain Office Org", slug="plain-office-org")
    Location.objects.create(
        organization=fine, name="Plain office", location_type="office", area=district, visibility="public"
    )
    url = reverse("services_map_confidential_public")
    response = editor_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Riverside Compound" in html and "Night shelter for girls" in html
    assert "Old shelter" in html and "Legacy Shelter Trust" in html
    assert "Plain office" not in html
    assert reverse("wagtailsnippets_directory_organization:edit", args=[legacy.pk]) in html
    # Listed, not changed.
    assert Location.objects.get(pk=office.pk).visibility == "public"
    assert Location.objects.get(pk=shelter.pk).visibility == "public"
    partner = Client()
    partner.force_login(partner_user)
    assert partner.get(url).status_code in (302, 403)
    assert "Riverside" not in partner.get(url).content.decode()


def test_admin_report_lists_shelter_services_not_linked_to_a_location(
    make_org, make_service, district, editor_client
):
    org = make_org("Unlinked Refuge", slug="unlinked-refuge")
    Location.objects.create(
        organization=org, name="Town office", location_type="office", area=district, visibility="public"
    )
    service = make_service(org, "Overnight beds", terms=["SHELTER.SHORT"])
    make_service(org, "Legal clinic", terms=["LEGAL"])
    html = editor_client.get(reverse("services_map_confidential_public")).content.decode()
    assert f'data-service="{service.pk}"' in html
    assert "Town office" in html and "Legal clinic" not in html
    ServiceAtLocation.objects.create(service=service, location=org.locations.get())
    html = editor_client.get(reverse("services_map_confidential_public")).content.decode()
    assert f'data-service="{service.pk}"' not in html  # linked: the location is now listed instead
    assert "Town office" in html


def test_hidden_organization_answers_like_an_unknown_one(make_org, db):
    make_org("Unpublished Org", slug="unpublished-org", live=False)
    anonymous = Client()
    for path in ("/directory/{}/", "/directory/{}/vcard/", "/directory/{}/hsds.json"):
        hidden = anonymous.get(path.format("unpublished-org"))
        unknown = anonymous.get(path.format("never-existed-org"))
        assert hidden.status_code == unknown.status_code == 404, path
        assert "Location" not in hidden
    hidden = anonymous.post("/directory/unpublished-org/suggest/", {})
    assert (
        hidden.status_code == anonymous.post("/directory/never-existed-org/suggest/", {}).status_code == 404
    )


def test_basic_hsds_list_never_publishes_a_misspelling(make_org):
    org = make_org("Battambang Recovery Centre", slug="brc-names")
    OrganizationName.objects.create(
        organization=org, name="Batambang Recovry", kind="misspelling", sort_order=0
    )
    OrganizationName.objects.create(organization=org, name="BRC", kind="acronym", sort_order=1)
    data = json.loads(Client().get(reverse("directory:hsds_organizations")).content)
    (entry,) = [e for e in data["contents"] if e["name"] == "Battambang Recovery Centre"]
    assert entry["alternate_name"] == "BRC"
    only_typo = make_org("Only Typo Org", slug="only-typo-org")
    OrganizationName.objects.create(organization=only_typo, name="Onli Typo", kind="misspelling")
    data = json.loads(Client().get(reverse("directory:hsds_organizations")).content)
    (entry,) = [e for e in data["contents"] if e["name"] == "Only Typo Org"]
    assert "alternate_name" not in entry
    assert "Onli Typo" not in json.dumps(data)
