"""Writing read HSDS organizations (``read.Batch``) into the directory, all or nothing.

Matching: an organization is the one whose HSDS id it carries (the portal's HSDS id is the
record's `translation_key`; an imported record keeps its HSDS id there, a non-UUID id as a
UUID derived from it), else the one holding one of its `organization_identifiers` (scheme and
identifier). A service is matched by its HSDS id the same way. A matched record gets a new
draft revision (its published version is untouched until a Moderator publishes); anything
else is created as a draft (never live). Phones, e-mails and contacts arrive at the partners
tier; a named contact gets a consent review date of today, so it is reviewed first.

What the portal does not hold is left out (README, "HSDS exchange"); what it could not place
(an unknown service type or area, a point outside its country) is a warning; what would make
a wrong record (a missing name, an unreadable phone number, a broken reference) is a problem,
and one problem anywhere writes nothing.
"""

import datetime
import logging
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.models import Locale

from ... import eligibility
from ...models import (
    Area,
    AreaKind,
    Channel,
    Language,
    Location,
    LocationType,
    NameKind,
    Organization,
    OrganizationContact,
    OrganizationIdentifier,
    OrganizationName,
    OrganizationPhone,
    OrganizationType,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceContact,
    ServiceLanguage,
    ServiceNationality,
    ServicePhone,
    ServiceStatus,
    ServiceTerm,
    TaxonomyTerm,
    Visibility,
)
from ...models.organization import RESERVED_SLUGS
from ...validators import PHONE_COUNTRIES, normalise_phone, validate_coordinates
from .. import serialize
from .problems import Problem, source_of

logger = logging.getLogger("directory.hsds.imports")

IMPORT_TIER = Visibility.PARTNERS
DEFAULT_ORGANIZATION_TYPE = OrganizationType.NATIONAL_NGO
ID_NAMESPACE = uuid.UUID("6f0c35a4-2c1e-4b8e-9a57-0d1f3c7b9e21")  # non-UUID HSDS ids

# HSDS phone `type` (RFC 6350 TYPE, and the older channel names) -> the portal's channel.
PHONE_TYPES = {
    "voice": Channel.VOICE,
    "cell": Channel.CELL,
    "fax": Channel.FAX,
    "text": Channel.SMS,
    "sms": Channel.SMS,
    "textphone": Channel.VOICE,
    "video": Channel.VOICE,
    "pager": Channel.VOICE,
    "hotline": Channel.HOTLINE,
    "whatsapp": Channel.WHATSAPP,
    "telegram": Channel.TELEGRAM,
    "line": Channel.LINE,
    "viber": Channel.VIBER,
    "messenger": Channel.MESSENGER,
}
MESSAGING = {
    c.value: c
    for c in (
        Channel.HOTLINE,
        Channel.WHATSAPP,
        Channel.TELEGRAM,
        Channel.LINE,
        Channel.VIBER,
        Channel.MESSENGER,
    )
}
LABELS = {  # the channel the portal's own output names first in a phone's description
    "hotline": Channel.HOTLINE,
    "whatsapp": Channel.WHATSAPP,
    "telegram": Channel.TELEGRAM,
    "line": Channel.LINE,
    "viber": Channel.VIBER,
    "messenger": Channel.MESSENGER,
}
APPROXIMATE_NOTE = "Approximate point: the town or province seat, not the address."
ELIGIBILITY_PREFIX = "eligibility."


def hsds_uuid(value):
    """The UUID a record with HSDS id `value` is kept under."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.uuid5(ID_NAMESPACE, str(value))


location_hsds_id = serialize.location_id  # the id the portal's HSDS output gives a location


@dataclass
class Outcome:
    created: list = field(default_factory=list)  # "organization “X”", "service “Y” (X)"
    updated: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    committed: bool = False


class _Rollback(Exception):
    pass


def import_batch(batch, *, user=None, dry_run=True):
    """Apply `batch`; with `dry_run` (or any problem) nothing stays written."""
    outcome = Outcome(problems=list(batch.problems))
    if not outcome.problems:
        try:
            with transaction.atomic(), translation.override("en"):
                importer = _Importer(outcome, user, batch.name)
                for n, data in enumerate(batch.organizations, 1):
                    importer.organization(data, f"[{n}]")
                importer.link_parents()
                if outcome.problems or dry_run:
                    raise _Rollback
                outcome.committed = True
        except _Rollback:
            pass
    logger.info(
        "HSDS import by %s of %s: dry_run=%s committed=%s created=%d updated=%d warnings=%d problems=%d",
        user,
        batch.name,
        dry_run,
        outcome.committed,
        len(outcome.created),
        len(outcome.updated),
        len(outcome.warnings),
        len(outcome.problems),
    )
    for problem in outcome.problems:
        logger.warning("HSDS import of %s: %s", batch.name, problem)
    return outcome


def _text(value):
    if value is None:
        return ""
    return str(value).strip()


def _kept(value):
    """Free text as written (a trailing space too): it goes back out the same."""
    return "" if value is None else str(value)


def _time(value):
    text = _text(value)
    if not text:
        return None
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            return datetime.datetime.strptime(text[:8], fmt).time()
        except ValueError:
            continue
    return False


def split_description(data):
    """(street address, area names) of a location without `addresses`: the portal writes
    "street; District, Province, Country" (HSDS addresses need a postal code it does not
    record), an approximate point adding a note."""
    text = _text(data.get("description"))
    text = text.replace(". " + APPROXIMATE_NOTE, "").replace(APPROXIMATE_NOTE, "").strip()
    if "; " in text:
        street, areas = text.rsplit("; ", 1)
        return street.strip(), areas.strip()
    return "", text


def _working_copy(model, existing, data, locale, **new_fields):
    """The record an import writes into: the latest revision of `existing` (its draft when it
    has one, so an import never drops an editor's unpublished changes), or, for a record not
    yet in the directory, a new unpublished `model` row keyed by the HSDS id."""
    if existing is not None:
        return existing.get_latest_revision_as_object() if existing.latest_revision_id else existing
    return model(
        translation_key=hsds_uuid(data["id"]) if data.get("id") else uuid.uuid4(),
        locale=locale,
        live=False,
        has_unpublished_changes=True,
        **new_fields,
    )


class _Importer:
    def __init__(self, outcome, user, file):
        self.outcome, self.user, self.file = outcome, user, file
        self.locale = Locale.get_default()
        self.today = timezone.localdate()
        self.pending_parents = []

    # -- reporting --------------------------------------------------------------------------

    def problem(self, item, path, field_name, message):
        file, row = source_of(item, self.file, path)
        self.outcome.problems.append(Problem(file, row, field_name, message))

    def warn(self, item, path, field_name, message):
        file, row = source_of(item, self.file, path)
        self.outcome.warnings.append(Problem(file, row, field_name, message))

    def check(self, instance, item, path, names=None, exclude=()):
        """Model validation of `instance`, each error as a problem on the HSDS field."""
        try:
            instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for model_field, messages in exc.message_dict.items():
                hsds_field = (names or {}).get(model_field, model_field)
                for message in messages:
                    self.problem(item, path, hsds_field, message)
            return False
        return True

    # -- areas ------------------------------------------------------------------------------

    def country(self, code):
        code = _text(code).upper()
        if len(code) == 3:
            import pycountry

            found = pycountry.countries.get(alpha_3=code)
            code = found.alpha_2 if found else code
        return Area.objects.filter(kind=AreaKind.COUNTRY, key=code).first() if code else None

    def named_area(self, name, country=None):
        name = _text(name)
        if not name or name == "(not stated)":
            return None
        areas = Area.objects.all()
        if country is not None:
            areas = areas.filter(country=country)
        for lookup in ("name_en__iexact", "name_km", "key__iexact", "slug__iexact"):
            found = areas.filter(**{lookup: name}).order_by("kind").first()
            if found:
                return found
        return None

    def areas_named(self, name, country):
        return list(
            Area.objects.filter(country=country)
            .exclude(kind=AreaKind.COUNTRY)
            .filter(models.Q(name_en__iexact=name) | models.Q(name_km=name))
            .select_related("parent__parent__parent")
        )

    def area_of_location(self, data, country):
        """(country area, finest area) from the location's first address, else from its
        description ("District, Province, Country", as the portal writes area-only places)."""
        address = (data.get("addresses") or [None])[0]
        if isinstance(address, dict):
            country = self.country(address.get("country")) or country
            for key in ("city", "state_province", "region"):
                found = self.named_area(address.get(key), country)
                if found:
                    return country, found
            return country, country
        parts = [p.strip().rstrip(".") for p in split_description(data)[1].split(",") if p.strip()]
        if parts:
            country = self.named_area(parts[-1])
            country = country if country and country.kind == AreaKind.COUNTRY else None
            if country is None:
                return None, None
            if len(parts) == 1:
                return country, country
            # The finest name first: a district listed before its province, and so on, so a
            # district named like its province is told apart by what follows it.
            for candidate in self.areas_named(parts[0], country):
                parent, ok = candidate.parent, True
                for name in parts[1:-1]:
                    if parent is None or name.casefold() not in {parent.name_en.casefold(), parent.name_km}:
                        ok = False
                        break
                    parent = parent.parent
                if ok and (parent is None or parent.kind == AreaKind.COUNTRY):
                    return country, candidate
            return country, country
        return None, None

    # -- organization -----------------------------------------------------------------------

    def match_organization(self, data):
        if data.get("id"):
            found = Organization.objects.filter(
                translation_key=hsds_uuid(data["id"]), locale=self.locale
            ).first()
            if found:
                return found, "id"
        for identifier in data.get("organization_identifiers") or []:
            value = _text(identifier.get("identifier"))
            if not value:
                continue
            found = (
                OrganizationIdentifier.objects.filter(
                    identifier=value,
                    identifier_scheme=_text(identifier.get("identifier_scheme")),
                    organization__locale=self.locale,
                )
                .select_related("organization")
                .first()
            )
            if found:
                return found.organization, "organization_identifier"
        return None, None

    def organization(self, data, path):
        if not data:
            return
        existing, matched_by = self.match_organization(data)
        if data.get("_reference_only"):
            if existing is None:
                self.problem(
                    data["services"][0],
                    path,
                    "organization_id",
                    f"names organization “{data.get('id')}”, which is neither in the file nor in the "
                    "directory.",
                )
                return
            org = existing
        else:
            org = self.organization_record(data, path, existing)
            if org is None:
                return
            label = f"organization “{org.name}”"
            if existing is not None:
                self.outcome.updated.append(f"{label} (matched by {matched_by}; new draft revision)")
            else:
                self.outcome.created.append(f"{label} (draft)")
        locations = self.location_map(org, data)
        for m, service in enumerate(data.get("services") or [], 1):
            self.service(service, f"{path}.services[{m}]", org, locations)

    def organization_record(self, data, path, existing):
        names = {"website": "website", "email": "email", "name": "name", "description": "description"}
        org = _working_copy(Organization, existing, data, self.locale, org_type=DEFAULT_ORGANIZATION_TYPE)
        if existing is None:
            self.warn(
                data,
                path,
                "",
                "HSDS gives no organization type: set to “National NGO”; check it before publishing.",
            )
        org.name = _text(data.get("name"))
        org.description = _kept(data.get("description"))
        org.website = _text(data.get("website"))
        email = _text(data.get("email"))
        if email != org.email:
            org.email, org.email_visibility = email, IMPORT_TIER
        country = None
        for location in data.get("locations") or []:
            country, _area = self.area_of_location(location, None)
            if country:
                break
        if existing is None:
            org.country = country or self.country(settings.DIRECTORY_DEFAULT_REGION)
            org.area = None
            org.slug = self.free_slug(org.name)
        if data.get("parent_organization_id"):
            parent = Organization.objects.filter(
                translation_key=hsds_uuid(data["parent_organization_id"]), locale=self.locale
            ).first()
            if parent is None:
                self.pending_parents.append((org, data, path))  # perhaps later in the file
            elif parent.pk != org.pk:
                org.parent_organization = parent
        ok = self.check(org, data, path, names, exclude=["slug"] if existing else [])
        # Children: alternate names, identifiers, phones, contacts, locations.
        alternate = _text(data.get("alternate_name"))
        if alternate and alternate not in {n.name for n in org.names.all()}:
            org.names.add(OrganizationName(name=alternate, kind=NameKind.ALIAS))
        known_ids = {(i.identifier_scheme, i.identifier) for i in org.identifiers.all()}
        for n, identifier in enumerate(data.get("organization_identifiers") or [], 1):
            row = OrganizationIdentifier(
                identifier_scheme=_text(identifier.get("identifier_scheme")),
                identifier_type=_text(identifier.get("identifier_type")),
                identifier=_text(identifier.get("identifier")),
            )
            ipath = f"{path}.organization_identifiers[{n}]"
            if (row.identifier_scheme, row.identifier) not in known_ids and self.check(
                row, identifier, ipath, exclude=["organization"]
            ):
                org.identifiers.add(row)
        country_code = org.country.country_code if org.country_id else settings.DIRECTORY_DEFAULT_REGION
        self.add_phones(org, OrganizationPhone, data.get("phones"), path, country_code)
        self.add_contacts(org, OrganizationContact, data.get("contacts"), path, country_code)
        self.add_locations(org, data, path)
        if not ok or self.outcome.problems:
            return org if ok else None
        if existing is None:
            org.save()
        org.save_revision(user=self.user, log_action=True, clean=False)
        return org

    def link_parents(self):
        """Parents that came later in the file than their units."""
        for org, data, path in self.pending_parents:
            parent = Organization.objects.filter(
                translation_key=hsds_uuid(data["parent_organization_id"]), locale=self.locale
            ).first()
            if parent is None:
                self.warn(
                    data,
                    path,
                    "parent_organization_id",
                    "names an organization that is neither in the file nor in the directory: not linked.",
                )
            elif org.pk and parent.pk != org.pk and not self.outcome.problems:
                org.parent_organization = parent
                if not org.live:
                    org.save(update_fields=["parent_organization"])
                org.save_revision(user=self.user, clean=False)

    def free_slug(self, name):
        base = (slugify(name) or "organization")[:110]
        slug, n = base, 1
        while slug in RESERVED_SLUGS or Organization.objects.filter(locale=self.locale, slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    # -- phones and contacts ---------------------------------------------------------------

    def phone(self, model, data, path, country_code):
        number = _text(data.get("number")).strip('"').strip("'").strip()
        kind = _text(data.get("type")).lower()
        parts = [p.strip() for p in _text(data.get("description")).split(";") if p.strip()]
        hours = next((p[len("hours:") :].strip() for p in parts if p.lower().startswith("hours:")), "")
        channel = PHONE_TYPES.get(kind, Channel.VOICE)
        for attribute in data.get("attributes") or []:
            if (
                attribute.get("link_type") == "messaging_channel"
                and _text(attribute.get("value")) in MESSAGING
            ):
                channel = MESSAGING[_text(attribute.get("value"))]
        description = []
        for n, part in enumerate(parts):
            lowered = part.lower()
            if lowered.startswith("hours:") or lowered.startswith("short code, dialled in"):
                continue
            if n == 0 and lowered in LABELS:  # the portal's own output names the channel first
                channel = LABELS[lowered] if channel in (Channel.VOICE, Channel.SMS) else channel
                continue
            description.append(part)
        if kind and kind not in PHONE_TYPES:
            self.warn(data, path, "type", f"“{kind}” is not a phone type the portal knows: kept as voice.")
        phone = model(
            channel=channel,
            description="; ".join(description)[:200],
            hours=hours[:100],
            visibility=IMPORT_TIER,
        )
        if data.get("extension") not in (None, ""):
            extension = data.get("extension")
            if isinstance(extension, float) and extension.is_integer():
                extension = int(extension)  # a datapackage types it as a number
            phone.extension = _text(extension)
        codes = [_text(lang.get("code")).lower() for lang in data.get("languages") or [] if lang.get("code")]
        phone.languages = ", ".join(c for c in codes if re.fullmatch(r"[a-z]{2,3}", c))
        if number:
            try:
                phone.number, phone.country = normalise_phone(number, country_code)
                if phone.country not in PHONE_COUNTRIES and phone.number.startswith("+"):
                    phone.country = ""  # the dialling country matters for short codes only
            except ValidationError as exc:
                self.problem(data, path, "number", f"“{number}”: {' '.join(exc.messages)}")
                return None
        if not self.check(phone, data, path, {"channel": "type"}, exclude=["organization", "service"]):
            return None
        return phone

    def add_phones(self, owner, model, phones, path, country_code):
        known = {p.number for p in owner.phones.all() if p.number}
        for n, data in enumerate(phones or [], 1):
            phone = self.phone(model, data, f"{path}.phones[{n}]", country_code)
            if phone is not None and not (phone.number and phone.number in known):
                owner.phones.add(phone)
                known.add(phone.number)

    def add_contacts(self, owner, model, contacts, path, country_code):
        known = {(c.role, c.name, c.email) for c in owner.contacts.all()}
        for n, data in enumerate(contacts or [], 1):
            cpath = f"{path}.contacts[{n}]"
            contact = model(
                role=_text(data.get("title")) or "Contact",
                name=_text(data.get("name")),
                department=_text(data.get("department")),
                email=_text(data.get("email")),
                visibility=IMPORT_TIER,
            )
            if contact.name:
                contact.consent_review_date = self.today
                self.warn(
                    data,
                    cpath,
                    "name",
                    "a named person: listed for partners only; confirm their consent "
                    "(review date set to today).",
                )
            numbers = [p for p in data.get("phones") or [] if _text(p.get("number"))]
            if numbers:
                raw = _text(numbers[0].get("number")).strip('"').strip("'")
                try:
                    contact.phone, _country = normalise_phone(raw, country_code)
                except ValidationError as exc:
                    self.problem(
                        numbers[0], f"{cpath}.phones[1]", "number", f"“{raw}”: {' '.join(exc.messages)}"
                    )
                    continue
            if len(numbers) > 1:
                self.warn(data, cpath, "phones", "a contact holds one phone number here: the first is kept.")
            if (contact.role, contact.name, contact.email) in known:
                continue
            if self.check(contact, data, cpath, {"role": "title"}, exclude=["organization", "service"]):
                owner.contacts.add(contact)
                known.add((contact.role, contact.name, contact.email))

    # -- locations ---------------------------------------------------------------------------

    def add_locations(self, org, data, path):
        """New places are added; a place the organization already has (the portal's own HSDS id,
        or the same name) is kept as it is."""
        self._locations = {}
        saved = [loc for loc in org.locations.all() if loc.pk]
        by_id = {location_hsds_id(org, loc.pk): loc for loc in saved}
        by_name = {loc.name.casefold(): loc for loc in saved}
        for n, item in enumerate(data.get("locations") or [], 1):
            lpath = f"{path}.locations[{n}]"
            found = by_id.get(item.get("id")) or by_name.get(_text(item.get("name")).casefold())
            if found is None:
                found = self.location(org, item, lpath)
                if found is None:
                    continue
                org.locations.add(found)
            self._locations[item.get("id")] = found

    def location(self, org, data, path):
        country, area = self.area_of_location(data, org.country if org.country_id else None)
        named_in_description = area is not None and not data.get("addresses")
        if area is None:
            area = org.country
            country = org.country
        address = data.get("addresses") or []
        street = ""
        if address and isinstance(address[0], dict):
            street = ", ".join(
                p
                for p in (_text(address[0].get("address_1")), _text(address[0].get("address_2")))
                if p and p != "(not stated)"
            )
            if len(address) > 1:
                self.warn(data, path, "addresses", "a location holds one address here: the first is kept.")
        elif named_in_description:  # "street; District, Province, Country"
            street = split_description(data)[0]
        location = Location(
            name=(_text(data.get("name")) or org.name)[:200],
            location_type=LocationType.VIRTUAL
            if data.get("location_type") == "virtual"
            else LocationType.OFFICE,
            area=area,
            address=street,
            directions=_text(data.get("transportation")),
            accessibility="\n".join(
                " ".join(p for p in (_text(a.get("description")), _text(a.get("details"))) if p)
                for a in data.get("accessibility") or []
            ),
            visibility=Visibility.PUBLIC,
        )
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is not None and longitude is not None:
            try:
                latitude, longitude = float(latitude), float(longitude)
            except (TypeError, ValueError):
                latitude = longitude = None
            errors = validate_coordinates(latitude, longitude, country.country_code if country else None)
            if latitude is None or errors:
                self.warn(
                    data,
                    path,
                    "latitude",
                    "the point is not a plausible one here ("
                    + " ".join(str(e) for e in errors.values())
                    + "): the place is kept without it.",
                )
            else:
                location.latitude, location.longitude = latitude, longitude
                attributes = data.get("attributes") or []
                location.point_is_approximate = any(
                    a.get("link_type") == "point_precision" for a in attributes
                )
        if not self.check(location, data, path, {"directions": "transportation"}, exclude=["organization"]):
            return None
        return location

    def location_map(self, org, data):
        """HSDS location id -> saved Location, for the services' service_at_locations (a place
        added in a draft revision of an existing organization has no row yet)."""
        found = {}
        if org.pk:
            found = {location_hsds_id(org, loc.pk): loc for loc in Location.objects.filter(organization=org)}
        found.update({key: loc for key, loc in getattr(self, "_locations", {}).items() if loc.pk})
        self._locations = {}
        return found

    # -- services ----------------------------------------------------------------------------

    def service(self, data, path, org, locations):
        names = {"url": "url", "email": "email"}
        existing = (
            Service.objects.filter(translation_key=hsds_uuid(data["id"]), locale=self.locale).first()
            if data.get("id")
            else None
        )
        if existing is not None and existing.organization_id != org.pk:
            self.problem(
                data,
                path,
                "organization_id",
                f"this service is in the directory under “{existing.organization.name}”, "
                "not this organization.",
            )
            return
        service = _working_copy(Service, existing, data, self.locale)
        service.organization = org
        service.name = _text(data.get("name"))
        service.description = _kept(data.get("description"))
        status = _text(data.get("status")) or ServiceStatus.ACTIVE
        if status not in ServiceStatus.values:
            self.problem(
                data,
                path,
                "status",
                f"“{status}” is not an HSDS service status ({', '.join(ServiceStatus.values)}).",
            )
        service.status = status
        for key in ("url", "interpretation_services", "application_process", "fees_description", "alert"):
            setattr(service, key, _text(data.get(key)))
        email = _text(data.get("email"))
        if email != service.email:
            service.email, service.email_visibility = email, IMPORT_TIER
        for key in ("minimum_age", "maximum_age"):
            value = data.get(key)
            setattr(service, key, int(float(value)) if value not in (None, "") else None)
        assured = _text(data.get("assured_date"))
        if assured:
            try:
                service.last_verified = datetime.date.fromisoformat(assured[:10])
            except ValueError:
                self.problem(data, path, "assured_date", f"“{assured}” is not a date (YYYY-MM-DD).")
        self.eligibility(service, data)
        country_code = org.country.country_code if org.country_id else settings.DIRECTORY_DEFAULT_REGION
        ok = self.check(service, data, path, names, exclude=["organization"])
        self.add_phones(service, ServicePhone, data.get("phones"), path, country_code)
        self.add_contacts(service, ServiceContact, data.get("contacts"), path, country_code)
        self.add_schedules(service, data, path)
        self.add_areas(service, data, path)
        self.add_languages(service, data, path)
        self.add_terms(service, data, path)
        self.add_service_locations(service, data, path, locations)
        if not ok or self.outcome.problems:
            return
        label = f"service “{service.name}” ({org.name})"
        if existing is None:
            service.save()
            self.outcome.created.append(f"{label} (draft)")
        else:
            self.outcome.updated.append(f"{label} (new draft revision)")
        service.save_revision(user=self.user, log_action=True, clean=False)

    def eligibility(self, service, data):
        """Eligibility attributes (a stated yes), and the portal's own summary paragraph at the
        end of eligibility_description (yes, no, nationalities) read back into the fields."""
        for attribute in data.get("attributes") or []:
            code = _text((attribute.get("taxonomy_term") or {}).get("code"))
            if code.startswith(ELIGIBILITY_PREFIX) and code[len(ELIGIBILITY_PREFIX) :] in eligibility.FIELDS:
                setattr(service, code[len(ELIGIBILITY_PREFIX) :], True)
        text = _text(data.get("eligibility_description"))
        paragraphs = text.split("\n\n")
        last = paragraphs[-1]
        states = {}
        for name, (yes_text, no_text, _topic) in eligibility.ATTRIBUTES.items():
            if f"{yes_text}." in last:
                states[name] = True
            elif f"{no_text}." in last:
                states[name] = False
        nationalities = []
        match = re.search(r"Nationalities: (.+?)\.(?: Not stated:|$)", last)
        if match:
            nationalities = self.countries_named(match.group(1))
        probe = Service(**{name: states.get(name) for name in eligibility.FIELDS})
        summary = eligibility.Summary(probe, [c.name_en for c in nationalities]).sentences()
        if last.strip() == summary:
            for name, value in states.items():
                setattr(service, name, value)
            self._nationalities = nationalities
            text = "\n\n".join(paragraphs[:-1])
        else:
            self._nationalities = []
        service.eligibility_description = text

    def countries_named(self, text):
        found, pending = [], []
        for piece in text.split(", "):
            pending.append(piece)
            area = Area.objects.filter(kind=AreaKind.COUNTRY, name_en__iexact=", ".join(pending)).first()
            if area:
                found.append(area)
                pending = []
        return found

    def add_schedules(self, service, data, path):
        if service.pk:
            service.schedules.set([])
        for n, item in enumerate(data.get("schedules") or [], 1):
            spath = f"{path}.schedules[{n}]"
            opens, closes = _time(item.get("opens_at")), _time(item.get("closes_at"))
            if opens is False or closes is False:
                self.problem(item, spath, "opens_at", "opening and closing times are written HH:MM:SS.")
                continue
            always = _text(item.get("description")).lower() == "open 24 hours" or (
                opens == datetime.time(0, 0) and closes and closes >= datetime.time(23, 59)
            )
            days = [d.strip().upper() for d in _text(item.get("byday")).split(",") if d.strip()]
            days = [d[-2:] for d in days]  # "1MO" (nth weekday) -> MO: the portal keeps weekly rules
            if set(days) >= {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}:
                days = [""]
            if not always and not (opens and closes):
                self.warn(
                    item, spath, "opens_at", "no opening and closing times: these hours are not imported."
                )
                continue
            for day in days or [""]:
                schedule = Schedule(weekday=day, open_24h=bool(always), note=_text(item.get("notes"))[:200])
                if not always:
                    schedule.opens_at, schedule.closes_at = opens, closes
                if self.check(
                    schedule, item, spath, {"weekday": "byday", "note": "notes"}, exclude=["service"]
                ):
                    service.schedules.add(schedule)

    def add_areas(self, service, data, path):
        known = {a.area_id for a in service.service_areas.all()}
        country = service.organization.country if service.organization_id else None
        for n, item in enumerate(data.get("service_areas") or [], 1):
            area = None
            uri = _text(item.get("uri"))
            if uri:
                area = self.named_area(uri.rstrip("/").rsplit("/", 1)[-1])
            area = (
                area or self.named_area(item.get("name"), None) or self.named_area(item.get("name"), country)
            )
            if area is None:
                self.warn(
                    item,
                    f"{path}.service_areas[{n}]",
                    "name",
                    f"“{_text(item.get('name'))[:80]}” is not an area in the portal's gazetteer: "
                    "not imported.",
                )
                continue
            if area.pk not in known:
                service.service_areas.add(ServiceArea(area=area, note=_text(item.get("description"))[:200]))
                known.add(area.pk)

    def add_languages(self, service, data, path):
        known = {link.language_id for link in service.language_links.all()}
        for n, item in enumerate(data.get("languages") or [], 1):
            code = _text(item.get("code")).lower()
            language = Language.objects.filter(code=code).first() if code else None
            if language is None and code and re.fullmatch(r"[a-z]{2,3}", code):
                language = Language.objects.create(code=code, name_en=_text(item.get("name")) or code)
            if language is None and item.get("name"):
                language = Language.objects.filter(name_en__iexact=_text(item.get("name"))).first()
            if language is None:
                self.warn(
                    item, f"{path}.languages[{n}]", "code", "no ISO 639 code the portal knows: not imported."
                )
                continue
            if language.pk not in known:
                service.language_links.add(ServiceLanguage(language=language))
                known.add(language.pk)
        for country in getattr(self, "_nationalities", []):
            if country.pk not in {link.country_id for link in service.nationalities.all()}:
                service.nationalities.add(ServiceNationality(country=country))

    def add_terms(self, service, data, path):
        known = {link.term_id for link in service.term_links.all()}
        for n, attribute in enumerate(data.get("attributes") or [], 1):
            term_data = attribute.get("taxonomy_term") or {}
            code = _text(term_data.get("code"))
            if code.startswith(ELIGIBILITY_PREFIX):
                continue
            term = TaxonomyTerm.objects.filter(code=code).first() if code else None
            if term is None:
                label = code or _text(term_data.get("name")) or _text(attribute.get("taxonomy_term_id"))
                self.warn(
                    attribute,
                    f"{path}.attributes[{n}]",
                    "taxonomy_term",
                    f"“{label}” is not a service type of the portal's taxonomy: not imported.",
                )
                continue
            if term.pk not in known:
                service.term_links.add(ServiceTerm(term=term))
                known.add(term.pk)

    def add_service_locations(self, service, data, path, locations):
        known = {link.location_id for link in service.service_at_locations.all()}
        for n, link in enumerate(data.get("service_at_locations") or [], 1):
            location_id = link.get("location_id") or (link.get("location") or {}).get("id")
            location = locations.get(location_id)
            if location is None:
                self.warn(
                    link,
                    f"{path}.service_at_locations[{n}]",
                    "location_id",
                    "names a location that is not (yet) a saved place of this organization: not linked.",
                )
                continue
            if location.pk not in known:
                service.service_at_locations.add(ServiceAtLocation(location=location))
                known.add(location.pk)
