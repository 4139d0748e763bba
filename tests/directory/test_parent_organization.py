"""Parent organizations (HSDS parent_organization_id): "Part of <ministry>" on a department's
page, the ministry's page listing its published departments only, the HSDS output, search by
the ministry's names plus the department's province, and the demo data's links."""

import re

import pytest
from django.urls import reverse

from directory.demo.loader import fixture_records
from directory.demo.parents import parent_slug
from directory.models import OrganizationName
from search import api, registry
from search.engines import database_engine


@pytest.fixture
def ministry(make_org):
    org = make_org("Ministry of Labour and Vocational Training", slug="molvt", org_type="ministry")
    OrganizationName.objects.create(organization=org, name="MoLVT", kind="acronym")
    units = {
        "battambang": make_org(
            "Provincial Department of Labour and Vocational Training, North",
            slug="dolvt-north",
            area_key="KH:02",
            org_type="subnational_government",
            parent_organization=org,
        ),
        "svay_rieng": make_org(
            "Provincial Department of Labour and Vocational Training, East",
            slug="dolvt-east",
            area_key="KH:20",
            org_type="subnational_government",
            parent_organization=org,
        ),
        "draft": make_org(
            "Unpublished Labour Office HIDDENUNIT",
            slug="hidden-unit",
            live=False,
            parent_organization=org,
        ),
    }
    return org, units


def unit_links(html):
    return re.findall(r'<a href="([^"]+)" data-testid="unit-link">', html)


def test_the_ministry_page_lists_its_published_departments(client, ministry):
    html = client.get("/directory/molvt/").content.decode()
    assert unit_links(html) == ["/directory/dolvt-east/", "/directory/dolvt-north/"]
    assert "(Battambang)" in html


@pytest.mark.parametrize("viewer", ["anonymous", "partner", "editor"])
def test_an_unpublished_department_is_never_listed_on_the_ministry_page(
    client, ministry, partner_user, editor_user, viewer
):
    if viewer != "anonymous":
        client.force_login(partner_user if viewer == "partner" else editor_user)
    html = client.get("/directory/molvt/").content.decode()
    assert "HIDDENUNIT" not in html
    assert "/directory/hidden-unit/" not in html


def test_a_page_without_departments_has_no_department_list(client, ministry):
    html = client.get("/directory/dolvt-north/").content.decode()
    assert 'data-testid="org-units"' not in html
    assert 'href="/directory/molvt/" data-testid="parent-link"' in html


def test_hsds_lists_the_parent_organization_id_of_published_parents_only(client, ministry, make_org):
    org, units = ministry
    orphan = make_org("Orphaned Office", slug="orphan", parent_organization=units["draft"])
    response = client.get(reverse("directory:hsds_organizations"), {"per_page": 50})
    by_id = {row["id"]: row for row in response.json()["contents"]}
    assert by_id[str(units["battambang"].translation_key)]["parent_organization_id"] == str(org.translation_key)
    assert "parent_organization_id" not in by_id[str(org.translation_key)]
    assert "parent_organization_id" not in by_id[str(orphan.translation_key)]  # its parent is a draft
    single = client.get("/directory/dolvt-east/hsds.json").json()
    assert single["parent_organization_id"] == str(org.translation_key)


def test_the_ministry_acronym_and_a_province_find_the_provincial_department(client, ministry):
    api.rebuild(database_engine())
    html = client.get(reverse("directory:index"), {"q": "MoLVT Battambang"}).content.decode()
    slugs = re.findall(r'data-testid="result" data-slug="([^"]+)"', html)
    assert slugs[0] == "dolvt-north"
    assert "dolvt-east" not in slugs


def test_a_parent_change_reindexes_its_departments(ministry):
    org, units = ministry
    affected = registry.get_kind("organization").affected(org)
    keys = {key for _kind, key in affected}
    assert str(units["battambang"].translation_key) in keys
    assert str(units["svay_rieng"].translation_key) in keys


def test_demo_provincial_departments_belong_to_their_ministries():
    records = fixture_records()
    slugs = {r["slug"] for r in records}
    parents = {r["slug"]: parent_slug(r) for r in records}
    provincial = [s for s in slugs if s.startswith(("provincial-labour-department-", "provincial-department-of-"))]
    assert len(provincial) >= 5
    for slug in provincial:
        assert parents[slug] in slugs, slug
    labour = [s for s, p in parents.items() if p == "ministry-of-labour-and-vocational-training"]
    assert {"provincial-labour-department-battambang", "provincial-labour-department-svay-rieng"} <= set(labour)
    # A parent named by the fixture itself is kept.
    assert parents["poipet-transit-centre-mosvy"] == "ministry-of-social-affairs-veterans-and-youth-rehabilitation"


def test_the_admin_form_chooses_the_parent_with_the_organization_chooser(admin_client, ministry):
    _org, units = ministry
    url = reverse("wagtailsnippets_directory_organization:edit", args=[units["battambang"].pk])
    html = admin_client.get(url).content.decode()
    chooser = reverse("wagtailsnippetchoosers_directory_organization:choose")
    field = re.search(r'<input[^>]*name="parent_organization"[^>]*>', html).group(0)
    assert f'value="{_org.pk}"' in field
    assert chooser in html
