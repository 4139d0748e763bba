"""The directory's editing side in the Wagtail admin, driven through Django's test client.

Helpers for other tests: ``AdminFormData`` builds the POST body of any snippet create/edit
form from the form the view renders (including the inline formsets' management forms);
``organization_form`` and ``service_form`` return a complete, valid form for the add views.
"""

import datetime
import re

import pytest
from django import forms
from django.contrib.auth.models import Group, User
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Locale, ModelLogEntry, Revision

from directory.models import (
    Area,
    Language,
    Location,
    Organization,
    OrganizationName,
    OrganizationPhone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from portal.roles import EDITORS, MODERATORS

# --- helpers ---------------------------------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"wagtailsnippets_directory_{model}:{view}", args=args)


def _encode(value):
    """A Python value as the browser would post it (None: leave the key out)."""
    if isinstance(value, bool):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return str(value)


def _bound_value(bound_field):
    value = bound_field.value()
    if isinstance(bound_field.field.widget, forms.CheckboxInput):
        return bool(value)
    return value


class AdminFormData:
    """The POST body of a Wagtail snippet create/edit form, read from the rendered form.

    Fields and inline rows start from what the view renders (defaults on the add view, the
    current draft on the edit view); ``set``, ``add_row``, ``set_row`` and ``delete_row``
    change them; ``post`` submits, optionally with an action ("publish", "submit").
    """

    SKIP_IN_DEFAULTS = {"id", "ORDER", "DELETE"}

    def __init__(self, form, url):
        self.url = url
        self.data = {}
        self.row_defaults = {}
        for name in form.fields:
            self.data[name] = _encode(_bound_value(form[name]))
        for relation, formset in form.formsets.items():
            management = formset.management_form
            for name in management.fields:
                self.data[f"{formset.prefix}-{name}"] = _encode(_bound_value(management[name]))
            for child in formset.forms:
                for name in child.fields:
                    self.data[f"{child.prefix}-{name}"] = _encode(_bound_value(child[name]))
            empty = formset.empty_form
            self.row_defaults[relation] = {
                name: _bound_value(empty[name]) for name in empty.fields if name not in self.SKIP_IN_DEFAULTS
            }

    @classmethod
    def get(cls, client, url):
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} -> {response.status_code}"
        return cls(response.context["form"], url)

    def set(self, **fields):
        for name, value in fields.items():
            self.data[name] = _encode(value)
        return self

    def add_row(self, relation, **fields):
        index = int(self.data[f"{relation}-TOTAL_FORMS"])
        row = {**self.row_defaults[relation], **fields, "id": "", "ORDER": index + 1}
        for name, value in row.items():
            self.data[f"{relation}-{index}-{name}"] = _encode(value)
        self.data[f"{relation}-TOTAL_FORMS"] = str(index + 1)
        return self

    def set_row(self, relation, index, **fields):
        for name, value in fields.items():
            self.data[f"{relation}-{index}-{name}"] = _encode(value)
        return self

    def delete_row(self, relation, index):
        self.data[f"{relation}-{index}-DELETE"] = "on"
        return self

    def payload(self, action=None):
        payload = {key: value for key, value in self.data.items() if value is not None}
        if action:
            payload[f"action-{action}"] = action
        return payload

    def post(self, client, action=None, **extra):
        return client.post(self.url, self.payload(action), **extra)


def organization_form(client, **fields):
    """A complete, valid "add organization" form: required fields filled in, no inline rows."""
    data = AdminFormData.get(client, admin_url("organization", "add"))
    defaults = {
        "name": "Friends of the Mekong",
        "slug": "friends-of-the-mekong",
        "org_type": "national_ngo",
        "country": Area.objects.get(key="KH"),
        "area": Area.objects.get(key="KH:12"),
    }
    return data.set(**{**defaults, **fields})


def service_form(client, organization, **fields):
    data = AdminFormData.get(client, admin_url("service", "add"))
    return data.set(**{"organization": organization, "name": "Legal aid for returnees", **fields})


def edit_form(client, obj):
    return AdminFormData.get(client, admin_url(obj._meta.model_name, "edit", obj.pk))


def form_errors(response):
    """All errors of a re-rendered form, keyed like the POST data ("phones-0-number")."""
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    form = response.context["form"]
    errors = {key: [str(m) for m in messages] for key, messages in form.errors.items()}
    for relation, formset in form.formsets.items():
        for index, child in enumerate(formset.forms):
            for key, messages in child.errors.items():
                errors[f"{relation}-{index}-{key}"] = [str(m) for m in messages]
        if formset.non_form_errors():
            errors[f"{relation}-__all__"] = [str(m) for m in formset.non_form_errors()]
    return errors


def public_status(slug):
    """Status of the public detail page for an anonymous visitor."""
    return Client().get(f"/directory/{slug}/").status_code


def logs_for(obj):
    return ModelLogEntry.objects.filter(
        content_type__app_label="directory",
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
    ).order_by("timestamp", "pk")


# --- users -------------------------------------------------------------------------------------


def _member(username, group_name):
    user = User.objects.create_user(username, f"{username}@example.org", "pass-12345-pass")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editors_user(db):
    return _member("ed", EDITORS)


@pytest.fixture
def editors_client(editors_user):
    client = Client()
    client.force_login(editors_user)
    return client


@pytest.fixture
def moderators_user(db):
    return _member("mod", MODERATORS)


@pytest.fixture
def moderators_client(moderators_user):
    client = Client()
    client.force_login(moderators_user)
    return client


@pytest.fixture
def published_org(admin_client):
    """An organization created and published through the admin, with one phone."""
    data = organization_form(admin_client, name="Mekong Legal Aid", slug="mekong-legal-aid")
    data.add_row("phones", number="012 345 678", description="Office")
    response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    return Organization.objects.get(slug="mekong-legal-aid")


# --- menu and listings -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["organization", "service", "area", "taxonomyterm", "language"])
def test_listing_and_add_views_open(admin_client, model):
    assert admin_client.get(admin_url(model, "list")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.django_db
def test_directory_menu_groups_the_viewsets(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "Directory" in html
    for label in ("Organizations", "Services", "Areas", "Service types", "Languages"):
        assert label in html


@pytest.mark.django_db
def test_area_listing_paginates_searches_and_filters(admin_client):
    url = admin_url("area", "list")
    response = admin_client.get(url)
    assert response.context["paginator"].count == Area.objects.count()
    assert len(response.context["object_list"]) == 50

    response = admin_client.get(url, {"q": "Battambang"})
    names = {a.name_en for a in response.context["object_list"]}
    assert "Battambang" in names
    assert all("battambang" in n.lower() for n in names)

    cambodia = Area.objects.get(key="KH")
    response = admin_client.get(url, {"kind": "province", "country": cambodia.pk})
    listed = list(response.context["object_list"])
    assert listed and all(a.kind == "province" and a.country_id == cambodia.pk for a in listed)
    assert (
        response.context["paginator"].count == Area.objects.filter(kind="province", country=cambodia).count()
    )


@pytest.mark.django_db
def test_area_and_term_choosers_search(admin_client):
    response = admin_client.get(
        reverse("wagtailsnippetchoosers_directory_area:choose_results"), {"q": "Battambang"}
    )
    assert response.status_code == 200
    assert "Battambang" in response.content.decode()
    assert "Kampot" not in response.content.decode()

    response = admin_client.get(
        reverse("wagtailsnippetchoosers_directory_area:choose_results"), {"kind": "country", "q": "Thai"}
    )
    assert "Thailand" in response.content.decode()

    # Cambodia first, provinces before districts.
    response = admin_client.get(reverse("wagtailsnippetchoosers_directory_area:choose_results"))
    first = [area.key for area in response.context["results"]][:2]
    assert first[0] == "KH"
    assert Area.objects.get(key=first[1]).kind == "province"
    assert response.context["results"].paginator.count == Area.objects.count()
    response = admin_client.get(
        reverse("wagtailsnippetchoosers_directory_area:choose_results"), {"q": "battambang"}
    )
    assert [area.kind for area in response.context["results"]][:2] == ["province", "district"]

    term = TaxonomyTerm.objects.get(code="SHELTER.SHORT")
    response = admin_client.get(
        reverse("wagtailsnippetchoosers_directory_taxonomyterm:choose_results"), {"q": term.code}
    )
    assert escape(term.name_en) in response.content.decode()


@pytest.mark.django_db
def test_organization_listing_filters_and_search_by_acronym(admin_client, make_org):
    ngo = make_org("Cambodian Women's Crisis Center", org_type="national_ngo")
    OrganizationName.objects.create(organization=ngo, name="CWCC", kind="acronym")
    ministry = make_org("Ministry of Social Affairs", org_type="ministry", live=False)
    url = admin_url("organization", "list")

    response = admin_client.get(url)
    columns = set(response.context["table"].columns)
    assert {"name", "locale_id", "org_type", "country", "status", "status_string", "_updated_at"} <= columns

    listed = set(admin_client.get(url, {"q": "cwcc"}).context["object_list"])
    assert listed == {ngo}

    listed = set(admin_client.get(url, {"org_type": "ministry"}).context["object_list"])
    assert ministry in listed and ngo not in listed

    listed = set(admin_client.get(url, {"live": "false"}).context["object_list"])
    assert ministry in listed and ngo not in listed

    listed = set(admin_client.get(url, {"locale": "km"}).context["object_list"])
    assert not listed & {ngo, ministry}


@pytest.mark.django_db
def test_service_listing_filters_by_service_type_and_province(admin_client, make_org, make_service):
    org = make_org()
    shelter = make_service(org, "Shelter", terms=["SHELTER.SHORT"], areas=["KH:02"])
    other = make_service(org, "Other")
    url = admin_url("service", "list")
    term = TaxonomyTerm.objects.get(code="SHELTER.SHORT")
    assert set(admin_client.get(url, {"service_type": term.pk}).context["object_list"]) == {shelter}
    battambang = Area.objects.get(key="KH:02")
    assert set(admin_client.get(url, {"province": battambang.pk}).context["object_list"]) == {shelter}
    assert {shelter, other} <= set(admin_client.get(url).context["object_list"])
    assert set(admin_client.get(url, {"q": "shel"}).context["object_list"]) == {shelter}


@pytest.mark.django_db
def test_editors_can_use_the_choosers(editors_client):
    for model in ("area", "taxonomyterm", "language", "organization"):
        response = editors_client.get(reverse(f"wagtailsnippetchoosers_directory_{model}:choose"))
        assert response.status_code == 200, model


@pytest.mark.django_db
def test_inspect_view(admin_client, published_org):
    response = admin_client.get(admin_url("organization", "inspect", published_org.pk))
    assert response.status_code == 200
    assert "Mekong Legal Aid" in response.content.decode()


# --- create, draft, publish, revisions ---------------------------------------------------------


@pytest.mark.django_db
def test_create_organization_as_draft_is_not_live(admin_client, admin_user):
    data = organization_form(admin_client, description="Legal aid and reintegration.")
    data.add_row("names", name="FOM", kind="acronym")
    data.add_row("phones", number="012 345 678", channel="cell")
    data.add_row("phones", number="023 212 345", visibility="partners")
    data.add_row("contacts", role="Intake desk", phone="012 345 678", email="intake@example.org")
    data.add_row(
        "locations",
        name="Head office",
        area=Area.objects.get(key="KH:12"),
        latitude=11.5564,
        longitude=104.9282,
    )
    response = data.post(admin_client)
    assert response.status_code == 302, form_errors(response)

    org = Organization.objects.get(slug="friends-of-the-mekong")
    assert org.live is False
    assert org.has_unpublished_changes is True
    assert org.locale == Locale.get_default()
    assert org not in Organization.objects.live()
    assert response.url == admin_url("organization", "edit", org.pk)
    assert [n.name for n in org.names.all()] == ["FOM"]
    assert [p.number for p in org.phones.order_by("sort_order")] == ["+85512345678", "+85523212345"]
    assert org.contacts.get().phone == "+85512345678"
    assert org.locations.get().latitude == pytest.approx(11.5564)
    assert org.revisions.count() == 1
    assert org.latest_revision.user == admin_user
    assert public_status(org.slug) == 404


@pytest.mark.django_db
def test_publish_makes_it_live(admin_client):
    response = organization_form(admin_client).post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    org = Organization.objects.get(slug="friends-of-the-mekong")
    assert org.live is True
    assert org.has_unpublished_changes is False
    assert org.live_revision_id == org.latest_revision_id
    assert org.first_published_at is not None
    assert org in Organization.objects.live()
    assert public_status(org.slug) == 200


@pytest.mark.django_db
def test_editing_a_live_organization_saves_a_draft_revision_only(admin_client, published_org):
    assert published_org.revisions.count() == 1
    data = edit_form(admin_client, published_org)
    assert data.data["phones-0-number"] == "+85512345678"
    data.set(name="Mekong Legal Aid Cambodia", description="New text")
    data.set_row("phones", 0, number="097 765 4321")
    response = data.post(admin_client)
    assert response.status_code == 302, form_errors(response)

    live = Organization.objects.get(pk=published_org.pk)
    assert live.live is True
    assert live.has_unpublished_changes is True
    assert live.name == "Mekong Legal Aid"  # the public row is untouched
    assert live.description == ""
    assert [p.number for p in live.phones.all()] == ["+85512345678"]
    assert live.revisions.count() == 2
    draft = live.get_latest_revision_as_object()
    assert draft.name == "Mekong Legal Aid Cambodia"
    assert [p.number for p in draft.phones.all()] == ["+855977654321"]

    public_html = Client().get(f"/directory/{live.slug}/").content.decode()
    assert "Mekong Legal Aid" in public_html
    assert "Mekong Legal Aid Cambodia" not in public_html

    # The edit view shows the draft, not the live row.
    assert edit_form(admin_client, live).data["name"] == "Mekong Legal Aid Cambodia"

    response = edit_form(admin_client, live).post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    live.refresh_from_db()
    assert live.name == "Mekong Legal Aid Cambodia"
    assert live.has_unpublished_changes is False
    assert [p.number for p in live.phones.all()] == ["+855977654321"]
    assert live.revisions.count() == 3


@pytest.mark.django_db
def test_history_and_revision_compare_views(admin_client, published_org):
    edit_form(admin_client, published_org).set(name="Renamed Legal Aid").post(admin_client)
    first, second = published_org.revisions.order_by("created_at", "pk")

    response = admin_client.get(admin_url("organization", "history", published_org.pk))
    assert response.status_code == 200
    assert "Published" in response.content.decode() or "publish" in response.content.decode().lower()

    response = admin_client.get(
        reverse(
            "wagtailsnippets_directory_organization:revisions_compare",
            kwargs={"pk": published_org.pk, "revision_id_a": first.pk, "revision_id_b": second.pk},
        )
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mekong" in html and "Renamed" in html


@pytest.mark.django_db
def test_revert_to_an_earlier_revision(admin_client, published_org):
    edit_form(admin_client, published_org).set(name="Wrong Name").post(admin_client)
    first = published_org.revisions.order_by("created_at", "pk").first()
    url = reverse(
        "wagtailsnippets_directory_organization:revisions_revert",
        kwargs={"pk": published_org.pk, "revision_id": first.pk},
    )
    data = AdminFormData.get(admin_client, url)
    assert data.data["name"] == "Mekong Legal Aid"
    response = data.post(admin_client)
    assert response.status_code == 302, form_errors(response)
    published_org.refresh_from_db()
    assert published_org.get_latest_revision_as_object().name == "Mekong Legal Aid"
    assert published_org.revisions.count() == 3


# --- locking -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lock_blocks_other_editors_until_unlocked(admin_client, admin_user, editors_client, published_org):
    response = admin_client.post(admin_url("organization", "lock", published_org.pk))
    assert response.status_code == 302
    published_org.refresh_from_db()
    assert published_org.locked and published_org.locked_by == admin_user

    revisions = published_org.revisions.count()
    data = edit_form(editors_client, published_org).set(name="Edited while locked")
    response = data.post(editors_client)
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert published_org.revisions.count() == revisions

    # Editors may not break someone else's lock.
    editors_client.post(admin_url("organization", "unlock", published_org.pk))
    published_org.refresh_from_db()
    assert published_org.locked

    admin_client.post(admin_url("organization", "unlock", published_org.pk))
    published_org.refresh_from_db()
    assert not published_org.locked
    response = data.post(editors_client)
    assert response.status_code == 302, form_errors(response)
    assert published_org.revisions.count() == revisions + 1


@pytest.mark.django_db
def test_editor_can_lock_and_unlock_own_lock(editors_client, editors_user, published_org):
    editors_client.post(admin_url("organization", "lock", published_org.pk))
    published_org.refresh_from_db()
    assert published_org.locked_by == editors_user
    editors_client.post(admin_url("organization", "unlock", published_org.pk))
    published_org.refresh_from_db()
    assert not published_org.locked


# --- roles: editors cannot publish, moderators approve -------------------------------------


@pytest.mark.django_db
def test_editor_sees_submit_but_not_publish(admin_client, editors_client, published_org):
    url = admin_url("organization", "edit", published_org.pk)
    editor_html = editors_client.get(url).content.decode()
    assert 'name="action-submit"' in editor_html
    assert 'name="action-publish"' not in editor_html
    admin_html = admin_client.get(url).content.decode()
    assert 'name="action-publish"' in admin_html


@pytest.mark.django_db
def test_editor_publish_request_is_saved_as_draft_only(editors_client, editors_user):
    response = organization_form(editors_client).post(editors_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    org = Organization.objects.get(slug="friends-of-the-mekong")
    assert org.live is False
    assert org.live_revision is None
    assert not logs_for(org).filter(action="wagtail.publish").exists()


@pytest.mark.django_db
def test_editor_cannot_unpublish_or_delete(editors_client, published_org):
    for view in ("unpublish", "delete"):
        response = editors_client.post(admin_url("organization", view, published_org.pk))
        assert response.status_code in (302, 403)
    published_org.refresh_from_db()
    assert published_org.live


@pytest.mark.django_db
def test_editor_cannot_edit_reference_data(editors_client):
    assert editors_client.get(admin_url("area", "list")).status_code == 200
    assert editors_client.get(admin_url("area", "add")).status_code in (302, 403)
    area = Area.objects.get(key="KH:12")
    response = editors_client.post(admin_url("area", "edit", area.pk), {"name_en": "Hacked"})
    assert response.status_code in (302, 403)
    area.refresh_from_db()
    assert area.name_en != "Hacked"


@pytest.mark.django_db
def test_submit_for_moderation_then_moderator_approves(editors_client, editors_user, moderators_client):
    response = organization_form(editors_client).post(editors_client, action="submit")
    assert response.status_code == 302, form_errors(response)
    org = Organization.objects.get(slug="friends-of-the-mekong")
    assert org.live is False
    state = org.current_workflow_state
    assert state is not None and state.requested_by == editors_user
    assert org.current_workflow_task.name == "Moderators approval"

    task_state = org.current_workflow_task_state
    response = moderators_client.post(
        reverse(
            "wagtailsnippets_directory_organization:workflow_action",
            args=[org.pk, "approve", task_state.pk],
        ),
        {"comment": "Checked by phone."},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.live is True
    assert org.current_workflow_state is None
    assert logs_for(org).filter(action="wagtail.publish").exists()


@pytest.mark.django_db
def test_partner_has_no_admin_access(partner_client):
    response = partner_client.get("/admin/")
    assert response.status_code in (302, 403)
    assert partner_client.get(admin_url("organization", "list")).status_code in (302, 403)


# --- bad input ---------------------------------------------------------------------------------

PHNOM_PENH = "KH:12"

INVALID_ORGANIZATION_INPUT = [
    pytest.param({}, [("phones", {"number": "123"})], "phones-0-number", "digits", id="phone-too-short"),
    pytest.param({}, [("phones", {"number": "abc"})], "phones-0-number", "letters", id="phone-letters"),
    pytest.param({}, [("phones", {"number": "+855 12"})], "phones-0-number", "digits", id="phone-incomplete"),
    pytest.param(
        {},
        [("contacts", {"role": "Desk", "phone": "12ab"})],
        "contacts-0-phone",
        "letters",
        id="contact-phone",
    ),
    pytest.param({"email": "info@"}, [], "email", "valid email", id="email"),
    pytest.param(
        {},
        [("contacts", {"role": "Desk", "email": "x@y"})],
        "contacts-0-email",
        "valid email",
        id="contact-email",
    ),
    pytest.param({"website": "not a website"}, [], "website", "valid URL", id="url"),
    pytest.param({"name": "<script>alert(1)</script>"}, [], "name", "HTML", id="script-in-name"),
    pytest.param({"description": "<b>x</b>"}, [], "description", "HTML", id="tag-in-description"),
    pytest.param({}, [("names", {"name": "<i>FOM</i>"})], "names-0-name", "HTML", id="tag-in-alias"),
    pytest.param(
        {},
        [("locations", {"name": "Office", "area": PHNOM_PENH, "latitude": 48.8, "longitude": 2.3})],
        "locations-0-latitude",
        "outside KH",
        id="point-in-paris",
    ),
    pytest.param(
        {},
        [("locations", {"name": "Office", "area": PHNOM_PENH, "latitude": 104.92, "longitude": 11.55})],
        "locations-0-latitude",
        "look swapped",
        id="lat-lng-swapped-in-cambodia",
    ),
    pytest.param(
        {},
        # Riyadh (24.7 N, 46.7 E) typed the wrong way round, for a migrant-worker desk in Saudi Arabia.
        [("locations", {"name": "Labour attaché", "area": "SA", "latitude": 46.7, "longitude": 24.7})],
        "locations-0-latitude",
        "swapped",
        id="lat-lng-swapped-abroad",
    ),
    pytest.param(
        {},
        [
            (
                "locations",
                {
                    "name": "Safe house",
                    "location_type": "shelter",
                    "area": PHNOM_PENH,
                    "visibility": "public",
                },
            )
        ],
        "locations-0-visibility",
        "never public",
        id="public-shelter",
    ),
    pytest.param(
        {},
        [
            (
                "contacts",
                {
                    "role": "Director",
                    "name": "Sok Dara",
                    "visibility": "public",
                    "consent_review_date": "2030-01-01",
                },
            )
        ],
        "contacts-0-visibility",
        "cannot be public",
        id="public-named-person",
    ),
    pytest.param({"area": "TH:TH-10"}, [], "area", "not in the chosen country", id="area-outside-country"),
]


def _resolve(value):
    if isinstance(value, str) and (value in ("KH", "SA") or value.startswith(("KH:", "TH:"))):
        return Area.objects.get(key=value)
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("action", [None, "publish"], ids=["draft", "publish"])
@pytest.mark.parametrize(("fields", "rows", "error_key", "message"), INVALID_ORGANIZATION_INPUT)
def test_invalid_organization_input_is_rejected(admin_client, action, fields, rows, error_key, message):
    if fields.get("area") and not Area.objects.filter(key=fields["area"]).exists():
        pytest.skip("reference data has no Bangkok area")
    data = organization_form(admin_client, **{k: _resolve(v) for k, v in fields.items()})
    for relation, row in rows:
        data.add_row(relation, **{k: _resolve(v) for k, v in row.items()})
    counts = (Organization.objects.count(), OrganizationPhone.objects.count(), Location.objects.count())
    revisions = Revision.objects.count()

    response = data.post(admin_client, action=action)

    errors = form_errors(response)
    assert error_key in errors, errors
    assert any(message.lower() in m.lower() for m in errors[error_key]), errors[error_key]
    assert "could not be created" in response.content.decode()
    assert (
        Organization.objects.count(),
        OrganizationPhone.objects.count(),
        Location.objects.count(),
    ) == counts
    assert Revision.objects.count() == revisions


@pytest.mark.django_db
def test_invalid_input_on_edit_leaves_draft_and_live_row_alone(admin_client, published_org):
    revisions = published_org.revisions.count()
    data = edit_form(admin_client, published_org).set(description="<script>alert(1)</script>")
    data.set_row("phones", 0, number="+855 12")
    errors = form_errors(data.post(admin_client))
    assert "description" in errors and "phones-0-number" in errors
    published_org.refresh_from_db()
    assert published_org.revisions.count() == revisions
    assert published_org.description == ""
    assert published_org.phones.get().number == "+85512345678"


@pytest.mark.django_db
def test_duplicate_slug_in_same_locale_is_a_field_error(admin_client, published_org):
    response = organization_form(admin_client, name="Other", slug=published_org.slug).post(admin_client)
    assert "already uses" in " ".join(form_errors(response)["slug"])
    assert Organization.objects.filter(slug=published_org.slug).count() == 1


# --- services ------------------------------------------------------------------------------


@pytest.fixture
def org_with_location(make_org):
    org = make_org("Shelter Partners", area_key="KH:12")
    location = Location.objects.create(
        organization=org,
        name="Drop-in centre",
        location_type="service_point",
        area=Area.objects.get(key="KH:12"),
    )
    return org, location


@pytest.mark.django_db
def test_create_service_with_choosers_and_inlines(admin_client, org_with_location):
    org, location = org_with_location
    data = service_form(
        admin_client,
        org,
        minimum_age=12,
        maximum_age=24,
        serves_men="True",  # eligibility radios post "True" / "False" / "" (not stated)
        trafficking_labour="True",
        serves_migrants="True",
        accepting_referrals="yes",
        beds_total=10,
        beds_available=3,
        capacity_as_of=datetime.date.today(),
    )
    data.add_row("term_links", term=TaxonomyTerm.objects.get(code="SHELTER.SHORT"))
    data.add_row("service_areas", area=Area.objects.get(key="KH:12"))
    data.add_row("service_areas", area=Area.objects.get(key="KH:02"), note="Outreach only")
    data.add_row("language_links", language=Language.objects.get(code="km"))
    data.add_row("nationalities", country=Area.objects.get(key="KH"))
    data.add_row("schedules", weekday="MO", opens_at=datetime.time(8), closes_at=datetime.time(17))
    data.add_row("schedules", open_24h=True, note="Hotline")
    data.add_row("phones", number="023 212 345", channel="hotline")
    data.add_row("service_at_locations", location=location)
    response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)

    service = Service.objects.get(name="Legal aid for returnees")
    assert service.live and service.organization == org
    assert [t.term.code for t in service.term_links.all()] == ["SHELTER.SHORT"]
    assert {a.area.key for a in service.service_areas.all()} == {"KH:12", "KH:02"}
    assert [link.language.code for link in service.language_links.all()] == ["km"]
    assert [n.country.key for n in service.nationalities.all()] == ["KH"]
    assert service.schedules.count() == 2
    assert (service.serves_men, service.trafficking_labour, service.serves_migrants) == (True, True, True)
    assert service.serves_women is None and service.serves_children is None  # left at "not stated"
    assert service.phones.get().number == "+85523212345"
    assert service.service_at_locations.get().location == location


@pytest.mark.django_db
def test_service_edit_offers_only_own_locations(admin_client, make_service, org_with_location, make_org):
    org, location = org_with_location
    other = make_org("Elsewhere")
    foreign = Location.objects.create(
        organization=other, name="Far office", area=Area.objects.get(key="KH:02")
    )
    service = make_service(org, "Counselling")
    response = admin_client.get(admin_url("service", "edit", service.pk))
    formset = response.context["form"].formsets["service_at_locations"]
    choices = set(formset.empty_form.fields["location"].queryset)
    assert choices == {location}

    data = edit_form(admin_client, service).add_row("service_at_locations", location=foreign)
    errors = form_errors(data.post(admin_client))
    assert "service_at_locations-0-location" in errors
    assert not ServiceAtLocation.objects.filter(service=service).exists()


INVALID_SERVICE_INPUT = [
    pytest.param({"minimum_age": 130}, [], "minimum_age", "0 to 120", id="age-over-120"),
    pytest.param(
        {"minimum_age": 30, "maximum_age": 18}, [], "maximum_age", "below the minimum", id="min-over-max"
    ),
    pytest.param({"beds_total": 5}, [], "capacity_as_of", "date", id="capacity-without-date"),
    pytest.param(
        {"serves_women": "False", "serves_men": "False"}, [], "serves_men", "women, men", id="serves-nobody"
    ),
    pytest.param({"url": "htp:/bad"}, [], "url", "valid URL", id="url"),
    pytest.param({"email": "nobody"}, [], "email", "valid email", id="email"),
    pytest.param({"name": "<b>x</b>"}, [], "name", "HTML", id="tag-in-name"),
    pytest.param(
        {"application_process": "<script>alert(1)</script>"}, [], "application_process", "HTML", id="script"
    ),
    pytest.param(
        {},
        [("schedules", {"opens_at": datetime.time(17), "closes_at": datetime.time(17)})],
        "schedules-0-closes_at",
        "the same",
        id="schedule-empty-span",
    ),
    pytest.param(
        {}, [("schedules", {"weekday": "MO"})], "schedules-0-opens_at", "24 hours", id="schedule-no-times"
    ),
    pytest.param({}, [("phones", {"number": "abc"})], "phones-0-number", "letters", id="phone"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "rows", "error_key", "message"), INVALID_SERVICE_INPUT)
def test_invalid_service_input_is_rejected(admin_client, make_org, fields, rows, error_key, message):
    org = make_org()
    data = service_form(admin_client, org, **fields)
    for relation, row in rows:
        data.add_row(relation, **row)
    response = data.post(admin_client)
    errors = form_errors(response)
    assert error_key in errors, errors
    assert any(message.lower() in m.lower() for m in errors[error_key]), errors[error_key]
    assert not Service.objects.filter(organization=org).exists()


# --- translation -------------------------------------------------------------------------------


def _translate(client, obj, locale_code="km"):
    url = reverse(
        "simple_translation:submit_snippet_translation",
        args=["directory", obj._meta.model_name, obj.pk],
    )
    assert client.get(url).status_code == 200
    return client.post(url, {"locales": [Locale.objects.get(language_code=locale_code).pk]})


@pytest.mark.django_db
def test_translate_button_in_organization_listing(admin_client, published_org):
    html = admin_client.get(admin_url("organization", "list")).content.decode()
    assert (
        reverse(
            "simple_translation:submit_snippet_translation",
            args=["directory", "organization", published_org.pk],
        )
        in html
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_create_khmer_copy_of_organization(admin_client, editors_client, published_org, who):
    client = admin_client if who == "superuser" else editors_client
    response = _translate(client, published_org)
    assert response.status_code == 302
    khmer = Organization.objects.get(
        translation_key=published_org.translation_key, locale__language_code="km"
    )
    assert response.url == admin_url("organization", "edit", khmer.pk)
    assert khmer.pk != published_org.pk
    assert khmer.slug == published_org.slug
    # A new translation is a draft until a moderator publishes it.
    assert khmer.live is False
    assert khmer.live_revision is None
    assert [p.number for p in khmer.phones.all()] == ["+85512345678"]
    published_org.refresh_from_db()
    assert published_org.live and published_org.locale.language_code == "en"

    # The Khmer copy can be edited and published through the usual form.
    data = edit_form(admin_client, khmer).set(name="ជំនួយផ្នែកច្បាប់មេគង្គ")
    response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    khmer.refresh_from_db()
    assert khmer.live and khmer.name == "ជំនួយផ្នែកច្បាប់មេគង្គ"
    assert published_org.get_translation(Locale.objects.get(language_code="km")) == khmer


@pytest.mark.django_db
def test_khmer_copy_of_service_follows_the_khmer_organization(admin_client, make_service, org_with_location):
    org, location = org_with_location
    service = make_service(org, "Shelter", terms=["SHELTER.SHORT"])
    ServiceAtLocation.objects.create(service=service, location=location)
    assert _translate(admin_client, org).status_code == 302
    khmer_org = org.get_translation(Locale.objects.get(language_code="km"))

    assert _translate(admin_client, service).status_code == 302
    khmer_service = service.get_translation(Locale.objects.get(language_code="km"))
    assert khmer_service.organization == khmer_org
    assert not khmer_service.live
    assert [t.term.code for t in khmer_service.term_links.all()] == ["SHELTER.SHORT"]
    assert [s.location.organization for s in khmer_service.service_at_locations.all()] == [khmer_org]


# --- audit log ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_log_records_who_did_what(admin_client, admin_user, editors_client, editors_user):
    organization_form(editors_client).post(editors_client)
    org = Organization.objects.get(slug="friends-of-the-mekong")
    edit_form(editors_client, org).set(description="Second draft").post(editors_client)
    edit_form(admin_client, org).post(admin_client, action="publish")
    admin_client.post(admin_url("organization", "lock", org.pk))

    entries = [(e.action, e.user_id) for e in logs_for(org)]
    assert ("wagtail.create", editors_user.pk) in entries
    assert ("wagtail.edit", editors_user.pk) in entries
    assert ("wagtail.publish", admin_user.pk) in entries
    assert ("wagtail.lock", admin_user.pk) in entries
    edit = logs_for(org).get(action="wagtail.edit", user=editors_user)
    assert edit.revision is not None and edit.content_changed
    assert edit.label == "Friends of the Mekong"

    # The history view lists them for the editors.
    html = admin_client.get(admin_url("organization", "history", org.pk)).content.decode()
    assert "ed" in html and "Published" in html


@pytest.mark.parametrize(
    ("model", "query", "expected", "absent"),
    [
        ("area", "បាត់ដំបង", "Battambang", "Pursat"),  # Khmer name finds the province
        ("taxonomyterm", "SHELTER.SHORT", "Emergency &amp; short-term shelter", "Legal advice"),
        ("language", "ไทย", "Thai", "Vietnamese"),  # the language's own name
    ],
)
def test_choosers_search_by_code_and_both_languages(editor_client, model, query, expected, absent):
    response = editor_client.get(f"/admin/snippets/choose/directory/{model}/results/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert absent not in html


@pytest.mark.django_db
def test_member_added_in_the_admin_sees_restricted_details_once_published(admin_client, django_user_model):
    staffer = django_user_model.objects.create_user("ngo-staffer", "s@example.org", "staffer-pass-123")
    data = organization_form(admin_client)
    data.add_row("phones", number="012 345 678", visibility="restricted", channel="voice")
    data.add_row("members", user=str(staffer.pk), role="Programme manager")
    response = data.post(admin_client, action="publish")
    assert response.status_code == 302, form_errors(response)
    org = Organization.objects.get(slug="friends-of-the-mekong")
    assert org.members.get().user == staffer

    from django.test import Client

    staff_client = Client()
    staff_client.force_login(staffer)
    html = staff_client.get(f"/directory/{org.slug}/").content.decode()
    assert "012 345 678" in html
    assert "012 345 678" not in Client().get(f"/directory/{org.slug}/").content.decode()


# --- usability: visible fields, own locations, the map picker ----------------------------------


def _panels(panel):
    yield panel
    for child in getattr(panel, "children", ()):
        yield from _panels(child)


def test_no_field_uses_the_title_style_without_a_placeholder():
    """Wagtail's "title" panel style hides the label and, until hovered, the border: without a
    placeholder the field is an invisible box (the organization's Name was). Every edit screen."""
    from wagtail.admin.panels import TitleFieldPanel
    from wagtail.snippets.models import get_snippet_models

    from library.models import LibraryDocumentPage

    handlers = [LibraryDocumentPage.get_edit_handler()]
    for model in get_snippet_models():
        viewset = getattr(model, "snippet_viewset", None)
        if viewset is not None:
            handlers.append(viewset.get_edit_handler())
    assert len(handlers) > 3
    for handler in handlers:
        for panel in _panels(handler):
            if isinstance(panel, TitleFieldPanel) and "title" in (panel.classname or "").split():
                assert panel.placeholder, f"{handler.model.__name__}.{panel.field_name} would be invisible"


@pytest.mark.django_db
def test_the_organization_name_is_an_ordinary_labelled_field(admin_client):
    html = admin_client.get(admin_url("organization", "add")).content.decode()
    assert '<label for="id_name" id="id_name-label">' in html
    assert not re.search(r'class="w-panel[^"]*\btitle\b', html)  # the style that hid it


@pytest.mark.django_db
def test_a_new_service_offers_no_other_organizations_locations(admin_client, org_with_location, make_org):
    org, location = org_with_location
    other = make_org("Other shelter organization")
    shelter = Location.objects.create(
        organization=other, name="Safe house", location_type="shelter", area=Area.objects.get(key="KH:02"),
        visibility="partners",
    )
    response = admin_client.get(admin_url("service", "add"))
    field = response.context["form"].formsets["service_at_locations"].empty_form.fields["location"]
    assert list(field.queryset) == []  # none until the organization is known, never everyone's

    # A crafted post attaching another organization's shelter is refused; nothing is created.
    data = service_form(admin_client, org).add_row("service_at_locations", location=shelter)
    errors = form_errors(data.post(admin_client, action="publish"))
    assert "service_at_locations-0-location" in errors
    assert not Service.objects.filter(name="Legal aid for returnees").exists()
    assert not ServiceAtLocation.objects.filter(location=shelter).exists()

    # Its own organization's location is accepted.
    data = service_form(admin_client, org).add_row("service_at_locations", location=location)
    assert data.post(admin_client, action="publish").status_code == 302
    assert Service.objects.get(name="Legal aid for returnees").service_at_locations.get().location == location


@pytest.mark.django_db
def test_each_location_row_has_a_map_picker_loaded_from_static_files(admin_client, org_with_location):
    org, _location = org_with_location
    html = admin_client.get(admin_url("organization", "edit", org.pk)).content.decode()
    assert 'data-portal-map-picker data-prefix="locations-0"' in html
    assert 'data-prefix="locations-__prefix__"' in html  # the "Add location" template row too
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'src="/static/portal/js/map-picker.js"' in html
    assert 'href="/static/vendor/leaflet/leaflet.css"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["ที่พักพิง", "Nhà tạm lánh", "ທີ່ພັກອາໄສ", "ជម្រក"], ids=["thai", "vietnamese", "lao", "khmer"]
)
def test_choosers_and_listings_find_types_and_languages_by_their_name_in_each_language(admin_client, query):
    # An editor types a service type or language as their own interface names it.
    for url in (
        reverse("wagtailsnippetchoosers_directory_taxonomyterm:choose_results"),
        admin_url("taxonomyterm", "list"),
    ):
        response = admin_client.get(url, {"q": query})
        assert response.status_code == 200
        body = response.content.decode()
        assert escape(TaxonomyTerm.objects.get(code="SHELTER").name_en) in body, url
        assert escape(TaxonomyTerm.objects.get(code="LEGAL").name_en) not in body, url
    thai = {"ที่พักพิง": "ภาษาไทย", "Nhà tạm lánh": "Tiếng Thái Lan", "ທີ່ພັກອາໄສ": "ພາສາໄທ", "ជម្រក": "ភាសាថៃ"}[query]
    for url in (reverse("wagtailsnippetchoosers_directory_language:choose_results"), admin_url("language", "list")):
        context = admin_client.get(url, {"q": thai}).context
        results = context.get("results") if context.get("results") is not None else context["object_list"]
        assert "th" in [lang.code for lang in results], url
