"""Organization type is a filter with counts on the directory, the search page and the map: an
embassy official looks for a counterpart ministry, a social worker for an NGO."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from directory.models import Visibility
from directory.models.organization import OrganizationPhone


def _facet(html, name="orgtype"):
    pattern = rf'data-facet="{name}" data-value="([^"]+)" data-count="(\d+)"'
    return {value: int(count) for value, count in re.findall(pattern, html)}


def _slugs(html):
    return re.findall(r'data-testid="result" data-slug="([^"]+)"', html)


def _get(client, name, **params):
    response = client.get(f"{reverse(name)}?{urlencode(params, doseq=True)}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def counterparts(make_org, make_service):
    made = {
        "mosvy": make_org("Ministry of Social Affairs", slug="mosvy", org_type="ministry"),
        "moi": make_org("Ministry of Interior", slug="moi", org_type="ministry", area_key="KH:02"),
        "thai-embassy": make_org("Royal Thai Embassy", slug="thai-embassy", org_type="diplomatic_mission"),
        "ngo": make_org("Riverside Legal Aid", slug="ngo", org_type="national_ngo", area_key="KH:02"),
        "draft": make_org("Draft Ministry", slug="draft", org_type="ministry", live=False),
    }
    make_service(made["mosvy"], "Repatriation desk", terms=["RETURN"])
    make_service(made["moi"], "Counter-trafficking police", terms=["LEGAL"])
    make_service(made["thai-embassy"], "Consular assistance", terms=["LEGAL"])
    make_service(made["ngo"], "Legal advice", terms=["LEGAL"])
    make_service(made["draft"], "Draft desk", terms=["LEGAL"])
    return made


def test_directory_counts_organizations_by_type_and_filters_by_it(client, counterparts):
    html = _get(client, "directory:index")
    assert _facet(html) == {"ministry": 2, "diplomatic_mission": 1, "national_ngo": 1}
    assert "Embassy or consulate" in html

    html = _get(client, "directory:index", orgtype="ministry")
    assert sorted(_slugs(html)) == ["moi", "mosvy"]
    # The type's own counts ignore its choice (other values say what choosing them would add);
    # the other facets follow it.
    assert _facet(html) == {"ministry": 2, "diplomatic_mission": 1, "national_ngo": 1}
    assert _facet(html, "province").get("battambang") == 1

    html = _get(client, "directory:index", orgtype=["ministry", "diplomatic_mission"], type="LEGAL")
    assert sorted(_slugs(html)) == ["moi", "thai-embassy"]
    assert _facet(html) == {"ministry": 1, "diplomatic_mission": 1, "national_ngo": 1}


def test_an_unknown_type_is_ignored_and_a_chosen_one_stays_at_zero(client, counterparts):
    html = _get(client, "directory:index", orgtype=["donor", "<script>", "ministry"], province="battambang")
    assert sorted(_slugs(html)) == ["moi"]
    counts = _facet(html)
    assert counts["donor"] == 0 and "<script>" not in html


def test_the_search_page_counts_hits_by_the_type_of_their_organization(client, counterparts):
    html = _get(client, "search:index", q="legal")
    counts = _facet(html)
    # Hits are organizations and services: the NGO (name and service), the embassy's and the
    # police's services; never the unpublished ministry.
    assert counts.get("diplomatic_mission") and counts.get("national_ngo") and counts.get("ministry")
    html = _get(client, "search:index", q="legal", orgtype="diplomatic_mission")
    assert "Consular assistance" in html
    assert "Riverside Legal Aid" not in html and "Draft" not in html


def test_the_map_filters_and_counts_by_organization_type(client, counterparts):
    html = _get(client, "services_map:index", orgtype="diplomatic_mission")
    assert _facet(html) == {"ministry": 2, "diplomatic_mission": 1, "national_ngo": 1}
    assert "Consular assistance" in html and "Legal advice" not in html


def test_a_hidden_phone_does_not_change_a_type_count(client, counterparts):
    """Counts come from published, public index data: adding a restricted phone changes nothing."""
    before = _facet(_get(client, "directory:index"))
    OrganizationPhone.objects.create(
        organization=counterparts["ngo"], number="+85523990011", visibility=Visibility.RESTRICTED
    )
    assert _facet(_get(client, "directory:index")) == before
