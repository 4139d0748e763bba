"""The library item's long lists (countries, provinces, related organizations and services) are
chosen in Wagtail's searchable snippet chooser, not in select boxes of hundreds of options; what
is posted is still checked by the field (a province is not a country, an unknown id is refused).
The browser half (search in the chooser, pick, save) is tests/browser/test_admin_choosers.py."""

import json
import re

from django.urls import reverse

from directory.models import Area, OrganizationName
from library.models import LibraryDocumentPage

FORMSETS = {
    f"{prefix}-{key}": value
    for prefix in ("relations", "comments")
    for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
}


def add_item(client, library, **fields):
    data = {
        "title": "Guidelines on repatriation",
        "slug": "repatriation-guidelines",
        "document_type": "guideline",
        "access_level": "public",
        **FORMSETS,
        **fields,
        "action-publish": "publish",
    }
    return client.post(f"/admin/pages/add/library/librarydocumentpage/{library.pk}/", data)


def test_edit_screen_lists_the_chosen_items_with_a_chooser_not_a_select(editor_client, corpus):
    page = corpus["eval"]
    html = editor_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    for name in ("countries", "provinces", "related_organizations", "related_services"):
        assert f'<select name="{name}"' not in html, name
        assert re.search(rf'data-portal-multiple-chooser data-name="{name}"', html), name
    # The chosen countries and the province are listed by name, each with its hidden input.
    thailand, battambang = Area.objects.get(key="TH"), Area.objects.get(key="KH:02")
    assert f'<input type="hidden" name="countries" value="{thailand.pk}">' in html
    assert f'<input type="hidden" name="provinces" value="{battambang.pk}">' in html
    assert "Thailand" in html and "Battambang" in html
    # The country chooser opens filtered to countries; its script is a static file.
    assert 'data-filters="{&quot;kind&quot;: &quot;country&quot;}"' in html
    assert "portal/js/multiple-chooser" in html


def test_chosen_items_are_saved(editor_client, library, make_org, make_service):
    org = make_org("Legal Support for Children and Women", slug="lscw")
    service = make_service(org, "Legal aid")
    thailand, kh, battambang = (Area.objects.get(key=k) for k in ("TH", "KH", "KH:02"))
    response = add_item(
        editor_client,
        library,
        countries=[str(kh.pk), str(thailand.pk)],
        provinces=[str(battambang.pk)],
        related_organizations=[str(org.pk)],
        related_services=[str(service.pk)],
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = LibraryDocumentPage.objects.get(slug="repatriation-guidelines")
    assert set(item.countries.all()) == {kh, thailand}
    assert list(item.provinces.all()) == [battambang]
    assert list(item.related_organizations.all()) == [org]
    assert list(item.related_services.all()) == [service]


def test_a_crafted_post_of_the_wrong_kind_or_an_unknown_id_is_refused(editor_client, library):
    battambang = Area.objects.get(key="KH:02")
    response = add_item(editor_client, library, countries=[str(battambang.pk)], provinces=["999999"])
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "countries" in errors and "provinces" in errors
    assert not LibraryDocumentPage.objects.filter(slug="repatriation-guidelines").exists()


def _chooser_titles(client, model, query):
    response = client.get(reverse(f"wagtailsnippetchoosers_directory_{model}:choose_results"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return html


def test_organization_and_service_choosers_find_acronyms_and_organization_names(editor_client, make_org, make_service):
    org = make_org("Agir pour les Femmes en Situation Precaire", slug="afesip")
    OrganizationName.objects.create(organization=org, name="AFESIP", kind="acronym")
    make_service(org, "Shelter")
    make_org("Another organization")
    html = _chooser_titles(editor_client, "organization", "afesip")
    assert "Agir pour les Femmes" in html and "Another organization" not in html
    # Words may come from the service's name and its organization's other names.
    html = _chooser_titles(editor_client, "service", "AFESIP shelter")
    assert "Shelter" in html and "1 service" in html
    assert "no snippets match" in _chooser_titles(editor_client, "service", "AFESIP hotline")


def test_the_chooser_modal_opens_on_countries_only(editor_client, library):
    response = editor_client.get(
        reverse("wagtailsnippetchoosers_directory_area:choose"), {"multiple": "1", "kind": "country", "q": "Thai"}
    )
    html = json.loads(response.content)["html"]
    assert "Thailand" in html and "There is 1 match" in html
