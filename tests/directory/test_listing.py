"""The public directory listing: filters, facet counts, text search, paging and bad input."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Area, Location, OrganizationName

INDEX = reverse("directory:index")


def get(client, **params):
    query = urlencode(params, doseq=True)
    response = client.get(f"{INDEX}?{query}" if query else INDEX)
    assert response.status_code == 200
    return response.content.decode()


def names(html):
    """Organization slugs of the result items, in order."""
    return re.findall(r'<li class="result[^"]*" data-testid="result" data-slug="([^"]+)"', html)


def result_count(html):
    return int(re.search(r'data-testid="result-count" data-count="(\d+)"', html).group(1))


def facet(html, name):
    """{value: count} of one facet as rendered."""
    pattern = rf'data-facet="{name}" data-value="([^"]+)" data-count="(\d+)"'
    return {value: int(count) for value, count in re.findall(pattern, html)}


def checked(html, name):
    return set(re.findall(rf'name="{name}" value="([^"]+)" checked', html))


@pytest.fixture
def catalog(make_org, make_service):
    """Seven organizations, each built to be picked out by one filter."""
    orgs = {}
    orgs["alpha"] = make_org("Alpha Shelter House", slug="alpha", area_key="KH:02")
    make_service(
        orgs["alpha"], "Girls' shelter", terms=["SHELTER.SHORT"], areas=["KH:02"], languages=["km"],
        serves_men=False, trafficking_marriage=True,
    )
    orgs["bravo"] = make_org("Bravo Legal Aid", slug="bravo", area_key="KH:12")
    make_service(
        orgs["bravo"], "Labour dispute advice", terms=["LEGAL.ADVICE"], languages=["en", "th"],
        serves_women=True, serves_men=True, trafficking_labour=True, serves_children=False,
    )
    orgs["charlie"] = make_org("Charlie Foundation", slug="charlie", country="TH", area_key=None)
    make_service(orgs["charlie"], "Long stay home", terms=["SHELTER.LONG"], languages=["th"], serves_men=False)
    # Unpublished organization, with a service that would match everything.
    orgs["delta"] = make_org("Delta Draft Shelter", slug="delta", live=False, area_key="KH:02")
    make_service(orgs["delta"], "Draft shelter", terms=["SHELTER"], languages=["km"])
    # Published organization whose only shelter service is a draft.
    orgs["echo"] = make_org("Echo Network", slug="echo", area_key="KH:12")
    make_service(orgs["echo"], "Unpublished shelter", terms=["SHELTER.SHORT"], areas=["KH:02"], live=False)
    make_service(orgs["echo"], "Network meetings", terms=["COORD.NETWORK"], languages=["en"])
    # Phnom Penh office with a location in Battambang.
    orgs["foxtrot"] = make_org("Foxtrot Services", slug="foxtrot", area_key="KH:12")
    Location.objects.create(
        organization=orgs["foxtrot"], name="Field office", area=Area.objects.get(key="KH:02"), visibility="public"
    )
    make_service(orgs["foxtrot"], "Counselling", terms=["PSY.COUNSEL"], languages=["km"])
    # Phnom Penh office whose live service covers a Battambang district.
    orgs["golf"] = make_org("Golf Hotline", slug="golf", area_key="KH:12")
    district = "KH:0203" if Area.objects.filter(key="KH:0203").exists() else "KH:02"
    make_service(orgs["golf"], "Hotline", terms=["HELP.TIP"], areas=[district], languages=["km", "en"])
    OrganizationName.objects.create(organization=orgs["golf"], name="GHL", kind="acronym")
    OrganizationName.objects.create(organization=orgs["golf"], name="Old Mekong Helpline", kind="former")
    OrganizationName.objects.create(organization=orgs["golf"], name="Poi Pet Line", kind="alias")
    return orgs


LIVE = {"alpha", "bravo", "charlie", "echo", "foxtrot", "golf"}


def test_lists_published_organizations_only(client, catalog):
    html = get(client)
    assert set(names(html)) == LIVE
    assert result_count(html) == 6
    assert "Delta Draft Shelter" not in html
    assert "Unpublished shelter" not in html
    assert "Draft shelter" not in html


def test_results_carry_the_test_hooks(client, catalog):
    html = get(client)
    assert '<ol class="results" data-testid="results"' in html
    assert html.count('data-testid="result"') == 6
    assert 'data-testid="apply-filters"' in html
    assert '<input type="checkbox" id="facet-province-battambang" name="province" value="battambang"' in html


def test_country_filter(client, catalog):
    assert set(names(get(client, country="th"))) == {"charlie"}
    assert set(names(get(client, country="kh"))) == LIVE - {"charlie"}
    assert set(names(get(client, country=["kh", "th"]))) == LIVE  # OR within a facet


def test_province_filter_matches_area_location_and_service_area(client, catalog):
    found = set(names(get(client, province="battambang")))
    # alpha: office area; foxtrot: a location; golf: a live service's area. echo's only
    # Battambang link is a draft service, delta is unpublished.
    assert found == {"alpha", "foxtrot", "golf"}


def test_type_filter_top_level_includes_sub_codes(client, catalog):
    assert set(names(get(client, type="SHELTER"))) == {"alpha", "charlie"}
    assert set(names(get(client, type="SHELTER.SHORT"))) == {"alpha"}
    assert set(names(get(client, type="shelter.long"))) == {"charlie"}  # codes are case-insensitive
    assert set(names(get(client, type=["SHELTER.LONG", "HELP"]))) == {"charlie", "golf"}


def test_group_filter(client, catalog):
    # Only a stated "yes" matches: bravo states it serves men; the others do not say.
    assert set(names(get(client, group="men"))) == {"bravo"}
    assert set(names(get(client, group="labour"))) == {"bravo"}
    # Chosen groups describe one person, so one service must serve them all (AND): nobody
    # states both labour and marriage; bravo states men and labour.
    assert set(names(get(client, group=["labour", "marriage"]))) == set()
    assert set(names(get(client, group=["men", "labour"]))) == {"bravo"}
    assert set(names(get(client, group=["men", "marriage"]))) == set()


def test_group_counts_say_what_adding_a_group_would_give(client, catalog):
    html = get(client, group="men")
    # With "men" chosen, "labour" would still give bravo; "marriage" would give nobody.
    assert 'value="labour"' in html
    assert 'value="marriage"' not in html


def test_language_filter(client, catalog):
    assert set(names(get(client, language="th"))) == {"bravo", "charlie"}
    assert set(names(get(client, language=["th", "en"]))) == {"bravo", "charlie", "echo", "golf"}


def test_filters_combine_with_and(client, catalog):
    assert set(names(get(client, province="battambang", language="km"))) == {"alpha", "foxtrot", "golf"}
    assert set(names(get(client, province="battambang", type="SHELTER"))) == {"alpha"}
    assert set(names(get(client, country="kh", type="SHELTER", group="marriage"))) == {"alpha"}
    assert names(get(client, country="th", language="km")) == []


def test_service_level_filters_must_meet_on_one_service(make_org, make_service, client):
    org = make_org("Split Services", slug="split")
    make_service(org, "Adult shelter", terms=["SHELTER.SHORT"], serves_children=False)
    make_service(org, "Child hotline", terms=["HELP.TIP"], serves_adults=False, serves_children=True)
    assert names(get(client, type="SHELTER", group="children")) == []
    assert names(get(client, type="HELP", group="children")) == ["split"]


def test_facet_counts_follow_the_other_filters_rule(client, catalog):
    html = get(client, province="battambang", type="SHELTER")
    assert set(names(html)) == {"alpha"}
    # Province counts ignore the province filter but apply the type filter: only alpha has a
    # live shelter in KH (charlie is in Thailand, with no province).
    assert facet(html, "province") == {"battambang": 1}
    # Type counts ignore the type filter but apply province: alpha, foxtrot, golf.
    types = facet(html, "type")
    assert types["SHELTER"] == 1 and types["PSY"] == 1 and types["HELP"] == 1
    assert "LEGAL" not in types  # bravo is not in Battambang: zero counts are hidden
    # A selected top-level term opens its sub-terms.
    assert types["SHELTER.SHORT"] == 1
    assert "SHELTER.LONG" not in types
    # Country counts apply both filters.
    assert facet(html, "country") == {"kh": 1}
    # Language counts: alpha's shelter speaks Khmer.
    assert facet(html, "language") == {"km": 1}
    assert checked(html, "province") == {"battambang"}
    assert checked(html, "type") == {"SHELTER"}


def test_facet_counts_without_filters(client, catalog):
    html = get(client)
    assert facet(html, "country") == {"kh": 5, "th": 1}
    assert facet(html, "province")["battambang"] == 3
    assert facet(html, "province")["phnom-penh"] == 4
    assert facet(html, "type")["SHELTER"] == 2  # echo's shelter is a draft
    assert "SHELTER.SHORT" not in facet(html, "type")  # sub-terms only once the parent is chosen
    assert facet(html, "group")["labour"] == 1
    assert facet(html, "group")["men"] == 1  # a stated "yes" only
    assert facet(html, "language") == {"km": 3, "en": 3, "th": 2}


def test_selected_values_stay_visible_with_zero_count(client, catalog):
    html = get(client, country="th", language="km")
    assert facet(html, "language")["km"] == 0
    assert checked(html, "language") == {"km"}
    assert facet(html, "country") == {"kh": 3, "th": 0}
    assert 'data-testid="no-results"' in html


def test_text_search_matches_name_acronym_alias_former_name_and_services(client, catalog):
    assert names(get(client, q="bravo")) == ["bravo"]
    assert names(get(client, q="GHL")) == ["golf"]
    assert names(get(client, q="old mekong")) == ["golf"]
    assert names(get(client, q="poi pet")) == ["golf"]
    assert names(get(client, q="labour dispute")) == ["bravo"]
    assert names(get(client, q="Unpublished")) == []  # draft service names are not searched
    assert names(get(client, q="Delta")) == []


def test_text_search_combines_with_facets(client, catalog):
    assert names(get(client, q="shelter", province="battambang")) == ["alpha"]


def test_active_filters_and_remove_links(client, catalog):
    html = get(client, province="battambang", type="SHELTER", q="alpha")
    block = html[html.index('data-testid="active-filters"') :]
    links = re.findall(r'href="([^"]+)" class="remove"', block)
    links = [link.replace("&amp;", "&") for link in links]
    assert f"{INDEX}?province=battambang&type=SHELTER" in links  # without q
    assert f"{INDEX}?q=alpha&type=SHELTER" in links  # without province
    assert f"{INDEX}?q=alpha&province=battambang" in links  # without type
    assert 'data-testid="clear-all"' in html


def test_shareable_url_round_trip(client, catalog):
    first = get(client, province="battambang", language="km", group="marriage")
    share = re.search(r'data-testid="share-link">([^<]+)<', first).group(1).replace("&amp;", "&")
    path = share.split("testserver", 1)[1]
    again = client.get(path).content.decode()
    assert names(again) == names(first) == ["alpha"]
    assert checked(again, "province") == {"battambang"}
    assert checked(again, "group") == {"marriage"}


def test_paging_preserves_filters(client, make_org, settings):
    settings.DIRECTORY_PAGE_SIZE = 3
    for i in range(7):
        make_org(f"Paged Org {i:02d}", slug=f"paged-{i}", area_key="KH:02")
    make_org("Elsewhere", slug="elsewhere", area_key="KH:12")
    first = get(client, province="battambang")
    assert names(first) == ["paged-0", "paged-1", "paged-2"]
    assert result_count(first) == 7
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "province=battambang" in next_link and "page=2" in next_link
    second = client.get(next_link).content.decode()
    assert names(second) == ["paged-3", "paged-4", "paged-5"]
    last = get(client, province="battambang", page=3)
    assert names(last) == ["paged-6"]
    assert 'rel="next"' not in last


@pytest.mark.parametrize(
    "params",
    [
        {"province": "nonexistent"},
        {"country": "zz"},
        {"type": "NOPE"},
        {"group": "<script>"},
        {"language": "xx"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "-3"},
        {"page": "99999999999999999999"},
        {"q": "x" * 20000},
        {"q": "%_' OR 1=1; -- \\ \" MATCH(*) NEAR/3"},
        {"province": ["battambang"] * 500},
    ],
)
def test_bad_parameters_do_not_fail(client, catalog, params):
    html = get(client, **params)
    assert 'data-testid="results"' in html


def test_unknown_values_are_ignored(client, catalog):
    html = get(client, province="nonexistent", type="NOPE")
    assert set(names(html)) == LIVE
    assert 'data-testid="active-filters"' not in html


def test_text_is_escaped(client, catalog):
    html = get(client, q='<script>alert("x")</script>')
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_result_shows_type_place_acronyms_services_and_demo_badge(client, make_org, make_service):
    org = make_org("Demo Reception Centre", slug="demo-rc", area_key="KH:02", is_demo=True)
    OrganizationName.objects.create(organization=org, name="DRC", kind="acronym")
    make_service(org, "Border reception", terms=["RECEPT.ARRIVAL"])
    html = get(client)
    item = html[html.index('data-slug="demo-rc"') :]
    item = item[: item.index("</li>\n")]
    assert "National NGO" in item
    assert "Battambang" in item and "Cambodia" in item
    assert "(DRC)" in item
    assert "Border reception" in item and "Airport &amp; border reception" in item
    assert 'data-testid="demo-badge"' in item


def test_closed_organization_links_its_successor(client, make_org):
    new = make_org("New Ministry", slug="new-ministry")
    make_org("Old Ministry", slug="old-ministry", status="merged", successor=new)
    html = get(client, q="Old Ministry")
    assert 'data-testid="result-status"' in html
    assert 'href="/directory/new-ministry/" data-testid="successor-link"' in html


def test_unpublished_successor_is_not_linked(client, make_org):
    hidden = make_org("Secret Successor", slug="secret-successor", live=False)
    make_org("Closed Org", slug="closed-org", status="closed", successor=hidden)
    html = get(client)
    assert "Secret Successor" not in html


def test_query_count_does_not_grow_with_results(
    client, make_org, make_service, django_assert_max_num_queries, _index_follows_saves
):
    def add(n, start):
        for i in range(start, start + n):
            org = make_org(f"Count Org {i:03d}", slug=f"count-{i}")
            OrganizationName.objects.create(organization=org, name=f"C{i}", kind="acronym")
            make_service(org, terms=["SHELTER.SHORT", "HELP"], languages=["km"], areas=["KH:02"])
        _index_follows_saves(None)  # indexed before the request, as publishing does

    add(3, 0)
    with CaptureQueriesContext(connection) as few:
        get(client, type="SHELTER")
    add(22, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = get(client, type="SHELTER")
    assert len(names(html)) == 25


def test_khmer_interface_uses_khmer_area_names(client, catalog):
    html = client.get(f"/km{INDEX}").content.decode()  # the Khmer address
    assert 'lang="km"' in html
    assert "បាត់ដំបង" in html  # Battambang, in the province facet and the results


def test_a_facet_ignores_its_own_selection(client, catalog):
    """Selecting a value in a facet keeps the other values of that facet countable (OR)."""
    html = get(client, province="battambang")
    assert facet(html, "province")["phnom-penh"] == 4
    assert facet(html, "province")["battambang"] == 3
    # Target groups are the exception: they describe one person, so they combine with AND and
    # a group's count is what adding it would give (bravo serves men and labour; nobody states
    # labour and marriage).
    html = get(client, group="labour")
    assert facet(html, "group")["men"] == 1
    assert "marriage" not in facet(html, "group")
    html = get(client, language="th")
    assert facet(html, "language") == {"km": 3, "en": 3, "th": 2}
    html = get(client, country="th")
    assert facet(html, "country") == {"kh": 5, "th": 1}


def test_text_search_finds_khmer_translation_names(client, make_org):
    from wagtail.models import Locale

    from directory.models import Organization

    org = make_org("Cambodian Women's Crisis Center", slug="cwcc")
    km, _ = Locale.objects.get_or_create(language_code="km")
    Organization.objects.create(
        name="មជ្ឈមណ្ឌលវិបត្តិស្ត្រី", slug="cwcc", org_type=org.org_type, country=org.country,
        locale=km, translation_key=org.translation_key, live=True,
    )
    html = get(client, q="វិបត្តិ")
    assert names(html) == ["cwcc"]  # listed once, through its default-locale record


def test_nationwide_service_is_found_in_every_province_of_its_country(make_org, make_service, client):
    """A national hotline serves Battambang too: a province filter must not hide it."""
    national = make_org("National Hotline Org", slug="national-hotline", area_key="KH:12")
    make_service(national, "National trafficking hotline", terms=["HELP.TIP"], areas=["KH"])
    local = make_org("Pursat Local Org", slug="pursat-local", area_key="KH:15")
    make_service(local, "Pursat counselling", terms=["PSY.COUNSEL"], areas=["KH:15"])
    thai = make_org("Thai Line", slug="thai-line", country="TH", area_key=None)
    make_service(thai, "Thai national line", terms=["HELP.TIP"], areas=["TH"])

    html = get(client, province="battambang")
    assert "national-hotline" in names(html)
    assert "pursat-local" not in names(html)
    assert "thai-line" not in names(html)
    counts = facet(get(client), "province")
    assert counts["battambang"] >= 1
    assert counts["pursat"] >= 2  # its own org and the national hotline


def test_khmer_interface_shows_live_khmer_translations_in_the_list(make_org, make_service, client):
    from wagtail.models import Locale

    from directory.models import Organization, Service

    khmer = Locale.objects.get(language_code="km")
    org = make_org("Legal Aid Network", slug="legal-aid-network")
    service = make_service(org, "Legal advice for migrants", terms=["LEGAL.ADVICE"])
    km_org = Organization.objects.create(
        name="បណ្ដាញជំនួយផ្លូវច្បាប់", slug="legal-aid-network", org_type=org.org_type, country=org.country,
        area=org.area, locale=khmer, translation_key=org.translation_key, live=True,
    )
    Service.objects.create(
        organization=km_org, name="ប្រឹក្សាផ្លូវច្បាប់សម្រាប់ជនចំណាកស្រុក", locale=khmer,
        translation_key=service.translation_key, live=True,
    )
    draft = make_org("Draft Translation Org", slug="draft-translation-org")
    Organization.objects.create(
        name="អង្គការព្រាង", slug="draft-translation-org", org_type=draft.org_type, country=draft.country,
        locale=khmer, translation_key=draft.translation_key, live=False,
    )

    english = get(client)
    assert "Legal Aid Network" in english and "បណ្ដាញជំនួយផ្លូវច្បាប់" not in english

    response = client.get(f"/km{INDEX}")  # the Khmer address
    assert response.status_code == 200
    html = response.content.decode()
    assert "បណ្ដាញជំនួយផ្លូវច្បាប់" in html
    assert "ប្រឹក្សាផ្លូវច្បាប់សម្រាប់ជនចំណាកស្រុក" in html
    assert "អង្គការព្រាង" not in html  # an unpublished translation is never shown
    assert "Draft Translation Org" in html  # the English entry stands in for it
    assert names(html).count("legal-aid-network") == 1  # one entry, not one per language


@pytest.mark.parametrize("param", ["q", "province", "type", "country", "language", "group", "page"])
@pytest.mark.parametrize("hostile", ["batt\x00ambang", "\x00", "a\x07b\x1bc", "x" * 5000, "🙂\u200b<script>"])
def test_hostile_parameter_values_never_break_the_listing(client, catalog, param, hostile):
    """NUL bytes crash PostgreSQL text comparisons; control characters, emoji and huge values
    must still give a page (results or an empty list), never a server error."""
    response = client.get(INDEX, {param: hostile})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
