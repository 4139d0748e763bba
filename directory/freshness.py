"""How current a directory entry is: fresh, due, not yet verified, overdue or orphaned.

The rules, for an Organization or a Service (both carry ``steward``, ``deputy``,
``review_interval_days`` and ``last_verified``):

* **orphaned**: neither the steward nor the deputy is an active user (both empty, deleted or
  deactivated). Nobody will review the entry, whatever its age; coordinators must find a steward.
  This is a staff matter: the public is told the entry's age-based state (``public_freshness``),
  never that it has no steward.
* otherwise, by the age of the verification date in days against the entry's
  ``review_interval_days``:

  - **fresh** while age < interval - ``DIRECTORY_REVIEW_DUE_SOON_DAYS`` (default 14);
  - **due** from age == interval - ``DIRECTORY_REVIEW_DUE_SOON_DAYS`` up to and including
    age == interval (the last day the verification still holds);
  - **overdue** when age > interval.

* **never verified** (``last_verified`` empty): the review clock starts when the entry was first
  published (else created): it is **unverified** ("Not yet verified") until its first review
  falls due, then **due** and **overdue** on the same days as if it had been verified on that
  date. A just-published entry is therefore never "overdue".

An **organization** is as current as the most current of itself and its published services: a
confirmed call about one of its services reached the organization too. Its state is the best of
its own state and each live service's state (each by its own interval), and its verification
date the latest of theirs. So an organization page never says "overdue" above a service that
says "verified today"; a service may still be overdue under a fresh organization.

``last_verified`` is the single stored verification date; logging a confirmed or changed
verification (``directory.models.VerificationLog``) sets it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_REVIEW_INTERVAL_DAYS = 180
# Where an organization's live services are found when the caller prefetched them
# (``with_service_dates``); otherwise they are read with one query.
SERVICE_DATES_ATTR = "live_service_dates"
_SERVICE_FIELDS = (
    "pk",
    "organization_id",
    "last_verified",
    "review_interval_days",
    "first_published_at",
    "created_at",
)


class Freshness(models.TextChoices):
    FRESH = "fresh", _("Fresh")
    DUE = "due", _("Due for review")
    UNVERIFIED = "unverified", _("Not yet verified")
    OVERDUE = "overdue", _("Overdue")
    ORPHANED = "orphaned", _("Orphaned (no active steward)")


# Best first: an organization takes the best state among itself and its services.
_RANK = {Freshness.FRESH: 0, Freshness.DUE: 1, Freshness.UNVERIFIED: 2, Freshness.OVERDUE: 3}


def _today(today):
    return today or timezone.localdate()


def due_soon_days():
    return int(getattr(settings, "DIRECTORY_REVIEW_DUE_SOON_DAYS", 14))


def review_interval(entry):
    return entry.review_interval_days or default_review_interval()


def _is_active(user):
    return user is not None and user.is_active


def has_active_steward(entry):
    """True when the steward or the deputy is an active user."""
    return any(
        getattr(entry, f"{role}_id") is not None and _is_active(getattr(entry, role))
        for role in ("steward", "deputy")
    )


def _as_date(value):
    if value is None or isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def review_start(entry) -> datetime.date | None:
    """When the review clock of a never-verified entry starts: first published, else created."""
    return _as_date(getattr(entry, "first_published_at", None) or getattr(entry, "created_at", None))


def _is_organization(entry):
    return entry._meta.model_name == "organization" if hasattr(entry, "_meta") else False


def with_service_dates(organizations):
    """Prefetch what an organization's freshness reads from its live services (one query)."""
    from django.db.models import Prefetch

    from .models import Service

    live = Service.objects.filter(live=True).only(*_SERVICE_FIELDS)
    return organizations.prefetch_related(Prefetch("services", queryset=live, to_attr=SERVICE_DATES_ATTR))


def _services_of(org):
    services = getattr(org, SERVICE_DATES_ATTR, None)
    if services is not None:
        return services
    return [] if org.pk is None else list(org.services.filter(live=True).only(*_SERVICE_FIELDS))


def _parts(entry):
    return [entry, *_services_of(entry)] if _is_organization(entry) else [entry]


def last_verified_on(entry) -> datetime.date | None:
    """The verification date an entry is judged by: its own, or for an organization the latest of
    its own and its live services'."""
    dates = [part.last_verified for part in _parts(entry) if part.last_verified is not None]
    return max(dates, default=None)


def verified_days_ago(entry, today=None) -> int | None:
    """Days since the verification date (0 = today), or None when never verified."""
    verified = last_verified_on(entry)
    return None if verified is None else (_today(today) - verified).days


def _clock(entry):
    """(date the review clock runs from, whether it is a verification) for one record."""
    if entry.last_verified is not None:
        return entry.last_verified, True
    return review_start(entry), False


def due_date(entry) -> datetime.date | None:
    """First day the entry (itself, not its services) is due for review; None when neither
    verified nor dated."""
    start, _verified = _clock(entry)
    if start is None:
        return None
    return start + datetime.timedelta(days=max(review_interval(entry) - due_soon_days(), 0))


def overdue_date(entry) -> datetime.date | None:
    """First day the entry (itself) is overdue."""
    start, _verified = _clock(entry)
    if start is None:
        return None
    return start + datetime.timedelta(days=review_interval(entry) + 1)


def _own_age_freshness(entry, today) -> "Freshness":
    # Also in SQL for the coverage matrix: services_map.coverage.verified_q (change both).
    start, verified = _clock(entry)
    if start is None:
        return Freshness.OVERDUE  # neither verified nor dated: nothing vouches for it
    age = (today - start).days
    interval = review_interval(entry)
    if age > interval:
        return Freshness.OVERDUE
    if age >= interval - due_soon_days():
        return Freshness.DUE
    return Freshness.FRESH if verified else Freshness.UNVERIFIED


def age_freshness(entry, today=None) -> "Freshness":
    """Freshness by verification dates alone, ignoring stewards (what the public is told).
    An organization takes the best state among itself and its live services."""
    today = _today(today)
    return min((_own_age_freshness(part, today) for part in _parts(entry)), key=_RANK.__getitem__)


def freshness(entry, today=None) -> "Freshness":
    """Freshness of an Organization or a Service on ``today`` (default: the local date)."""
    if not has_active_steward(entry):
        return Freshness.ORPHANED
    return age_freshness(entry, today)


def public_freshness(entry, today=None) -> "Freshness":
    """What the public is shown: the age-based state. Whether an entry has a steward is a staff
    matter; its verification date is a fact the public may rely on."""
    return age_freshness(entry, today)


def default_review_interval():
    """Default of ``review_interval_days`` (a callable, so the setting is read at run time)."""
    return int(getattr(settings, "DIRECTORY_REVIEW_INTERVAL_DAYS", DEFAULT_REVIEW_INTERVAL_DAYS))
