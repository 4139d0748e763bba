"""Who may see what. Every view, export and feed asks this module; nothing decides on its own.

Principle: visibility is decided in one module and projected once; every derived structure is
built from the viewer-tier projection. The rule (tiers, and which places are confidential) lives
here; `project_location` turns a location into what one tier is shown of it, and pages, map
placement and its spatial filters and counts, search documents and their facets, coverage and
HSDS output are all built from that projection, never from the full record. A value a tier may
not see therefore cannot reach that tier through anything derived from it.

Tiers: anonymous visitors see `public`; members of the Partners group see `partners`;
editors (users who can open the Wagtail admin) see `restricted`, and so do an organization's
own members (OrganizationMember), for that organization only. An organization-scoped editor
(``directory.permissions``) opens the admin but edits only their own organizations, so they
are treated as members there, not as editors.

Confidential places: a location is confidential when its type is a shelter or when any service
offered at it (ServiceAtLocation) has a service type in a family listed in
``settings.DIRECTORY_CONFIDENTIAL_SERVICE_TYPES``. A confidential location is never public: its
effective visibility is at least `partners`, whatever its row says. A viewer who may not see a
location exactly is shown its area only: the district (a commune gives way to its district),
or the province when the location is filed under a province; never its commune, name, address
or point.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Q

from .models.choices import TIER_ORDER, AreaKind, LocationType, Visibility

# Location types that are confidential by themselves.
CONFIDENTIAL_LOCATION_TYPES = frozenset({LocationType.SHELTER})


def viewer_tier(user, organization=None):
    """The viewer's tier, site-wide, or for one organization's details when it is given."""
    from .permissions import is_scoped_editor

    if user is None or not user.is_authenticated or not user.is_active:
        return Visibility.PUBLIC
    if getattr(user, "second_factor_pending", False):  # password only so far (accounts/middleware.py)
        return Visibility.PUBLIC
    if user.is_superuser or (user.has_perm("wagtailadmin.access_admin") and not is_scoped_editor(user)):
        return Visibility.RESTRICTED
    if organization is not None and is_member(user, organization):
        return Visibility.RESTRICTED
    if user.groups.filter(name=settings.DIRECTORY_PARTNER_GROUP).exists():
        return Visibility.PARTNERS
    return Visibility.PUBLIC


def is_member(user, organization):
    """Membership follows the organization across its translations (same translation_key),
    and counts only while the organization is published with that member on it."""
    from .models import OrganizationMember

    return OrganizationMember.objects.filter(
        user=user, organization__translation_key=organization.translation_key, organization__live=True
    ).exists()


def allowed_tiers(tier):
    """The tiers a viewer at `tier` may see, e.g. partners -> [public, partners]."""
    return [t.value for t in TIER_ORDER[: TIER_ORDER.index(Visibility(tier)) + 1]]


@lru_cache(maxsize=8)
def _tier_set(tier):
    return frozenset(allowed_tiers(tier))


def can_see(tier, item_visibility):
    # Asked once per location on a map of 20,000 services: the tier set is computed once.
    return item_visibility in _tier_set(str(tier))


def visible(queryset, tier, field="visibility"):
    return queryset.filter(**{f"{field}__in": allowed_tiers(tier)})


# -- confidential places -----------------------------------------------------------------------


def confidential_service_types():
    """The configured confidential families (upper-case codes, e.g. ["SHELTER"])."""
    # Without the setting, shelters stay confidential: the rule fails safe.
    codes = getattr(settings, "DIRECTORY_CONFIDENTIAL_SERVICE_TYPES", ["SHELTER"])
    return [code.strip().upper() for code in codes if code.strip()]


def confidential_term_q(prefix=""):
    """TaxonomyTerm condition (under `prefix`) for the confidential families and their sub-types."""
    q = Q(pk__in=[])
    for code in confidential_service_types():
        q |= Q(**{f"{prefix}code": code}) | Q(**{f"{prefix}code__startswith": f"{code}."})
    return q


def is_confidential(location_type, offers_confidential_service):
    """THE rule: a location is confidential when it is a shelter, or when a service of a
    confidential type is offered there (`offers_confidential_service`, from
    `locations_offering_confidential_services`)."""
    return location_type in CONFIDENTIAL_LOCATION_TYPES or bool(offers_confidential_service)


def effective_visibility(location_type, visibility, offers_confidential_service=False):
    """The visibility that applies to a location: a confidential one is never public."""
    if visibility == Visibility.PUBLIC and is_confidential(location_type, offers_confidential_service):
        return Visibility.PARTNERS
    return visibility


def locations_offering_confidential_services(locations):
    """Ids, among `locations` (a Location queryset or a list of ids), of those where a service of a
    confidential type is offered: one query, so a map of 20,000 services stays fast. Drafts
    count too: a shelter service being prepared already makes its place confidential."""
    from .models import ServiceAtLocation, ServiceTerm

    terms = ServiceTerm.objects.filter(confidential_term_q("term__")).values("service_id")
    return set(
        ServiceAtLocation.objects.filter(location__in=locations, service_id__in=terms)
        .order_by()
        .values_list("location_id", flat=True)
        .distinct()
    )


def services_of_confidential_type(services):
    """Ids, among `services` (a Service queryset or a list of ids), of those with a service type
    in a confidential family: one query. Such a service that records no location of its own is
    placed (map, distance) as if its organization's locations were confidential."""
    from .models import ServiceTerm

    return set(
        ServiceTerm.objects.filter(confidential_term_q("term__"), service__in=services)
        .order_by()
        .values_list("service_id", flat=True)
        .distinct()
    )


# -- the projection ---------------------------------------------------------------------------


def _parent(area):
    return area.parent


def area_shown(area, exact, parent_of=_parent):
    """The area a viewer is shown for a location filed under `area`: the area itself when they
    may see the location exactly; otherwise never finer than the district (a commune gives way
    to its district, `parent_of(area)`). Works on Area models and on light rows alike."""
    if exact or area is None:
        return area
    if area.kind == AreaKind.COMMUNE:
        return parent_of(area)
    return area


@dataclass(frozen=True, slots=True)
class ShownLocation:
    """What one tier is shown of one location. When `exact` is false, only `area` (district or
    province) and the location's kind may be used: name, address and point are empty."""

    exact: bool
    visibility: str  # the effective visibility (confidential places are never public)
    confidential: bool
    area: object  # the area shown (an Area, or whatever `area` was given as)
    name: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


def project_location(location, tier, offers_confidential_service, area=None, parent_of=_parent):
    """`location` (a Location, or any row with location_type, visibility, name, latitude,
    longitude and optionally address) as a viewer at `tier` may see it. `area` defaults to
    `location.area`; `parent_of` finds a commune's district among light rows."""
    offers = offers_confidential_service
    visibility = effective_visibility(location.location_type, location.visibility, offers)
    exact = can_see(tier, visibility)
    if area is None:
        area = getattr(location, "area", None)
    confidential = is_confidential(location.location_type, offers)
    if not exact:
        return ShownLocation(False, visibility, confidential, area_shown(area, False, parent_of))
    return ShownLocation(
        True,
        visibility,
        confidential,
        area,
        name=location.name,
        address=getattr(location, "address", ""),
        latitude=location.latitude,
        longitude=location.longitude,
    )
