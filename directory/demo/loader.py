"""Load the demonstration directory (150 organizations from public evaluation reports).

Everything comes from `organizations.json` next to this module; nothing is read from outside the
project. Every organization and service is marked `is_demo`, so the site shows the
"Demonstration data, not for referrals." banner while any of them is published.

Privacy rules (see README.md in this folder): no phone numbers at all (hotlines carry an empty
number, shown as "number not yet verified"), e-mail addresses only under example.org, no street
addresses; the only map points are town centres from a gazetteer on public offices, flagged
approximate (directory.demo.points); shelter locations are partners-only and name the area only.
A share of entries gets a demo verification (directory.demo.verifications).

`load_demo()` is idempotent: organizations are keyed by their slug, services by name within
their organization, child rows by a natural key; a second run creates nothing and only saves
what differs from the fixture. Organizations that already exist with the same slug but are not
demo entries are left untouched.
"""

import json
import logging
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from ..models import (
    Area,
    Channel,
    Language,
    Location,
    LocationType,
    Organization,
    OrganizationContact,
    OrganizationName,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    ServicePhone,
    ServiceTerm,
    TaxonomyTerm,
    Visibility,
)
from .content_translations import load_translations
from .eligibility import demo_eligibility
from .parents import parent_slug
from .points import clear_confidential_points, office_row
from .translations import names as translated_names
from .verifications import add_demo_verifications

FIXTURE = Path(__file__).resolve().parent / "organizations.json"

EMAIL_DOMAIN = "example.org"

# Working languages by the country where the office sits (English is added everywhere).
COUNTRY_LANGUAGES = {
    "KH": ["km"],
    "TH": ["th"],
    "VN": ["vi"],
    "LA": ["lo"],
    "MM": ["my"],
    "MY": ["ms"],
    "CN": ["zh"],
    "HK": ["zh"],
    "ID": ["id"],
    "PH": ["tl"],
    "JP": ["ja"],
}
# Missions also work in the language of the state they represent.
MISSION_LANGUAGES = {"of Cambodia": "km", "of Viet Nam": "vi", "of Malaysia": "ms"}

# Review intervals (days): hotlines and shelters change fastest and matter most in a crisis;
# ministries and embassies change slowly. Demo entries have no steward (they show as orphaned
# in the Reviews dashboard until someone takes them on).
FAST_CHANGING_SERVICES = {"HELP", "SHELTER", "RECEPT", "RETURN"}
SLOW_CHANGING_ORGS = {"ministry", "government_department", "diplomatic_mission", "regional_body", "un_agency"}


def org_review_interval(org_type):
    return 365 if org_type in SLOW_CHANGING_ORGS else 180


def service_review_interval(top_code):
    return 90 if top_code in FAST_CHANGING_SERVICES else 180


SHELTER_ADDRESS = "Address not published (demonstration entry). Partners ask the organization's duty officer."

# Organizations that get a partners-tier duty officer (besides every shelter and hotline operator)
# and a restricted-tier record, to demonstrate the three visibility tiers.
EXTRA_DUTY_OFFICERS = {
    "ministry-of-social-affairs-veterans-and-youth-rehabilitation",
    "poipet-transit-centre-mosvy",
    "migrant-resource-centre-poi-pet",
    "royal-embassy-of-cambodia-in-kuala-lumpur",
    "royal-embassy-of-cambodia-in-beijing",
}


class DemoDataError(RuntimeError):
    pass


def fixture_records():
    with open(FIXTURE, encoding="utf-8") as handle:
        return json.load(handle)


def demo_email(local, slug):
    return f"{local}@{slug}.{EMAIL_DOMAIN}"


class _Counts(OrderedDict):
    def add(self, label, created=0, updated=0, deleted=0):
        entry = self.setdefault(label, {"created": 0, "updated": 0, "deleted": 0})
        entry["created"] += created
        entry["updated"] += updated
        entry["deleted"] += deleted

    def total(self):
        return sum(sum(entry.values()) for entry in self.values())


def _assign(obj, values):
    """Set values that differ; return True when something changed."""
    changed = False
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


def _validate(obj):
    """Field validators and the model's clean(); foreign keys point at rows just looked up, so
    their existence checks (one query each) are skipped, as are uniqueness checks."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _sync(queryset, model, parent, key, rows, counts, label, fresh=False, clean=False):
    """Make the children in `queryset` equal `rows` (dicts of field values), keyed by `key`.

    `fresh`: the parent was just created, so there is nothing to compare with.
    `clean`: run the model's validation (plain-text, shelter and contact rules) and save one by
    one; otherwise new rows are inserted in bulk.
    """
    existing = {} if fresh else {tuple(getattr(obj, f) for f in key): obj for obj in queryset}
    result, new = [], []
    for sort_order, values in enumerate(rows):
        values = {**values, "sort_order": sort_order}
        obj = existing.pop(tuple(values[f] for f in key), None)
        if obj is None:
            obj = model(**parent, **values)
            if clean:
                _validate(obj)
                obj.save()
            else:
                new.append(obj)
            counts.add(label, created=1)
        elif _assign(obj, values):
            obj.save()
            counts.add(label, updated=1)
        result.append(obj)
    if new:
        model.objects.bulk_create(new)
    for obj in existing.values():
        obj.delete()
        counts.add(label, deleted=1)
    return result


def _service_groups(codes, terms):
    """Group taxonomy codes by top-level code, keeping the fixture's order."""
    groups = OrderedDict()
    for code in codes:
        term = terms[code]
        top = term.parent if term.parent_id else term
        groups.setdefault(top.code, (top, []))
        if term.parent_id:
            groups[top.code][1].append(term)
    return groups


def _service_name(top, children):
    return children[0].name_en if len(children) == 1 else top.name_en


def _service_description(top, children):
    if children:
        kind = f"{top.name_en}: " + "; ".join(child.name_en for child in children) + "."
    else:
        kind = f"{top.name_en} (the sources do not say which kind)."
    return (
        f"{kind} Summarised from the organization's role in public evaluation reports "
        "(demonstration entry): confirm before referring anyone."
    )


def _languages(record):
    codes = list(COUNTRY_LANGUAGES.get(record["country"], []))
    if record["org_type"] == "diplomatic_mission":
        for phrase, code in MISSION_LANGUAGES.items():
            if phrase in record["name"] and code not in codes:
                codes.append(code)
    if "en" not in codes:
        codes.append("en")
    return codes


def _description(record):
    text = record["description"]
    notes = []
    if record["place_note"] or record["place_unverified"]:
        notes.append(f"Location as recorded in the sources: {record['place']}.")
    if record["name_unverified"]:
        notes.append("The name is not confirmed by the sources (unverified).")
    return text + ("\n\n" + " ".join(notes) if notes else "")


def _needed_area_keys(records):
    keys = set()
    for record in records:
        keys.add(record["country"])
        if record["area"]:
            keys.add(record["area"])
        keys.update(sa["key"] for sa in record["service_areas"])
    return keys


@contextmanager
def _quiet_tasks():
    """The in-process task backend logs two lines per saved object; keep the console readable."""
    task_logger = logging.getLogger("django_tasks")
    level = task_logger.level
    task_logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        task_logger.setLevel(level)


def load_demo(stdout=None, update_reference_index=True):
    """Create or update the demo directory. Returns {label: {"created": n, "updated": n, "deleted": n}}.

    Runs in one transaction. Wagtail's reference index (the admin's "usage" information) is
    updated once per changed organization and service at the end instead of after every child
    row; `update_reference_index=False` skips it (about half the load time; the test suite uses
    this, `manage.py rebuild_references_index` catches up).
    """
    touched = []
    with _quiet_tasks(), transaction.atomic():
        with disable_reference_index_auto_update():
            counts = _load(touched, stdout)
        if update_reference_index:
            for obj in touched:
                if ReferenceIndex.is_indexed(type(obj)):
                    ReferenceIndex.create_or_update_for_object(obj)
    return counts


def _load(touched, stdout):
    records = fixture_records()
    terms = {t.code: t for t in TaxonomyTerm.objects.select_related("parent")}
    languages = {lang.code: lang for lang in Language.objects.all()}
    needed = _needed_area_keys(records)
    areas = {a.key: a for a in Area.objects.filter(key__in=needed)}
    missing = sorted(needed - set(areas))
    missing_terms = sorted({c for r in records for c in r["services"]} - set(terms))
    if missing or missing_terms or not languages:
        raise DemoDataError(
            "Reference data is missing (run `manage.py load_reference_data` first). "
            f"Areas: {', '.join(missing) or 'ok'}; service types: {', '.join(missing_terms) or 'ok'}; "
            f"languages: {len(languages)}."
        )

    locale = Locale.get_default()
    now = timezone.now()
    counts = _Counts()
    skipped = []
    existing = {
        org.slug: org
        for org in Organization.objects.filter(locale=locale, slug__in=[r["slug"] for r in records])
    }
    orgs = {}
    for record in records:
        org = existing.get(record["slug"])
        if org is not None and not org.is_demo:
            skipped.append(record["slug"])  # a real entry owns this slug: never overwrite it
            continue
        before = counts.total()
        values = {
            "name": record["name"],
            "org_type": record["org_type"],
            "status": record["status"],
            "description": _description(record),
            "website": "",
            "email": demo_email("info", record["slug"]),
            "email_visibility": Visibility.PUBLIC,
            "country": areas[record["country"]],
            "area": areas[record["area"]] if record["area"] else None,
            "successor_note": record["successor_note"],
            "review_interval_days": org_review_interval(record["org_type"]),
            "is_demo": True,
            "live": True,
            "has_unpublished_changes": False,
        }
        fresh = org is None
        if fresh:
            org = Organization(
                slug=record["slug"], locale=locale, first_published_at=now, last_published_at=now, **values
            )
            _validate(org)
            org.save()
            counts.add("organizations", created=1)
        elif _assign(org, values):
            _validate(org)
            org.save()
            counts.add("organizations", updated=1)
        orgs[record["slug"]] = org
        services = _load_children(org, record, areas, terms, languages, counts, fresh)
        if counts.total() != before:
            touched.append(org)
            touched.extend(services)

    # Second pass: links between organizations.
    for record in records:
        org = orgs.get(record["slug"])
        if org is None:
            continue
        links = {
            "parent_organization": orgs.get(parent_slug(record)),
            "successor": orgs.get(record["successor"]) if record["successor"] else None,
        }
        if _assign(org, links):
            org.save(update_fields=list(links))
            counts.add("organization links", updated=1)
            if org not in touched:
                touched.append(org)

    # Never a point on a confidential place (directory.visibility decides), whatever linked it.
    cleared = clear_confidential_points(list(orgs.values()))
    if cleared:
        counts.add("approximate points removed from confidential places", updated=cleared)
    doubtful = [r["slug"] for r in records if r.get("name_unverified") or r.get("place_unverified")]
    verified = add_demo_verifications(skip_slugs=doubtful)
    if verified:
        counts.add("demo verifications", created=verified)
    # Khmer (and the partners' own language) translations: drafts for native review.
    translated = load_translations(records, orgs)
    if translated:
        counts.add("translations (drafts for native review)", created=translated)

    if stdout is not None:
        for label, entry in counts.items():
            created, updated, deleted = entry["created"], entry["updated"], entry["deleted"]
            stdout.write(f"  {label}: {created} created, {updated} updated, {deleted} deleted")
        if not counts:
            stdout.write("  nothing to change: the database already matches the fixture")
        if skipped:
            stdout.write(f"  skipped (slug used by a non-demo organization): {', '.join(skipped)}")
        stdout.write(
            f"Demo data: {Organization.objects.filter(is_demo=True).count()} organizations, "
            f"{Service.objects.filter(is_demo=True).count()} services (all marked as demo)."
        )
    return dict(counts)


def _load_children(org, record, areas, terms, languages, counts, fresh):
    slug = record["slug"]
    _sync(
        org.names.all(),
        OrganizationName,
        {"organization": org},
        ("name", "kind"),
        [{"name": n["name"], "kind": n["kind"], "note": n["note"]} for n in record["names"]]
        + translated_names(slug),
        counts,
        "names",
        fresh=fresh,
        clean=True,
    )

    groups = _service_groups(record["services"], terms)
    has_shelter = "SHELTER" in groups
    has_hotline = "HELP" in groups

    location_rows = []
    if has_shelter:
        location_rows.append(
            {
                "name": "Shelter",
                "location_type": LocationType.SHELTER,
                "area_id": (areas[record["area"]] if record["area"] else areas[record["country"]]).pk,
                "address": SHELTER_ADDRESS,
                "latitude": None,
                "longitude": None,
                "visibility": Visibility.PARTNERS,
            }
        )
    # A public office at the town the sources name, flagged approximate (directory.demo.points).
    office = office_row(areas[record["area"]] if record["area"] else None)
    if office is not None:
        location_rows.append(office)
    locations = _sync(
        org.locations.all(),
        Location,
        {"organization": org},
        ("name", "location_type"),
        location_rows,
        counts,
        "locations",
        fresh=fresh,
        clean=True,
    )

    contact_rows = []
    if has_shelter or has_hotline or slug in EXTRA_DUTY_OFFICERS:
        contact_rows.append(
            {
                "role": "Duty officer",
                "department": "",
                "name": "",
                "email": demo_email("duty", slug),
                "phone": "",
                "visibility": Visibility.PARTNERS,
            }
        )
    if has_shelter or slug in EXTRA_DUTY_OFFICERS:
        contact_rows.append(
            {
                "role": "Case manager on call (editors only)",
                "department": "",
                "name": "",
                "email": demo_email("casework", slug),
                "phone": "",
                "visibility": Visibility.RESTRICTED,
            }
        )
    _sync(
        org.contacts.all(),
        OrganizationContact,
        {"organization": org},
        ("role",),
        contact_rows,
        counts,
        "contacts",
        fresh=fresh,
        clean=True,
    )

    service_rows = []
    for top, children in groups.values():
        values = {
            "name": _service_name(top, children),
            "description": _service_description(top, children),
            "status": "active",
            "review_interval_days": service_review_interval(top.code),
            "is_demo": True,
            "live": True,
            "has_unpublished_changes": False,
            "locale_id": org.locale_id,
            **demo_eligibility(record, top.code),  # only what the source states
        }
        service_rows.append((top, children, values))

    existing = {} if fresh else {s.name: s for s in Service.objects.filter(organization=org, is_demo=True)}
    now = timezone.now()
    services = []
    for top, children, values in service_rows:
        service = existing.pop(values["name"], None)
        new_service = service is None
        if new_service:
            service = Service(organization=org, first_published_at=now, last_published_at=now, **values)
            _validate(service)
            service.save()
            counts.add("services", created=1)
        elif _assign(service, values):
            service.save()
            counts.add("services", updated=1)
        services.append(service)
        _sync(
            service.term_links.all(),
            ServiceTerm,
            {"service": service},
            ("term_id",),
            [{"term_id": t.pk} for t in (children or [top])],
            counts,
            "service types",
            fresh=new_service,
        )
        _sync(
            service.service_areas.all(),
            ServiceArea,
            {"service": service},
            ("area_id",),
            [{"area_id": areas[sa["key"]].pk, "note": sa["note"]} for sa in record["service_areas"]],
            counts,
            "service areas",
            fresh=new_service,
        )
        _sync(
            service.language_links.all(),
            ServiceLanguage,
            {"service": service},
            ("language_id",),
            [{"language_id": languages[code].pk} for code in _languages(record) if code in languages],
            counts,
            "service languages",
            fresh=new_service,
        )
        phone_rows = []
        if top.code == "HELP":
            # The channel is known, the number is not: the page says "number not yet verified".
            phone_rows.append(
                {
                    "number": "",
                    "extension": "",
                    "channel": Channel.HOTLINE,
                    "description": "Hotline",
                    "languages": "",
                    "visibility": Visibility.PUBLIC,
                    "verified_on": None,
                }
            )
        _sync(
            service.phones.all(),
            ServicePhone,
            {"service": service},
            ("channel", "description"),
            phone_rows,
            counts,
            "service phones",
            fresh=new_service,
        )
        _sync(
            service.service_at_locations.all(),
            ServiceAtLocation,
            {"service": service},
            ("location_id",),
            # The shelter service is offered at the shelter only, never at the public office.
            [{"location_id": loc.pk} for loc in locations if loc.location_type == LocationType.SHELTER]
            if top.code == "SHELTER"
            else [],
            counts,
            "services at locations",
            fresh=new_service,
        )
    for stale in existing.values():
        stale.delete()
        counts.add("services", deleted=1)
    return services
