"""Eligibility is yes / no / not stated: filters, search facets and HSDS match only "yes", pages
say each state in words, the migration turns unexamined defaults into "not stated" and the admin
report lists what it could not map."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from directory.eligibility import FIELDS
from directory.filters import GROUP_QS
from directory.models import Service, UnmappedEligibility
from search import api
from search.contract import Query
from search.engines.database import DatabaseEngine

from .test_listing import get, names

migration = importlib.import_module("directory.migrations.0006_eligibility_not_stated")

# Target group key -> the eligibility field it reads.
GROUP_FIELDS = {
    "women": "serves_women",
    "men": "serves_men",
    "children": "serves_children",
    "adults": "serves_adults",
    "labour": "trafficking_labour",
    "sexual": "trafficking_sexual",
    "marriage": "trafficking_marriage",
    "begging": "trafficking_begging",
    "migrants": "serves_migrants",
}
STATES = {"yes": True, "no": False, "unstated": None}


def test_every_target_group_reads_one_eligibility_field():
    assert set(GROUP_FIELDS) == set(GROUP_QS) - {"accepting"}
    assert sorted(GROUP_FIELDS.values()) == sorted(FIELDS)


@pytest.fixture
def truth_table(make_org, make_service):
    """For one field: three organizations, each with one service in one state."""

    def _build(field):
        services = {}
        for label, value in STATES.items():
            org = make_org(f"{label.title()} {field}", slug=f"{label}-{field.replace('_', '-')}")
            # Keep the "serves women, men or both" rule satisfied when the field is serves_men.
            other = {"serves_women": True} if field == "serves_men" and value is False else {}
            services[label] = make_service(org, f"{label} service", terms=["SHELTER.SHORT"], **{field: value}, **other)
        return services

    return _build


@pytest.mark.django_db
@pytest.mark.parametrize(("group", "field"), GROUP_FIELDS.items())
def test_listing_filter_matches_only_yes(client, truth_table, group, field):
    truth_table(field)
    slug = field.replace("_", "-")
    assert names(get(client, group=group)) == [f"yes-{slug}"]
    # The facet counts the same single organization.
    html = get(client)
    assert f'data-facet="group" data-value="{group}" data-count="1"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("group", "field"), [("men", "serves_men"), ("children", "serves_children"),
                                              ("labour", "trafficking_labour")])
def test_search_facet_matches_only_yes(truth_table, group, field):
    services = truth_table(field)
    engine = DatabaseEngine()
    api.rebuild(engine)
    result = engine.search(Query(filters={"group": [group]}, facets=["group"], kinds=["service"], per_page=50))
    assert {hit.title for hit in result.hits} == {services["yes"].name}
    counts = {v.value: v.count for v in result.facets["group"]}
    assert counts[group] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("label", STATES)
def test_hsds_says_each_state_and_claims_only_yes(client, truth_table, label):
    services = truth_table("serves_men")
    service = services[label]
    data = client.get(reverse("directory:organization_hsds", args=[service.organization.slug])).json()
    (hsds,) = data["services"]
    eligibility = [a for a in hsds["attributes"] if a["link_type"] == "eligibility"]
    text = hsds["eligibility_description"]
    if label == "yes":
        assert [(a["taxonomy_term"]["code"], a["value"]) for a in eligibility] == [
            ("eligibility.serves_men", "yes")
        ]
        assert "Accepts male survivors." in text
    elif label == "no":
        assert [a["taxonomy_term"]["code"] for a in eligibility] == ["eligibility.serves_women"]
        assert "Does not accept male survivors." in text
    else:
        assert eligibility == []
        assert "Not stated:" in text and "male survivors (men and boys)" in text
        assert "Accepts male survivors" not in text


def _eligibility_section(client, service):
    html = client.get(service.organization.get_absolute_url()).content.decode()
    section = html[html.index(f'id="service-{service.pk}"') :]
    section = section[: section.index("</section>")]
    return section[section.index('data-testid="eligibility"') : section.index("</dd>")]


@pytest.mark.django_db
def test_page_wording_for_each_state(client, truth_table):
    services = truth_table("serves_men")
    yes = _eligibility_section(client, services["yes"])
    assert "Accepts male survivors" in yes and "Does not accept" not in yes
    no = _eligibility_section(client, services["no"])
    assert "<strong>Does not accept male survivors</strong>" in no and "Accepts male survivors" not in no
    unstated = _eligibility_section(client, services["unstated"])
    assert "Accepts male survivors" not in unstated and "Does not accept male survivors" not in unstated
    assert 'data-testid="eligibility-not-stated"' in unstated
    assert "Not stated (ask before referring):" in unstated and "male survivors (men and boys)" in unstated


@pytest.mark.django_db
def test_a_new_service_states_nothing(client, make_org, make_service):
    service = make_service(make_org(slug="blank"), "Blank shelter")
    assert all(getattr(service, field) is None for field in FIELDS)
    section = _eligibility_section(client, service)
    assert 'data-state="yes"' not in section and 'data-state="no"' not in section
    for topic in ("women and girls", "children (under 18)", "adults", "labour trafficking", "nationalities"):
        assert topic in section


@pytest.mark.django_db
def test_admin_form_offers_three_choices_starting_at_not_stated(admin_client):
    html = admin_client.get(reverse("wagtailsnippets_directory_service:add")).content.decode()
    for field in FIELDS:
        radios = re.findall(rf'<input type="radio" name="{field}" value="([^"]*)"[^>]*>', html)
        assert radios and len(radios) == 3, field
        checked = re.findall(rf'<input type="radio" name="{field}" value="([^"]*)"[^>]*checked[^>]*>', html)
        assert checked == [""], field  # "Not stated" is the choice a new service starts with
    assert "Not stated" in html


# --- the data migration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "old", "expected"),
    [
        # Old default "ticked": cannot be told from unexamined -> not stated, listed.
        ("serves_men", True, (None, True)),
        ("serves_women", True, (None, True)),
        # Unticked on purpose -> "no".
        ("serves_men", False, (False, False)),
        ("serves_children", False, (False, False)),
        # Old default "unticked" -> not stated, listed; ticked on purpose -> "yes".
        ("trafficking_labour", False, (None, True)),
        ("trafficking_labour", True, (True, False)),
        ("serves_migrants", True, (True, False)),
        # Already not stated stays so; anything that is not a yes/no cannot be mapped.
        ("serves_adults", None, (None, False)),
        ("serves_adults", "yes", (None, True)),
        ("trafficking_begging", 1, (None, True)),
    ],
)
def test_migration_maps_values(field, old, expected):
    assert migration.map_value(field, old) == expected


@pytest.mark.django_db
def test_migration_forward_on_stored_services_and_drafts(make_org, make_service, admin_user):
    org = make_org(slug="migrated")
    # Old-style records: every field holds a yes/no as the old defaults left it.
    defaulted = make_service(org, "Defaulted", **migration.OLD_DEFAULTS)
    edited = make_service(org, "Edited", **{**migration.OLD_DEFAULTS, "serves_men": False, "trafficking_sexual": True})
    # A draft saved before the migration still holds a default "yes" and a stray value.
    revision = edited.save_revision(user=admin_user)
    revision.content["serves_children"] = True
    revision.content["serves_adults"] = "maybe"
    revision.save()
    Service.objects.filter(pk=edited.pk).update(has_unpublished_changes=True)

    migration.forward(django_apps, None)

    defaulted.refresh_from_db()
    edited.refresh_from_db()
    assert all(getattr(defaulted, f) is None for f in FIELDS)
    assert edited.serves_men is False and edited.trafficking_sexual is True
    assert [f for f in FIELDS if getattr(edited, f) is not None] == ["serves_men", "trafficking_sexual"]
    gaps = set(UnmappedEligibility.objects.values_list("service__name", "field", "old_value", "draft"))
    assert ("Defaulted", "serves_women", "True", False) in gaps
    assert ("Defaulted", "trafficking_labour", "False", False) in gaps
    assert not any(name == "Edited" and field == "serves_men" for name, field, _o, _d in gaps)
    assert ("Edited", "serves_adults", "maybe", True) in gaps
    edited.latest_revision.refresh_from_db()
    draft = edited.latest_revision.content
    assert draft["serves_children"] is None and draft["serves_adults"] is None
    assert draft["serves_men"] is False and draft["trafficking_sexual"] is True
    # Publishing the old draft cannot bring a default "yes" back.
    edited.latest_revision.publish(user=admin_user)
    edited.refresh_from_db()
    assert edited.serves_children is None and edited.serves_women is None


@pytest.mark.django_db
def test_admin_report_lists_unmapped_values_until_stated(admin_client, make_org, make_service):
    org = make_org(slug="report-org")
    service = make_service(org, "Women's refuge", eligibility_description="Women and children only.")
    UnmappedEligibility.objects.create(service=service, field="serves_men", old_value="True")
    UnmappedEligibility.objects.create(service=service, field="serves_children", old_value="True")
    url = reverse("directory_eligibility_report")
    html = admin_client.get(url).content.decode()
    assert f'data-service="{service.pk}"' in html
    assert "male survivors (men and boys)" in html and "children (under 18)" in html
    assert "Women and children only." in html
    assert reverse("wagtailsnippets_directory_service:edit", args=[service.pk]) in html
    # An editor states one: it leaves the row; stating both removes the service.
    Service.objects.filter(pk=service.pk).update(serves_men=False)
    html = admin_client.get(url).content.decode()
    assert "male survivors (men and boys)" not in html and "children (under 18)" in html
    Service.objects.filter(pk=service.pk).update(serves_children=True)
    html = admin_client.get(url).content.decode()
    assert 'data-testid="eligibility-report-empty"' in html


@pytest.mark.django_db
def test_admin_report_is_for_admin_users_only(client, make_org, django_user_model):
    user = django_user_model.objects.create_user("partner", password="x")
    client.force_login(user)
    assert client.get(reverse("directory_eligibility_report")).status_code in (302, 403)
