"""Organization-scoped editing: who may edit which organizations. One rule, asked by every
admin view of organizations, services, the Reviews dashboard and the suggestions queue.

A *scoped editor* is a user of the "Organization editors" group (setting
``DIRECTORY_ORGANIZATION_EDITOR_GROUP``) who is neither a superuser nor in a site-wide editing
group (Editors, Moderators, Coordinators). They may draft changes to the organizations whose
published version lists them as a member with ``can_edit`` (and the Khmer copies of those, same
translation_key), to those organizations' services, locations, phones, contacts and
verification log, and to nothing else. They never publish or delete (the group lacks the rights).
Everyone else keeps what their Wagtail permissions give them, site-wide.

Enforcement (``directory/admin/scoping.py``): list querysets and choosers are filtered with
``scope_queryset``; every admin URL that names one object (edit, history, revisions, compare,
delete, inspect, usage, lock, preview, workflow...) is refused with 403 unless
``may_edit_object`` agrees; forms offer and accept only editable organizations.
"""

from django.db.models import Q

from portal.roles import EDITORS, MODERATORS, coordinators_group_name, organization_editors_group_name

from .models import Organization, OrganizationMember, Service


def _site_wide_groups():
    return [EDITORS, MODERATORS, coordinators_group_name()]


def is_scoped_editor(user):
    """True for a user whose editing is limited to their own organizations."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return False
    cached = getattr(user, "_directory_scoped_editor", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = organization_editors_group_name() in names and not names.intersection(_site_wide_groups())
        user._directory_scoped_editor = cached
    return cached


def editable_organizations(user):
    """The organizations `user` may edit: every one for a site-wide editor; for a scoped editor
    those whose live version lists them as a member who can edit (every translation of them)."""
    if not is_scoped_editor(user):
        return Organization.objects.all()
    keys = OrganizationMember.objects.filter(
        user=user, can_edit=True, organization__live=True
    ).values("organization__translation_key")
    return Organization.objects.filter(translation_key__in=keys)


def _organization_lookups(model):
    """The lookups (OR-ed) from `model` to the organization an object of it belongs to."""
    from .models import Location, UpdateSuggestion, VerificationLog

    return {
        Organization: ["pk"],
        Service: ["organization"],
        Location: ["organization"],
        UpdateSuggestion: ["organization"],
        VerificationLog: ["organization", "service__organization"],
    }.get(model, [])


def scope_queryset(queryset, user):
    """`queryset` narrowed to what `user` may edit (unchanged for a site-wide editor)."""
    if not is_scoped_editor(user):
        return queryset
    lookups = _organization_lookups(queryset.model)
    if not lookups:  # a model this rule does not know: show a scoped editor nothing of it
        return queryset.none()
    editable = editable_organizations(user).values("pk")
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__in": editable})
    return queryset.filter(condition)


def may_edit_object(user, model, pk):
    """Whether `user` may open the object `model`/`pk` in the admin (any view of it)."""
    if not is_scoped_editor(user):
        return True
    return scope_queryset(model._default_manager.filter(pk=pk), user).exists()
