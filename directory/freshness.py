"""How current a directory entry is: fresh, due, overdue or orphaned.

The rules, for an Organization or a Service (both carry ``steward``, ``deputy``,
``review_interval_days`` and ``last_verified``):

* **orphaned**: neither the steward nor the deputy is an active user (both empty, deleted or
  deactivated). Nobody will review the entry, whatever its age; coordinators must find a steward.
  The public sees an orphaned entry exactly like an overdue one (no staff names are shown).
* otherwise, by the age of ``last_verified`` in days (``today - last_verified``) against the
  entry's ``review_interval_days``:

  - **fresh** while age < interval - ``DIRECTORY_REVIEW_DUE_SOON_DAYS`` (default 14);
  - **due** from age == interval - ``DIRECTORY_REVIEW_DUE_SOON_DAYS`` up to and including
    age == interval (the last day the verification still holds);
  - **overdue** when age > interval;
  - never verified (``last_verified`` empty) counts as **overdue**.

``last_verified`` is the single source of the verification date; logging a confirmed or changed
verification (``directory.models.VerificationLog``) sets it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_REVIEW_INTERVAL_DAYS = 180


class Freshness(models.TextChoices):
    FRESH = "fresh", _("Fresh")
    DUE = "due", _("Due for review")
    OVERDUE = "overdue", _("Overdue")
    ORPHANED = "orphaned", _("Orphaned (no active steward)")


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


def verified_days_ago(entry, today=None) -> int | None:
    """Days since ``last_verified`` (0 = today), or None when never verified."""
    if entry.last_verified is None:
        return None
    return (_today(today) - entry.last_verified).days


def due_date(entry) -> datetime.date | None:
    """First day the entry is due for review (None when never verified: it is overdue)."""
    if entry.last_verified is None:
        return None
    return entry.last_verified + datetime.timedelta(days=max(review_interval(entry) - due_soon_days(), 0))


def overdue_date(entry) -> datetime.date | None:
    """First day the entry is overdue (None when never verified: it always is)."""
    if entry.last_verified is None:
        return None
    return entry.last_verified + datetime.timedelta(days=review_interval(entry) + 1)


def age_freshness(entry, today=None) -> "Freshness":
    """Freshness by the verification date alone, ignoring stewards (what the public is told)."""
    age = verified_days_ago(entry, today)
    if age is None:
        return Freshness.OVERDUE
    interval = review_interval(entry)
    if age > interval:
        return Freshness.OVERDUE
    if age >= interval - due_soon_days():
        return Freshness.DUE
    return Freshness.FRESH


def freshness(entry, today=None) -> "Freshness":
    """Freshness of an Organization or a Service on ``today`` (default: the local date)."""
    if not has_active_steward(entry):
        return Freshness.ORPHANED
    return age_freshness(entry, today)


def public_freshness(entry, today=None) -> "Freshness":
    """What the public is shown: orphaned reads as overdue, so staff matters stay internal."""
    state = freshness(entry, today)
    return Freshness.OVERDUE if state == Freshness.ORPHANED else state


def default_review_interval():
    """Default of ``review_interval_days`` (a callable, so the setting is read at run time)."""
    return int(getattr(settings, "DIRECTORY_REVIEW_INTERVAL_DAYS", DEFAULT_REVIEW_INTERVAL_DAYS))
