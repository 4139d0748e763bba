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
from .identifier import OrganizationIdentifier
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
from .stewardship import (
    ReminderLevel,
    ReviewReminder,
    SuggestionStatus,
    UpdateSuggestion,
    VerificationLog,
    VerificationMethod,
    VerificationOutcome,
)
from .taxonomy import Language, TaxonomyTerm
from .unmapped_eligibility import UnmappedEligibility

__all__ = [
    "UnmappedEligibility",
    "ReminderLevel",
    "ReviewReminder",
    "SuggestionStatus",
    "UpdateSuggestion",
    "VerificationLog",
    "VerificationMethod",
    "VerificationOutcome",
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
    "OrganizationIdentifier",
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
