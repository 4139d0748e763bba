"""The HSDS 3.0 API over the whole directory: pages of organizations, one organization by id,
and the same tier rules as every other route."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from directory.models import Organization

pytestmark = pytest.mark.django_db
LIST = "/directory/hsds/organizations/"


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_root_points_to_the_organizations(client):
    # The old address answers the root of /api/hsds/v3/ (tests/hsds_api/ test the API itself).
    data = get_json(client, "/directory/hsds/")
    assert data["version"] == "3.0"
    assert data["organizations"].endswith("/api/hsds/v3/organizations")


def test_pages_list_published_organizations_only(client, make_org):
    make_org("Alpha Org", slug="alpha-org")
    make_org("Bravo Org", slug="bravo-org")
    make_org("Draft Org", slug="draft-org", live=False)
    first = get_json(client, LIST, per_page=1)
    assert first["total_items"] == 2 and first["total_pages"] == 2 and first["size"] == 1
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    assert [o["name"] for o in first["contents"]] == ["Alpha Org"]
    second = get_json(client, LIST, per_page=1, page=2)
    assert [o["name"] for o in second["contents"]] == ["Bravo Org"] and second["last_page"]
    assert "Draft Org" not in json.dumps(get_json(client, LIST))
    # Bad paging parameters answer 400; a page past the last is empty (a client paging until an
    # empty page stops).
    get_json(client, LIST, status=400, page="abc")
    get_json(client, LIST, status=400, per_page=100000)
    past = get_json(client, LIST, page=99, per_page=1)
    assert past["page_number"] == 99 and past["contents"] == [] and past["empty"]


def test_basic_list_respects_the_email_tier(partner_client, make_org):
    client = Client()  # anonymous (the `client` fixture is the partner's client here)
    make_org("Quiet Org", slug="quiet-org", email="quiet@example.org", email_visibility="partners")
    assert "quiet@example.org" not in json.dumps(get_json(client, LIST))
    assert "quiet@example.org" in json.dumps(get_json(partner_client, LIST))


def test_full_list_cuts_nested_records_to_the_viewer_tier(partner_client, tiered_org):
    client = Client()
    anonymous = json.dumps(get_json(client, LIST, full="true"))
    assert "+85523000101" in anonymous
    assert "+85523000202" not in anonymous and "+85523000303" not in anonymous
    assert "SECRET-SHELTER-ADDRESS" not in anonymous and "13.0951" not in anonymous
    partner = json.dumps(get_json(partner_client, LIST, full="true"))
    assert "+85523000202" in partner and "+85523000303" not in partner


def test_one_organization_by_its_hsds_id(client, tiered_org, make_org):
    data = get_json(client, f"{LIST}{tiered_org.translation_key}/")
    assert data["id"] == str(tiered_org.translation_key)
    assert [p["number"] for p in data["phones"]] == ["+85523000101"]
    draft = make_org("Hidden Draft", slug="hidden-draft", live=False)
    assert "error" in get_json(client, f"{LIST}{draft.translation_key}/", status=404)
    get_json(client, f"{LIST}{uuid.uuid4()}/", status=404)


def test_hsds_is_not_a_usable_organization_slug(make_org):
    org = Organization(name="X", slug="hsds", org_type="national_ngo")
    with pytest.raises(ValidationError) as excinfo:
        org.clean()
    assert "slug" in excinfo.value.message_dict
