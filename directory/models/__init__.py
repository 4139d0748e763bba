from .area import Area
from .choices import (
    AcceptingReferrals,
    AreaKind,
    Channel,
    LocationType,
    NameKind,
    OrganizationStatus,
    OrganizationType,
    ServiceStatus,
    Visibility,
    Weekday,
)
from .location import Location
from .organization import (
    Organization,
    OrganizationContact,
    OrganizationMember,
    OrganizationName,
    OrganizationPhone,
)
from .service import (
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceContact,
    ServiceLanguage,
    ServiceNationality,
    ServicePhone,
    ServiceTerm,
)
from .taxonomy import Language, TaxonomyTerm

__all__ = [
    "AcceptingReferrals",
    "Area",
    "AreaKind",
    "Channel",
    "Language",
    "Location",
    "LocationType",
    "NameKind",
    "Organization",
    "OrganizationContact",
    "OrganizationMember",
    "OrganizationName",
    "OrganizationPhone",
    "OrganizationStatus",
    "OrganizationType",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceContact",
    "ServiceLanguage",
    "ServiceNationality",
    "ServicePhone",
    "ServiceStatus",
    "ServiceTerm",
    "TaxonomyTerm",
    "Visibility",
    "Weekday",
]
