"""Organization page (/directory/<slug>/). The HSDS JSON of the same data is in hsds.py.

Everything a viewer sees is assembled here once, already cut to the viewer's tier: phones and
contacts are fetched through `visibility.visible`, and locations, e-mails and contact names are
copied into plain view objects only when `visibility.can_see` allows. Templates, the vCard and
the JSON export read those objects, never the raw related managers, so a hidden value cannot
reach any of them by accident.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

from audit.directory import record_organization

from ..best_contact import Reach, best_reach
from ..freshness import Freshness, last_verified_on, public_freshness, verified_days_ago
from ..models import (
    Language,
    Location,
    NameKind,
    Organization,
    OrganizationContact,
    OrganizationPhone,
    Schedule,
    Service,
    ServiceArea,
    ServiceContact,
    ServiceLanguage,
    ServiceNationality,
    ServicePhone,
    ServiceTerm,
    Visibility,
)
from ..suggestions import SuggestionForm
from ..translations import ORG_FIELDS, SERVICE_FIELDS, active_content_locale, fill_blanks, mark_untranslated
from ..visibility import (
    can_see,
    locations_offering_confidential_services,
    project_location,
    viewer_tier,
    visible,
)


def get_published_organization(slug):
    """The live organization at `slug`, in the interface language when a live translation exists."""
    live = Organization.objects.filter(live=True).select_related(
        "country", "area", "area__province", "successor", "parent_organization", "locale", "steward", "deputy"
    )
    at_slug = live.filter(slug=slug)
    org = at_slug.filter(locale=Locale.get_default()).first() or at_slug.order_by("pk").first()
    if org is None:
        raise Http404("No published organization at this address.")
    locale = active_content_locale()
    if locale is not None and org.locale_id != locale.pk:
        translated = live.filter(translation_key=org.translation_key, locale=locale).first()
        if translated is None:
            org.untranslated = True  # shown in English with a "not yet translated" note
        else:
            org = fill_blanks(translated, org, ORG_FIELDS)
    return org


def area_path(area):
    """[district, province, country] names, most specific first, without repeats."""
    if area is None:
        return []
    chain = [area, area.parent if area.kind == "commune" else None, area.province, area.country]
    names = []
    for item in chain:
        if item is not None and item.name not in names:
            names.append(item.name)
    return names


@dataclass
class ContactView:
    kind: str
    pk: int
    role: str
    department: str
    name: str
    email: str
    phone: str
    phone_display: str
    vcard_url: str
    visibility: str = Visibility.PUBLIC  # its tier: the access log records views above public


@dataclass
class LocationView:
    pk: int
    name: str
    location_type: str
    type_label: str
    areas: list
    country_code: str
    address_shown: bool
    hidden_note: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    directions: str = ""
    accessibility: str = ""
    approximate_point: bool = False  # the point marks the town or province seat, not the address
    visibility: str = Visibility.PUBLIC  # effective tier (a confidential place is never public)
    directions_url: str = ""  # a maps link, for a public point only (see `directions_url`)


def directions_url(latitude, longitude):
    """A link that opens the device's maps app with directions to the point: Google Maps' cross-
    platform URL opens the Google Maps app on Android and iOS where it is installed and the maps
    web page everywhere else (a `geo:` URI does nothing on iOS or most desktops). Coordinates
    only, to 6 decimals (about 10 cm): no name or address goes to the maps service."""
    return f"https://www.google.com/maps/dir/?api=1&destination={latitude:.6f}%2C{longitude:.6f}"


def _contact_view(contact, kind, tier, slug):
    # A person's name is shown only inside a tier that holds it; a public contact is a role.
    show_name = contact.visibility != Visibility.PUBLIC and can_see(tier, contact.visibility)
    return ContactView(
        kind=kind,
        pk=contact.pk,
        role=contact.role,
        department=contact.department,
        name=contact.name if show_name else "",
        email=contact.email,
        phone=contact.phone,
        phone_display=contact.phone_display,
        vcard_url=reverse("directory:contact_vcard", kwargs={"slug": slug, "kind": kind, "pk": contact.pk}),
        visibility=contact.visibility,
    )


def _location_view(location, tier, offers_confidential_service):
    shown = project_location(location, tier, offers_confidential_service)
    view = LocationView(
        pk=location.pk,
        # A hidden location's own name may identify the building: show only what it is.
        name=shown.name if shown.exact else location.get_location_type_display(),
        location_type=location.location_type,
        type_label=location.get_location_type_display(),
        areas=area_path(shown.area),
        country_code=location.area.country_code if location.area_id else "",
        address_shown=shown.exact,
        visibility=shown.visibility,
    )
    if not shown.exact:
        view.hidden_note = (
            _("Address shared with partners only")
            if shown.visibility == Visibility.PARTNERS
            else _("Address not published")
        )
    else:
        view.address = shown.address
        view.latitude, view.longitude = shown.latitude, shown.longitude
        view.approximate_point = location.point_is_approximate
        view.directions, view.accessibility = location.directions, location.accessibility
        # Directions only ever lead to a public point: a confidential place (a shelter, a place
        # offering a confidential service) or a partners-only point gets none, whoever looks
        # (a partner sees its point on the page; a maps link is not where it should travel).
        if shown.visibility == Visibility.PUBLIC and view.latitude is not None and view.longitude is not None:
            view.directions_url = directions_url(view.latitude, view.longitude)
    return view


def contact_reach(phones, services):
    """The page's contact block and phone bar: the best of the organization's visible phones
    (directory/best_contact.py), and, when it has no number to call, the best of its services'
    visible phones (with the service it belongs to). Both lists are already cut to the tier."""
    reach = best_reach(phones)
    service_name = ""
    if reach.call is None:
        owners = {id(p): s.name for s in services for p in s.visible_phones}
        fallback = best_reach([p for s in services for p in s.visible_phones])
        if fallback.call is not None:
            service_name = owners[id(fallback.call)]
        reach = Reach(call=fallback.call, messages=reach.messages or fallback.messages)
    return reach, service_name


def share_links(name, url):
    """Share without script: an SMS (`sms:?&body=` works on Android and iOS) and an e-mail."""
    return {
        "url": url,
        "sms": f"sms:?&body={quote(f'{name} {url}', safe='')}",
        "mailto": f"mailto:?subject={quote(name, safe='')}&body={quote(url, safe='')}",
    }


def _with_language_names(phones, language_names):
    for phone in phones:
        codes = [c.strip() for c in phone.languages.split(",") if c.strip()]
        phone.language_list = [(code, language_names.get(code, code)) for code in codes]
    return phones


def _services(org, tier):
    phones = visible(ServicePhone.objects.all(), tier)
    contacts = visible(ServiceContact.objects.all(), tier)
    qs = (
        Service.objects.filter(live=True)
        .select_related("steward", "deputy")
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("term_links", queryset=ServiceTerm.objects.select_related("term")),
            Prefetch("service_areas", queryset=ServiceArea.objects.select_related("area", "area__country")),
            Prefetch("language_links", queryset=ServiceLanguage.objects.select_related("language")),
            Prefetch("nationalities", queryset=ServiceNationality.objects.select_related("country")),
            Prefetch("schedules", queryset=Schedule.objects.all()),
            Prefetch("service_at_locations"),
            Prefetch("phones", queryset=phones, to_attr="visible_phones"),
            Prefetch("contacts", queryset=contacts, to_attr="visible_contacts"),
        )
    )
    services = list(qs.filter(organization=org))
    if org.locale.language_code != get_supported_content_language_variant(settings.LANGUAGE_CODE):
        default = Locale.get_default()
        # A translated organization: each original service in its translation where there is
        # one (blank fields in English), else the original, marked as not yet translated.
        originals = qs.filter(
            organization__translation_key=org.translation_key,
            organization__live=True,
            organization__locale=default,
        )
        translated = {s.translation_key: s for s in services}
        shown = []
        for original in originals:
            service = translated.pop(original.translation_key, None)
            if service is None:
                original.untranslated = True
                shown.append(original)
            else:
                shown.append(fill_blanks(service, original, SERVICE_FIELDS))
        services = sorted(shown + list(translated.values()), key=lambda s: (s.name, s.pk))
    return mark_untranslated(services, active_content_locale())


@dataclass
class VerificationStatus:
    """What the public is told about how current an entry is (its verification age; never staff
    names or whether it has a steward). For an organization, the latest of its own and its
    services' verifications (``directory.freshness``), so it never contradicts them."""

    state: str
    days: int | None
    date: object

    @property
    def overdue(self):
        return self.state == Freshness.OVERDUE


def verification_status(entry):
    return VerificationStatus(
        state=public_freshness(entry), days=verified_days_ago(entry), date=last_verified_on(entry)
    )


def organization_context(org, tier, slug):
    """Everything the page, the vCard and the JSON may show to a viewer at `tier`."""
    language_names = {lang.code: lang.name for lang in Language.objects.all()}
    names = list(org.names.all())
    services = _services(org, tier)
    for service in services:
        _with_language_names(service.visible_phones, language_names)
        # Keep only the cut-down views: the raw contacts (with names) do not travel to templates.
        raw_contacts = service.__dict__.pop("visible_contacts")
        service.contact_views = [_contact_view(c, "service", tier, slug) for c in raw_contacts]
        service.shown_email = service.email if can_see(tier, service.email_visibility) else ""
        service.terms = [link.term for link in service.term_links.all()]
        service.verification = verification_status(service)
    org_locations = Location.objects.filter(organization=org)
    confidential = locations_offering_confidential_services(org_locations)
    locations = [
        _location_view(loc, tier, loc.pk in confidential)
        for loc in org_locations.select_related("area", "area__parent", "area__province", "area__country")
    ]
    phones = _with_language_names(
        list(visible(OrganizationPhone.objects.filter(organization=org), tier)), language_names
    )
    contacts = visible(OrganizationContact.objects.filter(organization=org), tier)
    reach, reach_service = contact_reach(phones, services)
    successor = org.successor if org.successor_id and org.successor.live else None
    parent = org.parent_organization if org.parent_organization_id and org.parent_organization.live else None
    return {
        "org": org,
        "slug": slug,
        "tier": tier,
        "acronyms": [n for n in names if n.kind == NameKind.ACRONYM],
        "aliases": [n for n in names if n.kind == NameKind.ALIAS],
        "former_names": [n for n in names if n.kind == NameKind.FORMER],
        "email": org.email if can_see(tier, org.email_visibility) else "",
        "phones": phones,
        "reach": reach,
        "reach_service": reach_service,
        # The phone bar's Directions: the first public, exact point (an approximate one marks a
        # town centre: the location card says so beside its link, a bar button could not).
        "directions": next((v for v in locations if v.directions_url and not v.approximate_point), None),
        "contacts": [_contact_view(c, "org", tier, slug) for c in contacts],
        "locations": locations,
        "services": services,
        "successor": successor,
        "parent": parent,
        "predecessors": list(Organization.objects.filter(successor=org, live=True).order_by("name")),
        "area_names": area_path(org.area) or area_path(org.country),
        "verification": verification_status(org),
        "vcard_url": reverse("directory:organization_vcard", kwargs={"slug": slug}),
        "hsds_url": reverse("directory:organization_hsds", kwargs={"slug": slug}),
    }


@require_GET
def organization_detail(request, slug):
    org = get_published_organization(slug)
    context = organization_context(org, viewer_tier(request.user, org), slug)
    record_organization(request, "organization_page", context)
    context["suggestion_form"] = SuggestionForm()
    context["share"] = share_links(org.name, request.build_absolute_uri(org.get_absolute_url()))
    return render(request, "directory/organization_detail.html", context)


# -- HSDS 3.0 -----------------------------------------------------------------------------------
# Open Referral ids are UUIDs: the organization's and services' translation keys, and for the
# parts without one, a name-based UUID under the organization's key (stable across exports).
# Keys of hidden data are left out entirely, not sent as null.
