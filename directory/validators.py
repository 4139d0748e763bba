"""Validation shared by models, admin forms and public forms.

Every validator raises ValidationError with a message that tells the editor what is wrong
and how to fix it.
"""

import re

import phonenumbers
import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import shortnumberinfo

from .short_codes import EXTRA_SHORT_CODES

# Anything that looks like markup: a tag opening (also URL- or JS-escaped), an HTML entity
# (numeric ones also without ";", as browsers read them), a script URL, an event-handler
# attribute (breaking out of a quoted attribute needs no tag), or template code ({{ }}, {% %},
# ${ }, #{ }) that some other system reading our exports might evaluate.
_MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z!?]|&#?[a-zA-Z0-9]+;|&#x?[0-9a-f]+"
    r"|%3c\s*/?\s*[a-z!?]|\\(?:x3c|u003c)"
    r"|(?:java|vb)\s*script\s*:|data\s*:\s*(?:text/html|text/javascript|image/svg)"
    r"|\bon[a-z]+\s*="
    r"|\{[{%#]|[$#]\{",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_plain_text(value):
    """Plain-text fields hold text, never HTML or script."""
    if not value:
        return
    if _MARKUP.search(value):
        raise ValidationError(
            _("HTML tags, entities and scripts are not allowed here. Enter plain text only."),
            code="markup",
        )
    if _CONTROL.search(value):
        raise ValidationError(_("This text contains invisible control characters."), code="control")


def parse_phone(raw, region=None):
    """Parse a phone number typed by an editor; return a PhoneNumber or raise ValidationError."""
    region = region or getattr(settings, "DIRECTORY_DEFAULT_REGION", "KH")
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if re.search(r"[A-Za-z]", text.replace("ext", "").replace("x", "")):
        raise ValidationError(
            _("“%(value)s” contains letters. Enter digits, spaces, dashes and an optional leading +."),
            params={"value": text},
            code="letters",
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number (%(reason)s)."),
            params={"value": text, "reason": str(exc).split(". ", 1)[-1]},
            code="unparseable",
        )
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _(
                "“%(value)s” has the wrong number of digits for %(region)s. "
                "Numbers abroad need the country code, e.g. +66 for Thailand."
            ),
            params={"value": text, "region": phonenumbers.region_code_for_number(number) or region},
            code="length",
        )
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid number in %(region)s: check the area or mobile prefix."),
            params={"value": text, "region": phonenumbers.region_code_for_number(number) or region},
            code="invalid",
        )
    return number


# Short codes are at most six digits; anything this short is never an ordinary subscriber number.
SHORT_CODE_MAX_DIGITS = 6
_SHORT_CODE_SHAPE = re.compile(r"^\d[\d\s.-]*$")


def country_name(region):
    """The country's common English name ("Laos", not "Lao People's Democratic Republic")."""
    country = pycountry.countries.get(alpha_2=(region or "").upper())
    if country is None:
        return region
    return getattr(country, "common_name", None) or country.name


# Countries a directory phone is dialled in (the region's, Cambodia first), for short codes.
PHONE_COUNTRIES = [
    "KH", "TH", "VN", "LA", "MM", "MY", "CN", "HK", "TW", "ID", "PH", "SG", "BN", "JP", "KR", "SA", "QA",
]  # fmt: skip
PHONE_COUNTRY_CHOICES = [(code, country_name(code)) for code in PHONE_COUNTRIES]


def is_known_short_code(digits, region):
    """True when `digits` is a short number (hotline, emergency or helpline code) of `region`:
    phonenumbers' short-number metadata, or the few national codes it lacks (see
    directory/short_codes.py)."""
    if digits in EXTRA_SHORT_CODES.get(region, ()):
        return True
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False
    return shortnumberinfo.is_valid_short_number_for_region(number, region)


def normalise_phone(raw, region=None):
    """(stored number, country) for a number typed by an editor.

    Short codes (1288, 117) are stored as their digits with the country they are dialled in;
    every other number as E.164, with the country it belongs to. Raises ValidationError with a
    message naming the country when a short code is not one of that country's."""
    region = (region or getattr(settings, "DIRECTORY_DEFAULT_REGION", "KH")).upper()
    text = (raw or "").strip()
    digits = re.sub(r"[\s.-]", "", text)
    if _SHORT_CODE_SHAPE.match(text) and len(digits) <= SHORT_CODE_MAX_DIGITS:
        if is_known_short_code(digits, region):
            return digits, region
        raise ValidationError(
            _(
                "“%(value)s” is not a hotline or emergency short code known for %(country)s, and it has "
                "too few digits for a full number. Check the number, or choose the country it is "
                "dialled in."
            ),
            params={"value": text, "country": country_name(region)},
            code="short_code",
        )
    number = parse_phone(text, region)
    canonical = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return canonical, phonenumbers.region_code_for_number(number) or region


def to_e164(raw, region=None):
    return phonenumbers.format_number(parse_phone(raw, region), phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value):
    """Model-level check: the stored value must already be canonical E.164."""
    number = parse_phone(value)
    canonical = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if canonical != value:
        raise ValidationError(
            _("Phone numbers are stored as %(canonical)s (E.164)."), params={"canonical": canonical}
        )


# Rough bounding boxes (south, west, north, east) for countries where the directory has
# locations. A point outside its country's box is almost always a typo or swapped lat/lng.
COUNTRY_BOUNDS = {
    "KH": (9.9, 102.3, 14.7, 107.7),
    "TH": (5.6, 97.3, 20.5, 105.7),
    "VN": (8.2, 102.1, 23.4, 109.5),
    "LA": (13.9, 100.0, 22.5, 107.7),
    "MM": (9.6, 92.2, 28.6, 101.2),
    "MY": (0.8, 99.6, 7.4, 119.3),
    "CN": (18.1, 73.5, 53.6, 134.8),
    "ID": (-11.0, 95.0, 6.1, 141.1),
    "PH": (4.6, 116.9, 21.2, 126.6),
    "SG": (1.15, 103.6, 1.48, 104.1),
    "JP": (24.0, 122.9, 45.6, 145.9),
    "KR": (33.1, 124.6, 38.7, 131.9),
    "TW": (21.9, 119.3, 25.4, 122.1),
    "BN": (4.0, 114.0, 5.1, 115.4),
    "SA": (16.3, 34.5, 32.2, 55.7),
    "QA": (24.4, 50.7, 26.2, 51.7),
    "HK": (22.15, 113.8, 22.6, 114.45),
}


def validate_coordinates(latitude, longitude, country_code):
    """Return a dict of field errors (empty when the point is plausible)."""
    errors = {}
    if (latitude is None) != (longitude is None):
        message = _("Enter both latitude and longitude, or neither.")
        errors["latitude" if latitude is None else "longitude"] = message
        return errors
    if latitude is None:
        return errors
    bounds = COUNTRY_BOUNDS.get(country_code or "")
    if bounds:
        south, west, north, east = bounds
        if south <= longitude <= north and west <= latitude <= east:
            errors["latitude"] = _(
                "Latitude and longitude look swapped: (%(lat)s, %(lng)s) would be in %(country)s "
                "the other way round."
            ) % {"lat": latitude, "lng": longitude, "country": country_code}
            return errors
    if not -90 <= latitude <= 90:
        errors["latitude"] = _("Latitude must be between -90 and 90.")
    if not -180 <= longitude <= 180:
        errors["longitude"] = _("Longitude must be between -180 and 180.")
    if errors:
        return errors
    if bounds:
        south, west, north, east = bounds
        if not (south <= latitude <= north and west <= longitude <= east):
            errors["latitude"] = _("This point (%(lat)s, %(lng)s) is outside %(country)s.") % {
                "lat": latitude,
                "lng": longitude,
                "country": country_code,
            }
    return errors
