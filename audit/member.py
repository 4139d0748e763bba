"""/accounts/access-log/: an organization's own members see who viewed its restricted data.

A member (directory OrganizationMember, on a published organization) sees the entries of that
organization in every language (its translation key), and no other organization's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from directory.models import Organization, OrganizationMember

from .models import AccessLogEntry

LISTED = 500


def member_organizations(user):
    """The published organizations (in the default language) `user` is a member of."""
    keys = OrganizationMember.objects.filter(user=user, organization__live=True).values(
        "organization__translation_key"
    )
    return list(
        Organization.objects.filter(
            translation_key__in=keys, live=True, locale=Locale.get_default()
        ).order_by("name")
    )


@login_required
@require_GET
def organization_access_log(request):
    organizations = member_organizations(request.user)
    names = {org.translation_key: org.name for org in organizations}
    entries = AccessLogEntry.objects.filter(organization_key__in=list(names))
    listed = list(entries[:LISTED])
    for entry in listed:
        entry.organization_name = names.get(entry.organization_key, "")
    response = render(
        request,
        "audit/organization_access_log.html",
        {"organizations": organizations, "entries": listed, "total": entries.count(), "listed": LISTED},
    )
    response["Cache-Control"] = "private, no-store"
    return response
