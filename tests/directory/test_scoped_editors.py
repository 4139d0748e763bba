"""Organization-scoped editors: the permission matrix over each model and each admin view.

"Own" is an organization whose published version lists the scoped editor as a member who can
edit; "other" is the tiered organization of tests/conftest.py (a shelter, restricted phones and
contacts). A scoped editor may draft changes to own and its services, and to nothing else.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from directory.models import (
    Location,
    Organization,
    OrganizationMember,
    Service,
    UpdateSuggestion,
    VerificationLog,
)
from directory.permissions import editable_organizations, is_scoped_editor
from directory.visibility import viewer_tier
from portal.roles import EDITORS, ensure_roles, organization_editors_group_name

from .test_admin import admin_url, edit_form, service_form

SHELTER_SECRETS = ("Recovery shelter", "SECRET-SHELTER-ADDRESS", "+85523000303", "restricted-desk@example.org")
REVIEWS = "/admin/directory/reviews/"


def _user(username, *groups):
    user = User.objects.create_user(username, f"{username}@example.org", "pass-12345-pass")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db, make_org, make_service, tiered_org):
    ensure_roles()
    scoped = _user("focal", organization_editors_group_name())
    own = make_org("Own Legal Aid", slug="own-legal-aid", area_key="KH:12")
    OrganizationMember.objects.create(organization=own, user=scoped, role="Focal point", can_edit=True)
    Location.objects.create(organization=own, name="Own office", location_type="office", area=own.area)
    own_service = make_service(own, "Own counselling")
    # A member without "can edit" of a third organization: membership alone gives no editing.
    member_only = make_org("Member Only Clinic", slug="member-only-clinic")
    OrganizationMember.objects.create(organization=member_only, user=scoped, role="Volunteer")
    for org in (own, tiered_org, member_only):
        org.save_revision()
    other_service = tiered_org.services.get()
    other_service.save_revision()
    own_service.save_revision()
    return {
        "scoped": scoped,
        "client": _client(scoped),
        "own": own,
        "own_service": own_service,
        "other": tiered_org,
        "other_service": other_service,
        "member_only": member_only,
    }


def listed(client, model):
    response = client.get(admin_url(model, "list"))
    assert response.status_code == 200
    return set(response.context["object_list"])


def per_object_urls(model, obj):
    """Every admin URL of the model's viewset that names one object, read from the viewset
    itself (so a view Wagtail adds later is in the matrix too): {url name: URL}."""
    viewset = obj.snippet_viewset
    values = {"pk": obj.pk, "revision_id": obj.latest_revision.pk, "revision_id_a": "earliest"}
    values["revision_id_b"] = "latest"
    urls = {}
    for pattern in viewset.get_urlpatterns():
        route = pattern.pattern
        names = list(getattr(route, "converters", {})) or list(route.regex.groupindex)
        if "pk" in names:
            # Workflow URLs also name a task or state: any id does, the object is refused first.
            kwargs = {name: values.get(name, "approve" if name == "action_name" else 1) for name in names}
            urls[pattern.name] = reverse(f"{viewset.url_namespace}:{pattern.name}", kwargs=kwargs)
    assert {"edit", "delete", "history", "revisions_compare", "revisions_revert", "inspect"} <= set(urls)
    return urls


def refused(response):
    """403, or Wagtail's refusal: back to the admin dashboard (with "no permission")."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editable_organizations_are_the_published_ones_listing_the_user_as_editor(world):
    assert is_scoped_editor(world["scoped"])
    assert set(editable_organizations(world["scoped"])) == {world["own"]}
    world["own"].live = False
    world["own"].save()
    assert set(editable_organizations(world["scoped"])) == set()


@pytest.mark.django_db
def test_a_user_in_a_site_wide_group_as_well_is_not_scoped(world):
    world["scoped"].groups.add(Group.objects.get(name=EDITORS))
    user = User.objects.get(pk=world["scoped"].pk)
    assert not is_scoped_editor(user)
    assert {world["own"], world["other"]} <= set(listed(_client(user), "organization"))


@pytest.mark.django_db
def test_the_group_cannot_publish_delete_or_create_organizations(world):
    user = world["scoped"]
    assert user.has_perm("wagtailadmin.access_admin")
    assert user.has_perm("directory.change_organization") and user.has_perm("directory.add_service")
    for perm in ("publish", "delete", "unlock"):
        for model in ("organization", "service"):
            assert not user.has_perm(f"directory.{perm}_{model}")
    assert not user.has_perm("directory.add_organization")


@pytest.mark.django_db
def test_public_site_tier_is_restricted_only_for_own_organization(world):
    user = world["scoped"]
    assert viewer_tier(user) == "public"
    assert viewer_tier(user, world["other"]) == "public"
    assert viewer_tier(user, world["own"]) == "restricted"


# --- listings and per-object views -------------------------------------------------------------


@pytest.mark.django_db
def test_lists_show_only_own_organizations_and_services(world):
    client = world["client"]
    assert listed(client, "organization") == {world["own"]}
    assert listed(client, "service") == {world["own_service"]}
    html = client.get(admin_url("organization", "list"), {"q": "Tiered"}).content.decode()
    assert "Tiered Shelter Network" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["organization", "service"])
def test_every_view_of_another_organizations_object_is_refused(world, model):
    other = world["other"] if model == "organization" else world["other_service"]
    client = world["client"]
    for view, url in per_object_urls(model, other).items():
        for method in (client.get, client.post):
            response = method(url)
            assert refused(response), f"{method.__name__.upper()} {view}: {response.status_code}"
            assert "Tiered Shelter" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["organization", "service"])
def test_own_objects_open_for_edit_history_compare_and_inspect(world, model):
    own = world["own"] if model == "organization" else world["own_service"]
    urls = per_object_urls(model, own)
    for view in ("edit", "history", "inspect", "revisions_compare", "usage"):
        assert world["client"].get(urls[view]).status_code == 200, view


@pytest.mark.django_db
def test_own_organization_draft_is_saved_but_not_published_nor_deleted(world):
    client, own = world["client"], world["own"]
    response = edit_form(client, own).set(description="New opening hours.").post(client, action="publish")
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.live and own.description != "New opening hours."  # live version unchanged
    assert own.latest_revision.as_object().description == "New opening hours."  # the draft
    for view in ("delete", "unpublish"):
        assert client.post(admin_url("organization", view, own.pk)).status_code in (302, 403)
    assert Organization.objects.filter(pk=own.pk, live=True).exists()


@pytest.mark.django_db
def test_submit_for_moderation_of_own_organization(world):
    client, own = world["client"], world["own"]
    response = edit_form(client, own).set(description="Please check.").post(client, action="submit")
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.current_workflow_state is not None
    assert own.current_workflow_state.requested_by == world["scoped"]


@pytest.mark.django_db
def test_member_without_can_edit_is_refused(world):
    response = world["client"].get(admin_url("organization", "edit", world["member_only"].pk))
    assert refused(response)


# --- forms: services only for own organizations ----------------------------------------------


@pytest.mark.django_db
def test_creating_a_service_for_own_organization_works(world):
    response = service_form(world["client"], world["own"], name="Own hotline").post(world["client"])
    assert response.status_code == 302
    assert Service.objects.get(name="Own hotline").organization == world["own"]


@pytest.mark.django_db
def test_crafted_post_of_a_service_for_another_organization_is_refused(world):
    client = world["client"]
    response = service_form(client, world["own"], name="Planted service").set(organization=world["other"]).post(
        client
    )
    assert response.status_code == 200  # the form again, with the error
    assert "organization" in response.context["form"].errors
    assert not Service.objects.filter(name="Planted service").exists()
    html = response.content.decode()
    for secret in SHELTER_SECRETS:  # the other organization's locations are not offered
        assert secret not in html


@pytest.mark.django_db
def test_moving_own_service_to_another_organization_is_refused(world):
    client, service = world["client"], world["own_service"]
    revision = service.latest_revision
    response = edit_form(client, service).set(organization=world["other"]).post(client)
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    service.refresh_from_db()
    assert service.organization == world["own"]
    assert service.latest_revision == revision  # no draft was saved either


@pytest.mark.django_db
def test_service_form_offers_only_own_locations(world):
    response = world["client"].get(admin_url("service", "edit", world["own_service"].pk))
    formset = response.context["form"].formsets["service_at_locations"]
    assert set(formset.empty_form.fields["location"].queryset) == {world["own"].locations.get()}
    page = response.content.decode()
    for secret in SHELTER_SECRETS:
        assert secret not in page


# --- choosers --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["organization", "service"])
def test_choosers_list_only_own_objects(world, model):
    client = world["client"]
    for view in ("choose", "choose_results"):
        response = client.get(reverse(f"wagtailsnippetchoosers_directory_{model}:{view}"))
        assert response.status_code == 200
        html = response.content.decode()
        assert ("Own Legal Aid" if model == "organization" else "Own counselling") in html
        assert "Tiered Shelter" not in html and "Emergency shelter" not in html
        searched = client.get(reverse(f"wagtailsnippetchoosers_directory_{model}:choose_results"), {"q": "shelter"})
        assert "Tiered Shelter" not in searched.content.decode()
        assert "Emergency shelter" not in searched.content.decode()


@pytest.mark.django_db
def test_chosen_view_of_another_organization_is_refused(world):
    url = reverse("wagtailsnippetchoosers_directory_organization:chosen", args=[world["other"].pk])
    assert world["client"].get(url).status_code == 404
    own = reverse("wagtailsnippetchoosers_directory_organization:chosen", args=[world["own"].pk])
    assert world["client"].get(own).status_code == 200


# --- Reviews dashboard and suggestions -------------------------------------------------------


@pytest.mark.django_db
def test_reviews_dashboard_shows_only_own_entries(world):
    html = world["client"].get(REVIEWS, {"state": "all"}).content.decode()
    assert "Own Legal Aid" in html
    assert "Tiered Shelter" not in html and "Emergency shelter" not in html
    assert "Member Only Clinic" not in html


@pytest.mark.django_db
def test_review_actions_on_another_organization_are_refused(world):
    client, other = world["client"], world["other"]
    for name, method in (("verify", client.get), ("history", client.get), ("confirm", client.post)):
        url = reverse(f"directory_reviews:{name}", args=["organization", other.pk])
        assert method(url).status_code == 404, name
    url = reverse("directory_reviews:verify", args=["service", world["other_service"].pk])
    assert client.get(url).status_code == 404
    assert not VerificationLog.objects.filter(organization=other).exists()
    own_url = reverse("directory_reviews:confirm", args=["organization", world["own"].pk])
    assert client.post(own_url).status_code == 302
    assert VerificationLog.objects.filter(organization=world["own"]).exists()


@pytest.mark.django_db
def test_suggestions_queue_shows_only_own_organizations(world):
    own = UpdateSuggestion.objects.create(organization=world["own"], message="Our phone changed.")
    other = UpdateSuggestion.objects.create(organization=world["other"], message="Shelter moved.")
    client = world["client"]
    assert listed(client, "updatesuggestion") == {own}
    assert refused(client.get(admin_url("updatesuggestion", "edit", other.pk)))
    assert client.get(admin_url("updatesuggestion", "edit", own.pk)).status_code == 200


# --- a full editor is unaffected ---------------------------------------------------------------


@pytest.mark.django_db
def test_full_editor_keeps_site_wide_rights(world):
    editor = _client(_user("siteeditor", EDITORS))
    assert {world["own"], world["other"]} <= listed(editor, "organization")
    assert editor.get(admin_url("organization", "edit", world["other"].pk)).status_code == 200
    assert editor.get(admin_url("service", "history", world["other_service"].pk)).status_code == 200
    html = editor.get(reverse("wagtailsnippetchoosers_directory_organization:choose")).content.decode()
    assert "Tiered Shelter" in html
    assert "Tiered Shelter" in editor.get(REVIEWS, {"state": "all"}).content.decode()


# --- site-wide reports list every organization -------------------------------------------------


@pytest.mark.django_db
def test_site_wide_reports_are_refused(world):
    names = (
        "services_map_not_on_map",
        "services_map_confidential_public",
        "background_tasks",
        "directory_eligibility_report",
        "directory_markup_report",
        "translation_report",
        "wagtailadmin_reports:site_history",
        "wagtailadmin_reports:site_history_results",
    )
    for name in names:
        response = world["client"].get(reverse(name))
        assert refused(response), f"{name}: {response.status_code}"
        assert "Tiered Shelter" not in response.content.decode()
    editor = _client(_user("reporteditor", EDITORS))
    assert editor.get(reverse("services_map_confidential_public")).status_code == 200
    # Wagtail's Site history lists entries by title: not offered to the scoped editor either.
    menu = world["client"].get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailadmin_reports:site_history") not in menu
    assert editor.get(reverse("wagtailadmin_reports:site_history")).status_code == 200
    assert reverse("wagtailadmin_reports:site_history") in editor.get(reverse("wagtailadmin_home")).content.decode()
