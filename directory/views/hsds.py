"""Open Referral HSDS 3.0 JSON of one organization, filtered by the viewer's tier exactly like
the HTML page: what the viewer may not see is left out entirely, not nulled.

Locations come from the page's projection (`visibility.project_location`). A location the
viewer may not see exactly (every confidential place, for the public) is emitted one way only,
area only: `id`, `location_type`, `name` set to its kind ("Shelter or residential centre"),
`description` set to its district (or province) and country; no `addresses`, no `latitude` or
`longitude`, no `transportation`, no name of its own.

Alternate names: acronyms, aliases and former names; a recorded misspelling (kept to help
search) is never published as a name."""

import uuid

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from audit.directory import record_hsds_summary, record_organization

from .. import eligibility
from ..models import LocationType, NameKind, Organization
from ..validators import country_name
from ..visibility import can_see, viewer_tier
from .detail import get_published_organization, organization_context


def _uuid(org, kind, pk):
    return str(uuid.uuid5(org.translation_key, f"{kind}:{pk}"))


def _term_uuid(term):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:mekong-protection-services:{term.code}"))


def _hsds_languages(org, owner, pairs):
    return [{"id": _uuid(org, f"{owner}-language", code), "name": name, "code": code} for code, name in pairs]


def _hsds_phone(org, phone, kind):
    data = {"id": _uuid(org, f"{kind}-phone", phone.pk), "number": phone.number or "", "type": phone.channel}
    if phone.extension:
        data["extension"] = int(phone.extension)
    # HSDS has no hours or country on a phone: a short code says where it is dialled, and the
    # hours join what the line is for.
    parts = [phone.description, f"hours: {phone.hours}" if phone.hours else ""]
    if phone.is_short_code:
        parts.append(f"short code, dialled in {country_name(phone.country or 'KH')} only")
    description = "; ".join(part for part in parts if part)
    if description:
        data["description"] = description
    if phone.language_list:
        data["languages"] = _hsds_languages(org, f"{kind}-phone-{phone.pk}", phone.language_list)
    return data


def _eligibility_term(field):
    code = f"eligibility.{field}"
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:mekong-protection-services:{code}")),
        "code": code,
        "name": str(eligibility.ATTRIBUTES[field][2]),
        "taxonomy": "mekong-protection-eligibility",
    }


def _eligibility_attributes(service):
    """Only a stated "yes" is an eligibility attribute (as only "yes" matches a filter); "no" and
    "not stated" are said in words in eligibility_description, so a reader that ignores
    `value` can never take them for a yes."""
    attributes = []
    for field in eligibility.FIELDS:
        if getattr(service, field) is True:
            term = _eligibility_term(field)
            attributes.append(
                {
                    "id": str(uuid.uuid5(service.translation_key, f"eligibility:{field}")),
                    "link_id": str(service.translation_key),
                    "link_entity": "service",
                    "link_type": "eligibility",
                    "taxonomy_term_id": term["id"],
                    "taxonomy_term": term,
                    "value": eligibility.YES,
                }
            )
    return attributes


def _eligibility_description(service):
    """The editor's text, then every attribute's state in words (yes, no, not stated)."""
    summary = service.eligibility.sentences()
    return "\n\n".join(part for part in (service.eligibility_description, summary) if part)


def _hsds_contact(org, contact):
    data = {"id": _uuid(org, f"{contact.kind}-contact", contact.pk), "title": contact.role}
    for key, value in (("name", contact.name), ("department", contact.department), ("email", contact.email)):
        if value:
            data[key] = value
    if contact.phone:
        data["phones"] = [
            {"id": _uuid(org, f"{contact.kind}-contact-phone", contact.pk), "number": contact.phone}
        ]
    return data


def _hsds_schedule(org, schedule):
    data = {
        "id": _uuid(org, "schedule", schedule.pk),
        "freq": "WEEKLY",
        "byday": schedule.weekday or "MO,TU,WE,TH,FR,SA,SU",
        "timezone": 7,  # Indochina Time (UTC+7); HSDS expects the UTC offset
    }
    if schedule.open_24h:
        data.update(opens_at="00:00:00", closes_at="23:59:59", description="Open 24 hours")
    else:
        if schedule.opens_at:
            data["opens_at"] = schedule.opens_at.isoformat()
        if schedule.closes_at:
            data["closes_at"] = schedule.closes_at.isoformat()
    if schedule.note:
        data["notes"] = schedule.note
    return data


def _hsds_service(org, service):
    data = {
        "id": str(service.translation_key),
        "organization_id": str(org.translation_key),
        "name": service.name,
        "status": service.status,
        "description": service.description,
        "phones": [_hsds_phone(org, p, "service") for p in service.visible_phones],
        "contacts": [_hsds_contact(org, c) for c in service.contact_views],
        "schedules": [_hsds_schedule(org, s) for s in service.schedules.all()],
        "service_areas": [
            {"id": _uuid(org, "service-area", a.pk), "name": a.area.name, "description": a.note}
            for a in service.service_areas.all()
        ],
        "languages": _hsds_languages(
            org,
            f"service-{service.pk}",
            [(lk.language.code, lk.language.name_en) for lk in service.language_links.all()],
        ),
        "service_at_locations": [
            {
                "id": _uuid(org, "service-at-location", link.pk),
                "location_id": _uuid(org, "location", link.location_id),
            }
            for link in service.service_at_locations.all()
        ],
        "attributes": [
            {
                "id": _uuid(org, f"service-{service.pk}-term", term.pk),
                "link_id": str(service.translation_key),
                "link_entity": "service",
                "link_type": "service_type",
                "taxonomy_term_id": _term_uuid(term),
                "taxonomy_term": {
                    "id": _term_uuid(term),
                    "code": term.code,
                    "name": term.name_en,
                    "description": term.description,
                    "taxonomy": term.taxonomy,
                },
            }
            for term in service.terms
        ]
        + _eligibility_attributes(service),
    }
    optional = {
        "url": service.url,
        "email": service.shown_email,
        "interpretation_services": service.interpretation_services,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "eligibility_description": _eligibility_description(service),
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "alert": service.alert,
        "assured_date": service.last_verified.isoformat() if service.last_verified else None,
        "last_modified": service.updated_at.isoformat() if service.updated_at else None,
    }
    data.update({k: v for k, v in optional.items() if v not in ("", None)})
    return data


PUBLISHED_NAME_KINDS = [NameKind.ACRONYM, NameKind.ALIAS, NameKind.FORMER]  # in this order


def alternate_names(names):
    """Names the organization may be published under besides its own (acronyms first), never a
    recorded misspelling."""
    names = list(names)
    return [n.name for kind in PUBLISHED_NAME_KINDS for n in names if n.kind == kind]


APPROXIMATE_POINT_TERM = {
    "code": "approximate",
    "name": "Approximate point (town or province seat, not the address)",
    "taxonomy": "mekong-protection-point-precision",
}


def _approximate_point(org, loc, description):
    """HSDS has no precision field on a location: say it in the description and as an attribute
    (link_type "point_precision"), so a reader that drops one still sees the other."""
    term = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "mekong-protection:point-precision:approximate"))}
    term.update(APPROXIMATE_POINT_TERM)
    note = "Approximate point: the town or province seat, not the address."
    return {
        "description": f"{description}. {note}" if description else note,
        "attributes": [
            {
                "id": _uuid(org, "location-point-precision", loc.pk),
                "link_id": _uuid(org, "location", loc.pk),
                "link_entity": "location",
                "link_type": "point_precision",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
                "value": "approximate",
            }
        ],
    }


def _hsds_location(org, loc):
    # `loc` is a detail.LocationView, already cut to the viewer's tier (see the module notes).
    data = {
        "id": _uuid(org, "location", loc.pk),
        "location_type": "virtual" if loc.location_type == LocationType.VIRTUAL else "physical",
        "name": loc.name,
        "description": ", ".join(str(n) for n in loc.areas),
    }
    if loc.address_shown:
        if loc.latitude is not None and loc.longitude is not None:
            data["latitude"], data["longitude"] = loc.latitude, loc.longitude
            if loc.approximate_point:
                data.update(_approximate_point(org, loc, data["description"]))
        if loc.address:
            areas = list(loc.areas)
            data["addresses"] = [
                {
                    "id": _uuid(org, "address", loc.pk),
                    "address_1": loc.address,
                    "city": str(areas[0]) if len(areas) > 2 else "",
                    "state_province": str(areas[-2]) if len(areas) > 1 else "",
                    "postal_code": "",
                    "country": loc.country_code,
                    "address_type": "physical",
                }
            ]
        if loc.directions:
            data["transportation"] = loc.directions
    return data


def organization_as_hsds(context, request):
    org = context["org"]
    data = {
        "id": str(org.translation_key),
        "name": org.name,
        "description": org.description,
        "uri": request.build_absolute_uri(
            reverse("directory:organization", kwargs={"slug": context["slug"]})
        ),
    }
    alternates = alternate_names(context["acronyms"] + context["aliases"] + context["former_names"])
    if alternates:
        data["alternate_name"] = alternates[0]
    if context["email"]:
        data["email"] = context["email"]
    if org.website:
        data["website"] = org.website
    if context["parent"]:
        data["parent_organization_id"] = str(context["parent"].translation_key)
    data["phones"] = [_hsds_phone(org, p, "org") for p in context["phones"]]
    data["contacts"] = [_hsds_contact(org, c) for c in context["contacts"]]
    data["locations"] = [_hsds_location(org, loc) for loc in context["locations"]]
    data["services"] = [_hsds_service(org, s) for s in context["services"]]
    return data


@require_GET
def organization_hsds(request, slug):
    org = get_published_organization(slug)
    context = organization_context(org, viewer_tier(request.user, org), slug)
    record_organization(request, "hsds", context)
    response = JsonResponse(
        organization_as_hsds(context, request), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Vary"] = "Cookie, Accept-Language"
    return response


# -- HSDS 3.0 API: the directory as a whole (root, /organizations, /organizations/{id}) -------

BASIC_PAGE_SIZE, FULL_PAGE_SIZE = 50, 20


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Vary"] = "Cookie, Accept-Language"
    return response


def _int(value, default, low, high):
    try:
        return min(max(int(value), low), high)
    except (TypeError, ValueError):
        return default


def _basic_organization(org, request, tier):
    """HSDS organization_list: the organization without nested records."""
    data = {
        "id": str(org.translation_key),
        "name": org.name,
        "description": org.description,
        "uri": request.build_absolute_uri(org.get_absolute_url()),
    }
    alternates = alternate_names(org.names.all())
    if alternates:
        data["alternate_name"] = alternates[0]
    if org.email and can_see(tier, org.email_visibility):
        data["email"] = org.email
    if org.website:
        data["website"] = org.website
    if org.parent_organization_id and org.parent_organization.live:
        data["parent_organization_id"] = str(org.parent_organization.translation_key)
    return data


@require_GET
def api_root(request):
    return _json(
        {
            "version": "3.0",
            "profile": "https://openreferral.org/specification/3.0",
            "organizations": request.build_absolute_uri(reverse("directory:hsds_organizations")),
        }
    )


@require_GET
def api_organizations(request):
    """Paginated published organizations (HSDS Page). ?full=true nests services, phones,
    contacts and locations, cut to the viewer's tier exactly like the organization page."""
    full = request.GET.get("full", "").lower() in {"1", "true", "yes"}
    limit = FULL_PAGE_SIZE if full else BASIC_PAGE_SIZE
    per_page = _int(request.GET.get("per_page"), limit, 1, limit)
    published = (
        Organization.objects.filter(live=True, locale=Locale.get_default())
        .select_related("parent_organization")
        .prefetch_related("names")
        .order_by("name", "pk")
    )
    total = published.count()
    pages = max(1, -(-total // per_page))
    number = _int(request.GET.get("page"), 1, 1, pages)
    orgs = list(published[(number - 1) * per_page : number * per_page])
    contents = []
    for org in orgs:
        tier = viewer_tier(request.user, org)
        if full:
            context = organization_context(org, tier, org.slug)
            record_organization(request, "hsds", context)
            contents.append(organization_as_hsds(context, request))
        else:
            record_hsds_summary(request, org, tier)
            contents.append(_basic_organization(org, request, tier))
    return _json(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number == pages,
            "empty": total == 0,
            "contents": contents,
        }
    )


@require_GET
def api_organization(request, id):
    org = Organization.objects.filter(live=True, translation_key=id, locale=Locale.get_default()).first()
    if org is None:
        return _json({"error": "No published organization has this id."}, status=404)
    context = organization_context(org, viewer_tier(request.user, org), org.slug)
    record_organization(request, "hsds", context)
    return _json(organization_as_hsds(context, request))
