"""Phones and contacts (HSDS phone, contact). Each carries its own visibility tier."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumbers import shortnumberinfo
from wagtail.models import Orderable

from ..validators import (
    PHONE_COUNTRY_CHOICES,
    country_name,
    normalise_phone,
    parse_phone,
    validate_plain_text,
)
from .choices import Channel, Visibility

_language_codes = RegexValidator(
    r"^[a-z]{2,3}(\s*,\s*[a-z]{2,3})*$",
    _("List ISO 639 language codes separated by commas, e.g. km, th, vi."),
)


class PhoneBase(Orderable):
    """A phone number or messaging channel. Stored in E.164, shown in national format; a
    hotline short code (1288, 117) is stored as its digits with the country it is dialled in.

    An empty number is allowed: the channel is known but the number has not been verified
    yet, and the page says so instead of printing a guess.
    """

    number = models.CharField(
        max_length=20,
        blank=True,
        help_text=_(
            "Type it as you would dial it; it is stored in international (E.164) form. "
            "Hotline short codes such as 1288 are kept as they are dialled."
        ),
    )
    country = models.CharField(
        _("country dialled in"),
        max_length=2,
        blank=True,
        choices=PHONE_COUNTRY_CHOICES,
        help_text=_(
            "Where the number is dialled. Short codes work only in their country; empty means Cambodia."
        ),
    )
    extension = models.CharField(max_length=10, blank=True, validators=[RegexValidator(r"^\d*$")])
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.VOICE)
    description = models.CharField(
        max_length=200, blank=True, validators=[validate_plain_text], help_text=_("e.g. Intake line, 24 h")
    )
    languages = models.CharField(
        max_length=60, blank=True, validators=[_language_codes], help_text=_("Languages answered in: km, en")
    )
    hours = models.CharField(
        _("hours answered"),
        max_length=100,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("e.g. 24 hours, every day; Mon–Fri 7:30–17:00"),
    )
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    verified_on = models.DateField(
        null=True, blank=True, help_text=_("Date someone last called this number and it was answered.")
    )

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.display or str(_("number not yet verified"))

    def clean(self):
        super().clean()
        if self.number:
            try:
                self.number, self.country = normalise_phone(self.number, self.country)
            except ValidationError as exc:
                raise ValidationError({"number": exc.messages})

    @property
    def is_short_code(self):
        """Stored as its digits (no +): a short code, dialled only in `country`."""
        return bool(self.number) and not self.number.startswith("+")

    @property
    def short_code_note(self):
        if not self.is_short_code:
            return ""
        region = self.country or settings.DIRECTORY_DEFAULT_REGION
        if shortnumberinfo.is_emergency_number(self.number, region):
            return _("emergency number, dial in %(country)s") % {"country": country_name(region)}
        return _("short code, dial in %(country)s") % {"country": country_name(region)}

    def _parsed(self):
        try:
            return phonenumbers.parse(self.number, None)
        except phonenumbers.NumberParseException:
            return None

    @property
    def display(self):
        """National format for local numbers, international for numbers abroad."""
        if not self.number:
            return ""
        if self.is_short_code:
            return self.number
        parsed = self._parsed()
        if parsed is None:
            return self.number
        fmt = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if phonenumbers.region_code_for_number(parsed) == "KH"
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(parsed, fmt)

    @property
    def tel_uri(self):
        if not self.number:
            return ""
        uri = f"tel:{self.number}"
        return f"{uri};ext={self.extension}" if self.extension else uri

    @property
    def is_verified(self):
        return bool(self.number and self.verified_on)


class ContactBase(Orderable):
    """A contact point. Prefer roles and office lines over named people (privacy rule 3)."""

    role = models.CharField(
        max_length=200, validators=[validate_plain_text], help_text=_("e.g. Duty officer, Intake desk")
    )
    name = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("A person's name only with their consent, and never public."),
    )
    department = models.CharField(max_length=200, blank=True, validators=[validate_plain_text])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.PARTNERS)
    consent_review_date = models.DateField(
        null=True, blank=True, help_text=_("When to re-confirm consent to list this person.")
    )

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.role

    def clean(self):
        super().clean()
        errors = {}
        if self.phone:
            try:
                self.phone = phonenumbers.format_number(
                    parse_phone(self.phone), phonenumbers.PhoneNumberFormat.E164
                )
            except ValidationError as exc:
                errors["phone"] = exc.messages
        if self.name and self.visibility == Visibility.PUBLIC:
            errors["visibility"] = _(
                "A named person cannot be public. Choose Partners or Restricted, or list the role only."
            )
        if self.name and not self.consent_review_date:
            errors["consent_review_date"] = _("Record when the person's consent is to be reviewed.")
        if errors:
            raise ValidationError(errors)

    @property
    def phone_display(self):
        if not self.phone:
            return ""
        try:
            parsed = phonenumbers.parse(self.phone, None)
        except phonenumbers.NumberParseException:
            return self.phone
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
