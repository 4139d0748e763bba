"""The referral list: services and organizations a visitor collected, read back from a link.

A list is nothing but public ids in a query string, in order: `?o=<uuid>&s=<uuid>&s=<uuid>`,
where `o` is an organization's and `s` a service's HSDS id (their `translation_key`). Nothing
about the person being referred is ever part of it, and the portal stores nothing: the browser
keeps the ids (portal/static/portal/js/referral-list.js), the page reads them from its URL.

`parse_list` reads the query string (order kept, duplicates dropped, malformed values counted,
at most `MAX_ENTRIES`). `resolve_list` turns the ids into what one viewer may see: the published
entry in the visitor's language where a live translation exists (else the original, marked as
not yet translated), its place as area names only (a location is projected with
`visibility.project_location`, so a confidential one gives its district or province; no address
or point ever leaves this module), its best phone among those the viewer's tier allows
(`visibility.visible`, then `best_contact.best_reach`), hours, last verification and a QR code
to the live entry. An id that is unknown, unpublished, or a service of an unpublished
organization is not shown and only counted: the page never says which or why.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from wagtail.coreutils import get_supported_content_language_variant

from services_map.pack import qr_svg

from .best_contact import Reach, best_reach
from .models import (
    Organization,
    OrganizationPhone,
    OrganizationStatus,
    Schedule,
    Service,
    ServiceAtLocation,
    ServicePhone,
    ServiceStatus,
    Visibility,
)
from .models.choices import TIER_ORDER
from .translations import ORG_FIELDS, SERVICE_FIELDS, active_content_locale, fill_blanks
from .views.detail import area_path, verification_status
from .visibility import locations_offering_confidential_services, project_location, viewer_tier, visible

MAX_ENTRIES = 30
ORGANIZATION, SERVICE = "o", "s"
KINDS = (ORGANIZATION, SERVICE)


@dataclass(frozen=True)
class ListRef:
    kind: str  # "o" or "s"
    key: uuid.UUID

    def __str__(self):
        return f"{self.kind}:{self.key}"


@dataclass
class ParsedList:
    refs: list  # [ListRef], at most MAX_ENTRIES, in the order given
    malformed: int = 0  # values that are not ids (counted as unavailable)
    cut: int = 0  # entries beyond MAX_ENTRIES, left out
    asked: bool = False  # the query string named any entry at all


def parse_list(query_string):
    """The list a query string names. Other parameters are ignored. Each `o`/`s` value takes a
    place in the list, malformed ones too (they are counted as unavailable), duplicates none."""
    places, seen = [], set()
    asked = False
    for name, value in parse_qsl(query_string or "", keep_blank_values=True):
        if name not in KINDS:
            continue
        asked = True
        try:
            ref = ListRef(name, uuid.UUID(value.strip()))
        except (ValueError, AttributeError):
            places.append(None)
            continue
        if ref not in seen:
            seen.add(ref)
            places.append(ref)
    used = places[:MAX_ENTRIES]
    return ParsedList(
        refs=[r for r in used if r is not None],
        malformed=sum(1 for r in used if r is None),
        cut=max(len(places) - MAX_ENTRIES, 0),
        asked=asked,
    )


def list_query(refs):
    """The query string of a list: `o=<uuid>&s=<uuid>`, ids only."""
    return urlencode([(ref.kind, str(ref.key)) for ref in refs])


@dataclass
class ListEntry:
    ref: ListRef
    name: str
    organization_name: str  # a service's organization; "" for an organization
    url: str  # the live entry (path, in the interface language)
    absolute_url: str
    qr: str
    places: list  # "District, Province, Country" strings: areas only, never an address
    reach: Reach
    hours: list = field(default_factory=list)  # Schedule rows (a service's opening hours)
    verification: object = None  # detail.VerificationStatus
    status_label: str = ""  # "Closed", "Temporarily closed"... ("" when active)
    is_demo: bool = False
    untranslated: bool = False
    tier: str = Visibility.PUBLIC  # the most private tier of what the entry shows
    organization_key: object = None  # the organization's translation key (the access log's owner)

    @property
    def is_service(self):
        return self.ref.kind == SERVICE


@dataclass
class ResolvedList:
    entries: list  # [ListEntry] in list order
    unavailable: int  # ids given that are not shown (unknown, unpublished, or of an unpublished organization)

    @property
    def refs(self):
        return [entry.ref for entry in self.entries]

    @property
    def tier(self):
        order = [t.value for t in TIER_ORDER]
        return max((e.tier for e in self.entries), key=order.index, default=Visibility.PUBLIC)

    @property
    def is_public(self):
        return self.tier == Visibility.PUBLIC


class _Tiers:
    """The viewer's tier for one organization's details (`visibility.viewer_tier`: an
    organization's own members see its restricted details), asked once per organization."""

    def __init__(self, user):
        self.user = user
        self.site = viewer_tier(user)
        self._by_key = {}

    def for_org(self, org):
        if self.site == Visibility.RESTRICTED or self.user is None or not self.user.is_authenticated:
            return self.site
        if org.translation_key not in self._by_key:
            self._by_key[org.translation_key] = viewer_tier(self.user, org)
        return self._by_key[org.translation_key]


def _preferred(copies, locale, default_language):
    """Among live copies of one record (one translation_key): the one in the interface's content
    locale, else the default locale's, else the oldest."""

    def rank(copy):
        language = copy.locale.language_code
        if locale is not None and copy.locale_id == locale.pk:
            return (0, copy.pk)
        return (1 if language == default_language else 2, copy.pk)

    return min(copies, key=rank)


def _pick(copies_by_key, locale, default_language, fields):
    """{key: copy to show}: the preferred copy, blank fields filled from the default-locale copy
    and marked untranslated where the interface language is not what is shown."""
    chosen = {}
    for key, copies in copies_by_key.items():
        shown = _preferred(copies, locale, default_language)
        original = next((c for c in copies if c.locale.language_code == default_language), None)
        shown.untranslated = False
        if original is not None and shown is not original:
            fill_blanks(shown, original, fields)
        wanted = locale.language_code if locale is not None else default_language
        if shown.locale.language_code != wanted:
            shown.untranslated = True
        chosen[key] = shown
    return chosen


def _group(rows):
    out = defaultdict(list)
    for row in rows:
        out[row.translation_key].append(row)
    return out


def _phones(model, owner_field, owners_by_tier):
    """{owner id: [phones the owner's viewer tier allows]}, one query per tier present."""
    out = defaultdict(list)
    for tier, ids in owners_by_tier.items():
        phones = visible(model.objects.filter(**{f"{owner_field}__in": ids}), tier)
        for phone in phones.order_by("sort_order", "pk"):
            out[getattr(phone, f"{owner_field}_id")].append(phone)
    return out


def _status(entry, active):
    return "" if entry.status == active else str(entry.get_status_display())


def resolve_list(refs, user, absolute):
    """What `user` may see of the list `refs`; `absolute(path)` makes a full URL (for QR codes)."""
    locale = active_content_locale()
    default_language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    tiers = _Tiers(user)
    org_keys = [r.key for r in refs if r.kind == ORGANIZATION]
    service_keys = [r.key for r in refs if r.kind == SERVICE]

    related = ("locale", "area", "area__parent", "area__province", "area__country", "country")
    orgs = {}
    if org_keys:
        live = Organization.objects.filter(live=True, translation_key__in=org_keys).select_related(*related)
        orgs = _pick(_group(live), locale, default_language, ORG_FIELDS)
    services = {}
    if service_keys:
        live = (
            Service.objects.filter(live=True, organization__live=True, translation_key__in=service_keys)
            .select_related("locale", *(f"organization__{r}" for r in related))
            .prefetch_related(
                Prefetch("schedules", queryset=Schedule.objects.order_by("sort_order", "pk")),
                Prefetch(
                    "service_at_locations",
                    queryset=ServiceAtLocation.objects.select_related(
                        "location__area",
                        "location__area__parent",
                        "location__area__province",
                        "location__area__country",
                    ),
                ),
            )
        )
        services = _pick(_group(live), locale, default_language, SERVICE_FIELDS)

    # Organizations' names and addresses (slugs) in the interface language and the default one.
    all_orgs = list(orgs.values()) + [s.organization for s in services.values()]
    org_names, slugs = {}, {}
    keys = {o.translation_key for o in all_orgs}
    if keys:
        copies = Organization.objects.filter(live=True, translation_key__in=keys).select_related("locale")
        for copy in copies.only("translation_key", "name", "slug", "locale__language_code", "locale_id"):
            if locale is not None and copy.locale_id == locale.pk and copy.name:
                org_names[copy.translation_key] = copy.name
            if copy.locale.language_code == default_language:
                slugs[copy.translation_key] = copy.slug
                org_names.setdefault(copy.translation_key, copy.name)

    # Phones, cut to each organization's viewer tier before they are read.
    org_tier = {o.pk: tiers.for_org(o) for o in all_orgs}
    by_tier = defaultdict(set)
    for org in all_orgs:
        by_tier[org_tier[org.pk]].add(org.pk)
    org_phones = _phones(OrganizationPhone, "organization", by_tier)
    service_by_tier = defaultdict(set)
    for service in services.values():
        service_by_tier[org_tier[service.organization_id]].add(service.pk)
    service_phones = _phones(ServicePhone, "service", service_by_tier)
    # An organization's own line first; without one, its live services' lines.
    org_service_phones = defaultdict(list)
    if orgs:
        fallback = defaultdict(set)
        for org in orgs.values():
            fallback[org_tier[org.pk]].add(org.pk)
        for tier, ids in fallback.items():
            rows = ServicePhone.objects.filter(service__organization__in=ids, service__live=True)
            rows = visible(rows, tier)
            for phone in rows.select_related("service").order_by("sort_order", "pk"):
                org_service_phones[phone.service.organization_id].append(phone)

    # Places of services: their locations as the viewer's tier may see them (areas only).
    location_ids = [sal.location_id for s in services.values() for sal in s.service_at_locations.all()]
    confidential = locations_offering_confidential_services(location_ids) if location_ids else set()

    def org_places(org):
        names = area_path(org.area) or area_path(org.country)
        return [", ".join(str(n) for n in names)] if names else []

    def org_path(org):
        # The default-locale copy's slug: the address the organization page answers at.
        return reverse("directory:organization", kwargs={"slug": slugs.get(org.translation_key, org.slug)})

    entries, unavailable = [], 0
    for ref in refs:
        if ref.kind == ORGANIZATION:
            org = orgs.get(ref.key)
            if org is None:
                unavailable += 1
                continue
            reach = best_reach(org_phones.get(org.pk, []))
            if not reach:
                reach = best_reach(org_service_phones.get(org.pk, []))
            path = org_path(org)
            entry = ListEntry(
                ref=ref,
                name=org.name,
                organization_name="",
                url=path,
                absolute_url=absolute(path),
                qr="",
                places=org_places(org),
                reach=reach,
                verification=verification_status(org),
                status_label=_status(org, OrganizationStatus.ACTIVE),
                is_demo=org.is_demo,
                untranslated=org.untranslated,
                tier=reach.tier,
                organization_key=org.translation_key,
            )
        else:
            service = services.get(ref.key)
            if service is None:
                unavailable += 1
                continue
            org = service.organization
            tier = org_tier[org.pk]
            reach = best_reach(service_phones.get(service.pk, []))
            if not reach:
                reach = best_reach(org_phones.get(org.pk, []))
            places = []
            for sal in service.service_at_locations.all():
                location = sal.location
                shown = project_location(location, tier, location.pk in confidential)
                names = area_path(shown.area)
                if names:
                    places.append(", ".join(str(n) for n in names))
            places = list(dict.fromkeys(places)) or org_places(org)
            path = f"{org_path(org)}#service-{service.pk}"
            entry = ListEntry(
                ref=ref,
                name=service.name,
                organization_name=org_names.get(org.translation_key, org.name),
                url=path,
                absolute_url=absolute(path),
                qr="",
                places=places,
                reach=reach,
                hours=list(service.schedules.all()),
                verification=verification_status(service),
                status_label=_status(service, ServiceStatus.ACTIVE),
                is_demo=service.is_demo,
                untranslated=service.untranslated,
                tier=reach.tier,
                organization_key=org.translation_key,
            )
        entry.qr = qr_svg(entry.absolute_url)
        entries.append(entry)
    return ResolvedList(entries=entries, unavailable=unavailable)
