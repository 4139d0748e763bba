"""Access-log entries for the directory's organization routes (page, vCards, HSDS JSON).

An entry is written only when the viewer is above the public tier AND what they were sent holds
something the public is not shown: a phone, contact, e-mail or location (address, point) whose
tier is above public. The context the routes build (`directory.views.detail.organization_context`)
is already cut to the viewer's tier, so this reads it and asks the database only as a last
resort (contacts without a name, exact locations), a few indexed queries on the viewer's own
organization; the public never pays for it.
"""

from directory.models import Location, OrganizationContact, ServiceContact, Visibility
from directory.visibility import can_see, effective_visibility, locations_offering_confidential_services

from . import record
from .models import AccessKind


def _above(visibility):
    return visibility and visibility != Visibility.PUBLIC


def _contacts_above_public(contacts):
    """Contact views of the context. A name is only shown for a non-public contact; one
    without a name is looked up (by kind) to learn its tier."""
    nameless = {"org": [], "service": []}
    for contact in contacts:
        if contact.name:
            return True
        nameless[contact.kind].append(contact.pk)
    for model, ids in ((OrganizationContact, nameless["org"]), (ServiceContact, nameless["service"])):
        if ids and model.objects.filter(pk__in=ids).exclude(visibility=Visibility.PUBLIC).exists():
            return True
    return False


def _locations_above_public(locations):
    shown = [loc.pk for loc in locations if loc.address_shown]
    if not shown:
        return False
    rows = list(Location.objects.filter(pk__in=shown).values_list("pk", "location_type", "visibility"))
    if any(visibility != Visibility.PUBLIC for _pk, _type, visibility in rows):
        return True
    confidential = locations_offering_confidential_services(shown)
    return any(
        effective_visibility(location_type, visibility, pk in confidential) != Visibility.PUBLIC
        for pk, location_type, visibility in rows
    )


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
    return _contacts_above_public(contacts) or _locations_above_public(context["locations"])


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
