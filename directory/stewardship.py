"""Stewardship actions: log a verification, hand over a departing steward's entries, and list
the entries that need a review.

Organizations and services are Wagtail snippets with drafts and revisions. Publishing a
draft turns the draft's stored revision back into the live row, so a change made only on the
live row would be rolled back by the next publish. Every change here is therefore written to
the live row *and* to the entry's latest revision (the draft editors continue from), without
creating a revision of its own: a verification or a handover is not an edit of the content,
it is recorded in the verification log and in Wagtail's audit log.

A verification applies to the organization or service in the real world, so the verification
date is set on every language copy of the entry (same ``translation_key``). Reviews, reminders
and the dashboard work on the default-locale entries only.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Locale

from .freshness import Freshness, freshness, with_service_dates
from .models import Organization, OrganizationStatus, Service, ServiceStatus
from .models.stewardship import VerificationLog

VERIFY_ACTION = "directory.verify"
HANDOVER_ACTION = "directory.handover"


def _serialize(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def update_entry(entry, **values):
    """Set ``values`` on the live row of ``entry`` and in its latest revision (the current draft),
    without touching ``updated_at`` or creating a revision."""
    type(entry).objects.filter(pk=entry.pk).update(**values)
    for field, value in values.items():
        setattr(entry, field, value)
    revision = entry.latest_revision
    if revision is not None:
        content = dict(revision.content)
        for field, value in values.items():
            content[field.removesuffix("_id")] = _serialize(value)
        revision.content = content
        revision.save(update_fields=["content"])


def language_copies(entry):
    """The entry and its translations (the same real organization or service)."""
    return type(entry).objects.filter(translation_key=entry.translation_key).select_related("latest_revision")


def record_verification(
    entry,
    *,
    user,
    method,
    outcome,
    verified_on=None,
    answered=None,
    languages=(),
    note="",
):
    """Log a verification of ``entry`` (an Organization or a Service).

    A confirmed or changed outcome makes ``verified_on`` the entry's ``last_verified`` date
    (never moving it backwards); an unreachable outcome is logged without refreshing the date.
    """
    verified_on = verified_on or timezone.localdate()
    if verified_on > timezone.localdate():
        raise ValueError("A verification cannot be dated in the future.")
    with transaction.atomic():
        entry_log = VerificationLog(
            verified_on=verified_on,
            verified_by=user,
            method=method,
            outcome=outcome,
            answered=answered,
            note=note,
        )
        entry_log.set_entry(entry)
        entry_log.full_clean()
        entry_log.save()
        if languages:
            entry_log.languages_answered.set(languages)
        if entry_log.refreshes_date:
            for copy in language_copies(entry):
                if copy.last_verified is None or copy.last_verified < verified_on:
                    update_entry(copy, last_verified=verified_on)
                    if copy.pk == entry.pk:
                        entry.last_verified = verified_on
        log(
            instance=entry,
            action=VERIFY_ACTION,
            user=user,
            data={
                "verified_on": verified_on.isoformat(),
                "method": method,
                "outcome": outcome,
                "answered": answered,
            },
        )
    return entry_log


def _user_data(user):
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name()}


def hand_over(from_user, to_user, *, by):
    """Move every steward and deputy role of ``from_user`` (on organizations and services, in
    every language) to ``to_user``, in one transaction, with an audit-log entry on each entry.

    Returns ``{"organizations": n, "services": n, "entries": [...], "both_roles": [...]}`` where
    ``both_roles`` lists entries on which ``to_user`` is now steward and deputy at once (editors
    should pick another deputy for them).
    """
    if from_user.pk == to_user.pk:
        raise ValueError("Choose two different users.")
    result = {"organizations": 0, "services": 0, "entries": [], "both_roles": []}
    with transaction.atomic():
        for model, key in ((Organization, "organizations"), (Service, "services")):
            entries = (
                model.objects.select_for_update()
                .filter(Q(steward=from_user) | Q(deputy=from_user))
                .order_by("pk")
            )
            for entry in entries:
                roles = [
                    role for role in ("steward", "deputy") if getattr(entry, f"{role}_id") == from_user.pk
                ]
                update_entry(entry, **{f"{role}_id": to_user.pk for role in roles})
                log(
                    instance=entry,
                    action=HANDOVER_ACTION,
                    user=by,
                    data={"from": _user_data(from_user), "to": _user_data(to_user), "roles": roles},
                )
                result[key] += 1
                result["entries"].append(entry)
                if entry.steward_id == entry.deputy_id:
                    result["both_roles"].append(entry)
    return result


# --- what needs a review ---------------------------------------------------------------------

ATTENTION = (Freshness.DUE, Freshness.OVERDUE, Freshness.ORPHANED)
_CLOSED = (OrganizationStatus.MERGED, OrganizationStatus.RENAMED, OrganizationStatus.CLOSED)


def reviewable_organizations():
    """Published, default-locale organizations that are still open (a closed, merged or renamed
    organization points to its successor and is not reviewed any more)."""
    return (
        Organization.objects.filter(live=True, locale=Locale.get_default())
        .exclude(status__in=_CLOSED)
        .select_related("steward", "deputy", "area", "area__province", "latest_revision")
    )


def reviewable_services():
    """Published, default-locale services that are not defunct, of open organizations."""
    return (
        Service.objects.filter(live=True, locale=Locale.get_default())
        .exclude(status=ServiceStatus.DEFUNCT)
        .exclude(organization__status__in=_CLOSED)
        .select_related("steward", "deputy", "organization", "organization__area", "latest_revision")
    )


def entries_needing_review(today=None, *, organizations=None, services=None, states=ATTENTION):
    """[(entry, freshness)] for the entries in ``states``; the querysets default to everything
    reviewable."""
    organizations = with_service_dates(reviewable_organizations() if organizations is None else organizations)
    services = reviewable_services() if services is None else services
    found = []
    for entry in [*organizations, *services]:
        state = freshness(entry, today)
        if state in states:
            found.append((entry, state))
    return found
