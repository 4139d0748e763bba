"""Demo verifications, so that the demo shows every freshness state.

Nobody has checked the demo entries. Left alone, every one of them would read "not yet
verified" until its first review falls due, and then all of them "overdue" on the same day: the
map, the coverage table and the Reviews dashboard would show nothing true about how freshness
works. So a fixed share of demo organizations and services (chosen by a hash of their name, the
same on every load) get one verification log dated so that some are fresh, some due and some
overdue, and the rest stay never verified:

===========  ======  =====================================================
share        state   verified ... days ago (``interval`` = the entry's)
===========  ======  =====================================================
3 in 10      fresh   a few days up to ``interval - 15``
2 in 10      due     ``interval - 14`` up to ``interval``
2 in 10      overdue ``interval + 1`` up to about ``interval + 240``
3 in 10      none    never (reads "not yet verified" until it falls due)
===========  ======  =====================================================

Organizations whose name or place the sources mark as unverified (and their services) are never
given one. Each log says "Demo verification" in its note, has no user and no method other than the
invented call, and is written only to demo entries that have no verification date yet, so a
real verification is never overwritten and loading again adds nothing. The dates are counted
from the day of the load, so the states move on with time as real ones do.
"""

import datetime
import hashlib

from django.utils import timezone
from wagtail.models import Locale

from ..freshness import due_soon_days, review_interval
from ..models import Organization, Service
from ..models.stewardship import VerificationLog, VerificationMethod, VerificationOutcome

DEMO_NOTE = "Demo verification: invented for the demonstration data; nobody checked this entry."
# Share of entries per state, out of 10 (by a stable hash of the entry's name).
BANDS = (("fresh", 3), ("due", 2), ("overdue", 2), ("never", 3))


def _bucket(name):
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16)
    slot, spread = digest % 10, (digest // 10) % 1000
    for state, share in BANDS:
        if slot < share:
            return state, spread
        slot -= share
    return "never", spread


def demo_age(entry, name):
    """Days before today the entry was (pretend-)verified, or None for "never verified"."""
    state, spread = _bucket(name)
    interval = review_interval(entry)
    soon = due_soon_days()
    if state == "fresh":
        last_fresh_day = max(interval - soon - 1, 1)
        return 1 + spread % last_fresh_day
    if state == "due":
        return interval - soon + spread % (soon + 1)
    if state == "overdue":
        return interval + 1 + spread % 240
    return None


def add_demo_verifications(today=None, skip_slugs=()):
    """Give the share of demo entries without a verification date a demo verification. The
    organizations in `skip_slugs` (whose name or place the sources mark unverified) and their
    services are left never verified. Returns the number of logs written."""
    today = today or timezone.localdate()
    written = 0
    for model, label in ((Organization, "organization"), (Service, "service")):
        # The default-language copy decides; its translations share the date (one real entry).
        entries = model.objects.filter(is_demo=True, last_verified__isnull=True, locale=Locale.get_default())
        if model is Service:
            entries = entries.select_related("organization").exclude(organization__slug__in=skip_slugs)
        else:
            entries = entries.exclude(slug__in=skip_slugs)
        logs, dated = [], {}
        for entry in entries:
            name = entry.name if model is Organization else f"{entry.organization.slug}/{entry.name}"
            age = demo_age(entry, f"{label}:{name}")
            if age is None:
                continue
            verified_on = today - datetime.timedelta(days=age)
            log = VerificationLog(
                verified_on=verified_on,
                method=VerificationMethod.CALL,
                outcome=VerificationOutcome.CONFIRMED,
                note=DEMO_NOTE,
            )
            log.set_entry(entry)
            logs.append(log)
            dated.setdefault(verified_on, []).append(entry.translation_key)
        VerificationLog.objects.bulk_create(logs)
        for verified_on, keys in dated.items():
            model.objects.filter(translation_key__in=keys, last_verified__isnull=True).update(
                last_verified=verified_on
            )
        written += len(logs)
    return written
