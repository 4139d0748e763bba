"""National hotlines: listed first on the home page, province pages and referral packs.

A national hotline is a public phone on the "hotline" channel of a published, active service that
either serves a whole country (a service area that is a country) or is dialled as a short code
(1288, 1280: short codes work across the country). Only public phones are listed, so the same
list is right for every viewer and can sit on cached public pages. A hotline whose number has
not been entered or verified is still listed, saying so: demo data holds no real number. The home
page asks for `verified_only`: there, only numbers entered and verified are offered to call.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import get_language
from wagtail.models import Locale

from .models import AreaKind, Channel, Language, ServiceArea, ServicePhone, ServiceStatus, Visibility


@dataclass
class Hotline:
    phone: ServicePhone  # number, display, tel_uri, short_code_note, description (purpose), hours
    service_name: str
    organization_name: str
    url: str
    languages: list  # language names

    @property
    def verified(self):
        return self.phone.is_verified


def is_dialled_as_short_code(number):
    """Digits only (no "+", no spaces): a short code such as 1288."""
    return number.isascii() and number.isdigit()


def national_hotlines(country_code=None, verified_only=False):
    """Hotlines of `country_code` (all countries when None), verified numbers first, then numbers
    not yet verified, then hotlines with no number yet; by organization within each. With
    `verified_only`, only numbers entered and verified (`PhoneBase.is_verified`)."""
    hotline_phones = ServicePhone.objects.filter(
        channel=Channel.HOTLINE,
        visibility=Visibility.PUBLIC,
        service__live=True,
        service__status=ServiceStatus.ACTIVE,
        service__organization__live=True,
    )
    if verified_only:
        hotline_phones = hotline_phones.exclude(number="").filter(verified_on__isnull=False)
    nationwide = ServiceArea.objects.filter(area__kind=AreaKind.COUNTRY)
    if country_code:
        nationwide = nationwide.filter(area__key=country_code)
    # Candidates for short codes from the phone table alone (the query below applies the
    # service's and organization's conditions to them): joined to the services, this read every
    # service row at national scale. The short-code test is in Python on this narrow query: as a
    # regular expression in SQL, SQLite called Python for it on every hotline phone.
    short_codes = ServicePhone.objects.filter(channel=Channel.HOTLINE, visibility=Visibility.PUBLIC).exclude(
        number__startswith="+"
    )
    if country_code:
        short_codes = short_codes.filter(country__in=[country_code] + ([""] if country_code == "KH" else []))
    numbers = short_codes.order_by().values_list("pk", "number")
    short_ids = [pk for pk, number in numbers if is_dialled_as_short_code(number)]
    phones = (
        hotline_phones.filter(Q(service__in=nationwide.values("service_id")) | Q(pk__in=short_ids))
        .select_related("service__organization", "service__locale")
        # The phone, and of its service and organization only what a Hotline is made of.
        .only(
            *(f.name for f in ServicePhone._meta.concrete_fields),
            "service__name",
            "service__translation_key",
            "service__locale__language_code",
            "service__organization__name",
            "service__organization__slug",
        )
        .order_by("service__organization__name", "sort_order", "pk")
    )
    # One copy per service: the visitor's language when it exists, else the default language.
    preference = [get_language() or "", Locale.get_default().language_code]
    phones = list(phones)
    best = {}
    for phone in phones:
        service = phone.service
        language = service.locale.language_code
        rank = preference.index(language) if language in preference else len(preference)
        if service.translation_key not in best or rank < best[service.translation_key][0]:
            best[service.translation_key] = (rank, service.pk)
    chosen = {pk for _rank, pk in best.values()}
    phones = [p for p in phones if p.service_id in chosen]
    codes = {c.strip() for p in phones for c in p.languages.split(",") if c.strip()}
    names = {lang.code: lang.name for lang in Language.objects.filter(code__in=codes)}
    hotlines = [
        Hotline(
            phone=phone,
            service_name=phone.service.name,
            organization_name=phone.service.organization.name,
            url=phone.service.get_absolute_url(),
            languages=[names.get(c.strip(), c.strip()) for c in phone.languages.split(",") if c.strip()],
        )
        for phone in phones
    ]
    hotlines.sort(key=lambda h: (not h.verified, not h.phone.number))  # stable: by organization within
    return hotlines
