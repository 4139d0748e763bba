"""Controlled vocabularies of the directory (values are stable; labels are translatable)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may see a phone, contact, e-mail or location.

    public: anyone; partners: vetted, logged-in partner users; restricted: editors only.
    """

    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners only")
    RESTRICTED = "restricted", _("Restricted (editors)")


# Tiers in increasing order of access; a viewer at tier N sees data at tiers <= N.
TIER_ORDER = [Visibility.PUBLIC, Visibility.PARTNERS, Visibility.RESTRICTED]


class OrganizationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    SUBNATIONAL_GOVERNMENT = "subnational_government", _("Provincial or local government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SERVICE_CENTRE = "service_centre", _("Service centre")
    DIPLOMATIC_MISSION = "diplomatic_mission", _("Embassy or consulate")
    COORDINATION_BODY = "coordination_body", _("Coordination body")
    REGIONAL_BODY = "regional_body", _("Regional body")
    UN_AGENCY = "un_agency", _("UN agency or IOM")
    PROGRAMME = "programme", _("Programme or project")
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    NATIONAL_NGO = "national_ngo", _("National NGO")
    NGO_NETWORK = "ngo_network", _("NGO network")
    MASS_ORGANIZATION = "mass_organization", _("Mass organization")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    PROFESSIONAL_BODY = "professional_body", _("Professional body")
    DONOR = "donor", _("Donor")


class OrganizationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    MERGED = "merged", _("Merged into another organization")
    RENAMED = "renamed", _("Renamed")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Status unknown")


class ServiceStatus(models.TextChoices):
    # HSDS 3.0 service.status values.
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class NameKind(models.TextChoices):
    ACRONYM = "acronym", _("Acronym")
    ALIAS = "alias", _("Also known as")
    FORMER = "former", _("Former name")
    MISSPELLING = "misspelling", _("Common misspelling")


class Channel(models.TextChoices):
    VOICE = "voice", _("Voice")
    CELL = "cell", _("Mobile")
    HOTLINE = "hotline", _("Hotline")
    SMS = "sms", _("SMS")
    FAX = "fax", _("Fax")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    LINE = "line", _("LINE")
    VIBER = "viber", _("Viber")
    MESSENGER = "messenger", _("Messenger")


class AreaKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province or first-level division")
    DISTRICT = "district", _("District or khan")
    COMMUNE = "commune", _("Commune or sangkat")


class LocationType(models.TextChoices):
    OFFICE = "office", _("Office")
    SHELTER = "shelter", _("Shelter or residential centre")
    SERVICE_POINT = "service_point", _("Service point or drop-in centre")
    BORDER_POINT = "border_point", _("Border or airport point")
    VIRTUAL = "virtual", _("Online or phone only")


class AcceptingReferrals(models.TextChoices):
    UNKNOWN = "unknown", _("Not stated")
    YES = "yes", _("Accepting referrals")
    WAITLIST = "waitlist", _("Waiting list")
    FULL = "full", _("Full")


class Weekday(models.TextChoices):
    # iCalendar BYDAY codes, as HSDS schedule.byday uses them.
    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")
