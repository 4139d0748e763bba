"""vCard 3.0 (RFC 2426) downloads: one for an organization, one per contact the viewer may see.

The cards are built from the same tier-filtered view objects as the organization page
(`detail.organization_context`), so a card never holds more than the page shows.
"""

import re

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from audit.directory import record_contact, record_organization

from ..models import Channel, LocationType, OrganizationContact, ServiceContact
from ..visibility import viewer_tier, visible
from .detail import _contact_view, get_published_organization, organization_context

TEL_TYPES = {
    Channel.VOICE: "WORK,VOICE",
    Channel.HOTLINE: "WORK,VOICE",
    Channel.CELL: "WORK,CELL",
    Channel.SMS: "WORK,MSG",
    Channel.FAX: "WORK,FAX",
}
MESSAGING_TYPE = "WORK,CELL"  # WhatsApp, Telegram, LINE, Viber, Messenger: a mobile number


def escape(value):
    """Escape a text value: backslash, comma, semicolon and line breaks (RFC 2426 section 4)."""
    value = str(value or "")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def uri(value):
    """URI values are not text-escaped (RFC 2426 5.8.4), but may never break the line."""
    return re.sub(r"[\r\n]", "", str(value or ""))


def fold(line, limit=75):
    """Fold a content line at `limit` octets without splitting a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        budget = limit if not parts else limit - 1  # continuation lines start with a space
        if size + width > budget:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def render_vcard(properties):
    lines = ["BEGIN:VCARD", "VERSION:3.0", *properties, "END:VCARD"]
    return "".join(fold(line) + "\r\n" for line in lines)


def safe_filename(text):
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:80]
    return f"{name or 'contact'}.vcf"


def vcard_response(body, filename):
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response["Cache-Control"] = "private, no-store"  # contents depend on who asks
    return response


def _tel(number, extension, channel):
    value = f"{number} ext. {extension}" if extension else number
    return f"TEL;TYPE={TEL_TYPES.get(channel, MESSAGING_TYPE)}:{escape(value)}"


def _adr(location, country_name):
    areas = [str(a) for a in location.areas]
    locality = areas[0] if len(areas) > 2 else ""
    region = areas[-2] if len(areas) > 1 else ""
    country = areas[-1] if areas else country_name
    fields = ["", "", location.address, locality, region, "", country]
    return "ADR;TYPE=WORK:" + ";".join(escape(f) for f in fields)


@require_GET
def organization_vcard(request, slug):
    org = get_published_organization(slug)
    context = organization_context(org, viewer_tier(request.user, org), slug)
    record_organization(request, "organization_vcard", context)
    page_url = request.build_absolute_uri(reverse("directory:organization", kwargs={"slug": slug}))
    props = [f"N:{escape(org.name)};;;;", f"FN:{escape(org.name)}", f"ORG:{escape(org.name)}"]
    props.append("X-ABShowAs:COMPANY")
    if context["acronyms"]:
        props.append("NICKNAME:" + ",".join(escape(n.name) for n in context["acronyms"]))
    for phone in context["phones"]:
        if phone.number:
            props.append(_tel(phone.number, phone.extension, phone.channel))
    if context["email"]:
        props.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(context['email'])}")
    if org.website:
        props.append(f"URL:{uri(org.website)}")
    props.append(f"URL:{uri(page_url)}")
    country_name = org.country.name if org.country_id else ""
    for location in context["locations"]:
        if location.address_shown and location.location_type != LocationType.VIRTUAL:
            props.append(_adr(location, country_name))
            if location.latitude is not None and location.longitude is not None:
                props.append(f"GEO:{location.latitude:.6f};{location.longitude:.6f}")
    notes = []
    if org.is_demo:
        notes.append("Demonstration entry: not for referrals.")
    if org.is_closed:
        notes.append(f"Status: {org.get_status_display()}.")
    if notes:
        props.append("NOTE:" + escape(" ".join(notes)))
    if org.updated_at:
        props.append(f"REV:{org.updated_at.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    return vcard_response(render_vcard(props), slug)


@require_GET
def contact_vcard(request, slug, kind, pk):
    org = get_published_organization(slug)
    tier = viewer_tier(request.user, org)
    if kind == "org":
        contacts = OrganizationContact.objects.filter(
            organization__translation_key=org.translation_key, organization__live=True
        )
    elif kind == "service":
        contacts = ServiceContact.objects.filter(
            service__live=True,
            service__organization__translation_key=org.translation_key,
            service__organization__live=True,
        )
    else:
        raise Http404("Unknown contact kind.")
    contact = visible(contacts, tier).filter(pk=pk).first()
    if contact is None:
        raise Http404("No such contact.")
    view = _contact_view(contact, kind, tier, slug)
    record_contact(request, org, contact, kind, tier)
    full_name = view.name or view.role
    props = [f"N:;{escape(full_name)};;;", f"FN:{escape(full_name)}"]
    props.append(f"ORG:{escape(org.name)}" + (f";{escape(view.department)}" if view.department else ""))
    props.append(f"TITLE:{escape(view.role)}")
    if view.phone:
        props.append(f"TEL;TYPE=WORK,VOICE:{escape(view.phone)}")
    if view.email:
        props.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(view.email)}")
    page_url = request.build_absolute_uri(reverse("directory:organization", kwargs={"slug": slug}))
    props.append(f"URL:{uri(page_url)}")
    return vcard_response(render_vcard(props), f"{slug}-{kind}-{pk}")
