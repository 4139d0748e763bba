"""User groups and what each may do.

* **Partners**: vetted partner organizations. No admin access; logging in only lets them see
  partner-tier data (phones, contacts, shelter addresses marked "Partners only") on the public
  site. See ``directory.visibility``.
* **Editors**: open the admin, add and change organizations and services, save drafts, lock
  what they are editing, create the Khmer copy, and submit for moderation. They cannot publish.
* **Moderators**: everything editors do, plus publish, unpublish, delete and unlock. They are
  the reviewers in the "Moderators approval" workflow assigned to organizations and services.
  They may also hand over a departing steward's entries and delete spam suggestions, and they
  keep the search synonym groups (editors may only view them).
  They read the access log (who saw partners-tier or restricted data; ``audit``).
* **Coordinators**: receive the review reminders of entries that stay overdue or have no active
  steward (``manage.py send_review_reminders``). They edit like editors (to assign stewards)
  and may hand over stewardship; they do not publish.
* **Organization editors** (setting ``DIRECTORY_ORGANIZATION_EDITOR_GROUP``): an NGO's staff or a
  department's focal point. Like Editors, but only for the organizations whose published
  version lists them as a member who "can edit", and those organizations' services (the rule
  and where it is enforced: ``directory.permissions``). No publishing, deleting or unlocking.
  In another editing group as well, a user keeps that group's site-wide rights.

Editors, Moderators and Coordinators all use the stewardship screens: the Reviews dashboard,
logging verifications and the queue of visitors' update suggestions.

Wagtail's own migrations create Editors and Moderators (with admin access and image and
document permissions); ``ensure_roles`` extends them and is run after every ``migrate``
(see ``portal.apps``). It only adds what is missing, except that it always takes publishing
away from Editors and admin access away from Partners, which are the rules of the roles.

Superusers manage the reference data (areas, service types, languages); both editor groups
may view it, which is what the choosers on the forms need.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, transaction

EDITORS = "Editors"
MODERATORS = "Moderators"
WORKFLOW_NAME = "Moderators approval"

# Models edited through drafts, revisions and the workflow.
DIRECTORY_CONTENT = ("organization", "service")
# Reference data chosen on the forms.
DIRECTORY_REFERENCE = ("area", "taxonomyterm", "language")


def partners_group_name():
    return getattr(settings, "DIRECTORY_PARTNER_GROUP", "Partners")


def coordinators_group_name():
    return getattr(settings, "DIRECTORY_COORDINATOR_GROUP", "Coordinators")


def organization_editors_group_name():
    return getattr(settings, "DIRECTORY_ORGANIZATION_EDITOR_GROUP", "Organization editors")


def _content(actions):
    return [f"directory.{action}_{model}" for model in DIRECTORY_CONTENT for action in actions]


EDITOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    *_content(["add", "change", "view", "lock"]),
    *[f"directory.view_{model}" for model in DIRECTORY_REFERENCE],
    "simple_translation.submit_translation",
    # Stewardship: the Reviews dashboard, logging verifications, the suggestions queue.
    "directory.add_verificationlog",
    "directory.view_verificationlog",
    "directory.view_updatesuggestion",
    "directory.change_updatesuggestion",
    # Search synonyms: editors see them; moderators change them (they widen every search).
    "search.view_synonymgroup",
]
HANDOVER_PERMISSION = "directory.hand_over_stewardship"
ACCESS_LOG_PERMISSION = "audit.view_accesslogentry"
MODERATOR_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    *_content(["publish", "delete", "unlock"]),
    HANDOVER_PERMISSION,
    "directory.delete_updatesuggestion",
    *[f"search.{action}_synonymgroup" for action in ("add", "change", "delete")],
    # The access log report (who saw what): moderators, not every editor (audit/).
    ACCESS_LOG_PERMISSION,
]
COORDINATOR_PERMISSIONS = [*EDITOR_PERMISSIONS, HANDOVER_PERMISSION]
# Scoped to their own organizations by directory.permissions; they never create an organization
# (they would not be its member) nor translate one (that creates an organization too).
ORGANIZATION_EDITOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    *[f"directory.{action}_organization" for action in ("change", "view", "lock")],
    *[f"directory.{action}_service" for action in ("add", "change", "view", "lock")],
    *[f"directory.view_{model}" for model in DIRECTORY_REFERENCE],
    "directory.add_verificationlog",
    "directory.view_verificationlog",
    "directory.view_updatesuggestion",
    "directory.change_updatesuggestion",
]
ORGANIZATION_EDITOR_FORBIDDEN = [*_content(["publish", "delete", "unlock"]), "directory.add_organization"]
# Never held by the group, whatever was granted by hand.
EDITOR_FORBIDDEN = _content(["publish"])
PARTNER_FORBIDDEN = ["wagtailadmin.access_admin"]

ROLE_PERMISSIONS = {
    EDITORS: EDITOR_PERMISSIONS,
    MODERATORS: MODERATOR_PERMISSIONS,
}


def _permissions(names, using):
    """Permission rows for "app_label.codename" names; names not created yet are skipped."""
    if not names:
        return []
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = (
        Permission.objects.using(using)
        .filter(
            codename__in={codename for _app, codename in wanted},
            content_type__app_label__in={app for app, _codename in wanted},
        )
        .select_related("content_type")
    )
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def ensure_roles(using=DEFAULT_DB_ALIAS):
    """Create or extend the Partners, Editors, Moderators, Coordinators and Organization editors
    groups, and give
    organizations and services the moderation workflow. Idempotent; returns the groups by name."""
    with transaction.atomic(using=using):
        groups = {}
        partners, _ = Group.objects.using(using).get_or_create(name=partners_group_name())
        partners.permissions.remove(*_permissions(PARTNER_FORBIDDEN, using))
        groups[partners.name] = partners

        for name, names in {**ROLE_PERMISSIONS, coordinators_group_name(): COORDINATOR_PERMISSIONS}.items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.add(*_permissions(names, using))
            groups[name] = group
        groups[EDITORS].permissions.remove(*_permissions(EDITOR_FORBIDDEN, using))
        groups[coordinators_group_name()].permissions.remove(*_permissions(EDITOR_FORBIDDEN, using))

        scoped, _ = Group.objects.using(using).get_or_create(name=organization_editors_group_name())
        scoped.permissions.add(*_permissions(ORGANIZATION_EDITOR_PERMISSIONS, using))
        scoped.permissions.remove(*_permissions(ORGANIZATION_EDITOR_FORBIDDEN, using))
        groups[scoped.name] = scoped

        ensure_moderation_workflow(groups[MODERATORS], using=using)
    return groups


def ensure_moderation_workflow(moderators, using=DEFAULT_DB_ALIAS):
    """Assign a workflow whose task is approval by Moderators to organizations and services,
    unless another workflow has been assigned to them (then the admin's choice stands)."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

    from directory.models import Organization, Service

    content_types = ContentType.objects.db_manager(using).get_for_models(
        Organization, Service, for_concrete_models=False
    )
    if not content_types:
        return None
    unassigned = [
        ct
        for ct in content_types.values()
        if not WorkflowContentType.objects.using(using).filter(content_type=ct).exists()
    ]
    if not unassigned:
        return None

    tasks = GroupApprovalTask.objects.using(using).filter(active=True, groups=moderators)
    workflow = (
        Workflow.objects.using(using)
        .filter(active=True, workflow_tasks__task__in=tasks)
        .order_by("pk")
        .first()
    )
    if workflow is None:
        task = tasks.order_by("pk").first()
        if task is None:
            task = GroupApprovalTask.objects.using(using).create(name=WORKFLOW_NAME, active=True)
            task.groups.add(moderators)
        workflow = Workflow.objects.using(using).create(name=WORKFLOW_NAME, active=True)
        WorkflowTask.objects.using(using).create(workflow=workflow, task=task, sort_order=0)

    for ct in unassigned:
        WorkflowContentType.objects.using(using).create(content_type=ct, workflow=workflow)
    return workflow
