"""Groups and their permissions (portal/roles.py), as they stand after `migrate`."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from wagtail.models import GroupApprovalTask, WorkflowContentType

from directory.models import Organization, Service
from directory.visibility import viewer_tier
from portal.roles import EDITORS, MODERATORS, WORKFLOW_NAME, ensure_roles, partners_group_name


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def member(group_name, username="member"):
    user = User.objects.create_user(username, f"{username}@example.org", "pass-12345-pass")
    user.groups.add(Group.objects.get(name=group_name))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.mark.django_db
def test_groups_exist_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {partners_group_name(), EDITORS, MODERATORS} <= names


@pytest.mark.django_db
def test_snippet_permissions_exist_for_draft_and_lockable_models():
    codenames = set(
        Permission.objects.filter(content_type__app_label="directory").values_list("codename", flat=True)
    )
    for model in ("organization", "service"):
        assert {
            f"{a}_{model}" for a in ("add", "change", "delete", "view", "publish", "lock", "unlock")
        } <= codenames
    assert "publish_area" not in codenames


@pytest.mark.django_db
def test_partners_have_no_admin_access():
    assert perms(partners_group_name()) == set()
    user = member(partners_group_name())
    assert not user.has_perm("wagtailadmin.access_admin")
    assert viewer_tier(user) == "partners"


@pytest.mark.django_db
def test_editors_edit_and_submit_but_do_not_publish():
    granted = perms(EDITORS)
    assert "wagtailadmin.access_admin" in granted
    for model in ("organization", "service"):
        assert {f"directory.{a}_{model}" for a in ("add", "change", "view", "lock")} <= granted
        assert f"directory.publish_{model}" not in granted
        assert f"directory.delete_{model}" not in granted
        assert f"directory.unlock_{model}" not in granted
    assert {"directory.view_area", "directory.view_taxonomyterm", "directory.view_language"} <= granted
    assert not {"directory.change_area", "directory.add_taxonomyterm", "directory.change_language"} & granted
    assert "simple_translation.submit_translation" in granted
    # Wagtail's own defaults are kept.
    assert "wagtailimages.add_image" in granted

    user = member(EDITORS)
    assert user.has_perm("directory.change_organization")
    assert not user.has_perm("directory.publish_organization")
    assert viewer_tier(user) == "restricted"


@pytest.mark.django_db
def test_moderators_have_everything_editors_have_plus_publish():
    assert perms(EDITORS) <= perms(MODERATORS)
    granted = perms(MODERATORS)
    for model in ("organization", "service"):
        assert {f"directory.{a}_{model}" for a in ("publish", "delete", "unlock")} <= granted
    assert member(MODERATORS).has_perm("directory.publish_service")


@pytest.mark.django_db
def test_organizations_and_services_use_the_moderators_workflow():
    moderators = Group.objects.get(name=MODERATORS)
    for model in (Organization, Service):
        workflow = model.get_default_workflow()
        assert workflow is not None and workflow.active
        tasks = [task.specific for task in workflow.tasks]
        assert len(tasks) == 1 and isinstance(tasks[0], GroupApprovalTask)
        assert moderators in tasks[0].groups.all()


@pytest.mark.django_db
def test_ensure_roles_is_idempotent_and_restores_the_rules():
    editors = Group.objects.get(name=EDITORS)
    partners = Group.objects.get(name=partners_group_name())
    before = perms(EDITORS), perms(MODERATORS)
    editors.permissions.add(Permission.objects.get(codename="publish_organization"))
    partners.permissions.add(Permission.objects.get(codename="access_admin"))

    ensure_roles()
    ensure_roles()

    assert (perms(EDITORS), perms(MODERATORS)) == before
    assert perms(partners_group_name()) == set()
    assert Group.objects.filter(name=EDITORS).count() == 1
    assert (
        WorkflowContentType.objects.filter(
            content_type__in=ContentType.objects.get_for_models(Organization, Service).values()
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_ensure_roles_recreates_missing_groups_and_keeps_chosen_workflow():
    Group.objects.filter(name__in=[EDITORS, partners_group_name()]).delete()
    ensure_roles()
    assert "directory.change_service" in perms(EDITORS)
    assert Group.objects.filter(name=partners_group_name()).exists()

    # An admin's own workflow assignment is left alone.
    from wagtail.models import Workflow

    other = Workflow.objects.create(name="Two-step review", active=True)
    ct = ContentType.objects.get_for_model(Service)
    WorkflowContentType.objects.filter(content_type=ct).update(workflow=other)
    ensure_roles()
    assert Service.get_default_workflow() == other
    assert Organization.get_default_workflow().name == WORKFLOW_NAME


@pytest.mark.django_db
def test_post_migrate_signal_runs_ensure_roles():
    """`migrate` (and `flush`) end with post_migrate; the portal app answers it with ensure_roles."""
    Group.objects.filter(name__in=[EDITORS, MODERATORS, partners_group_name()]).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "directory.add_organization" in perms(EDITORS)
    assert "directory.publish_organization" in perms(MODERATORS)
    assert "directory.publish_organization" not in perms(EDITORS)
    assert Group.objects.filter(name=partners_group_name()).exists()
