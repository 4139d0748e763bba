"""Access-log entries for the directory's organization routes (page, vCards, HSDS JSON).

An entry is written only when the viewer is above the public tier AND what they were sent holds
something the public is not shown: a phone, contact, e-mail or exactly shown location (address,
point) whose tier is above public (a confidential place counts at its effective tier). The
context the routes build (`directory.views.detail.organization_context`) is already cut to the
viewer's tier and carries each item's tier, so this reads it without a query; the public never
reaches it.
"""

from directory.models import Visibility
from directory.visibility import can_see

from . import record
from .models import AccessKind


def _above(visibility):
    return bool(visibility) and visibility != Visibility.PUBLIC


def shows_above_public(context):
    """Does this organization context (cut to a tier) hold anything above the public tier?"""
    org = context["org"]
    if context["email"] and _above(org.email_visibility):
        return True
    if any(_above(phone.visibility) for phone in context["phones"]):
        return True
    contacts = list(context["contacts"])
    for service in context["services"]:
        if service.shown_email and _above(service.email_visibility):
            return True
        if any(_above(phone.visibility) for phone in service.visible_phones):
            return True
        contacts.extend(service.contact_views)
    if any(_above(contact.visibility) for contact in contacts):
        return True
    return any(loc.address_shown and _above(loc.visibility) for loc in context["locations"])


def record_organization(request, kind, context, object_id=None, label=""):
    """Record a view of an organization route built from `context`, when it showed data above
    the public tier. `object_id`/`label` default to the organization's."""
    tier = context["tier"]
    user = getattr(request, "user", None)
    if str(tier) == Visibility.PUBLIC or user is None or not user.is_authenticated:
        return
    if not shows_above_public(context):
        return
    org = context["org"]
    record(request, kind, object_id or org.pk, tier, organization=org, label=label or org.name)


def record_contact(request, org, contact, kind, tier):
    """A contact's vCard: recorded when the contact itself is above public."""
    if _above(contact.visibility):
        label = f"{org.name}: {contact.name or contact.role}"
        record(request, AccessKind.CONTACT_VCARD, f"{kind}-{contact.pk}", tier, organization=org, label=label)


def record_hsds_summary(request, org, tier):
    """The HSDS list without nesting carries one tier-dependent field: the e-mail."""
    if org.email and _above(org.email_visibility) and can_see(tier, org.email_visibility):
        record(request, AccessKind.HSDS, org.pk, tier, organization=org, label=org.name)


def record_listing(request, organizations):
    """A directory listing page: an entry per card whose call or messaging line is above public
    (the cards show only phones; the listing is cut to the viewer's tier)."""
    for org in organizations:
        reach = getattr(org, "reach", None)
        tier = reach.tier if reach is not None else Visibility.PUBLIC
        if tier != Visibility.PUBLIC:
            record(request, AccessKind.DIRECTORY_LISTING, org.pk, tier, organization=org, label=org.name)


def record_referral_list(request, entries):
    """A referral list page: an entry per listed organization or service whose shown phone is
    above public (a list holds phones, places as areas only, and no contact or address)."""
    for entry in entries:
        if entry.tier != Visibility.PUBLIC:
            owner = type("Owner", (), {"translation_key": entry.organization_key})
            record(
                request,
                AccessKind.REFERRAL_LIST,
                entry.ref.key,
                entry.tier,
                organization=owner,
                label=entry.name,
            )
