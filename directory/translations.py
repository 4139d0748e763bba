"""Show live Khmer (or other) translations in place of the default-locale records.

Filtering and facet counts run on the default locale, where every organization exists; only
the rows being shown are swapped for their live translation, field by field, when the
interface language has one. Nothing here is saved.
"""

from django.utils.translation import get_language
from wagtail.models import Locale

from .models import Organization, Service

ORG_FIELDS = ("name", "description")
SERVICE_FIELDS = ("name", "description")


def active_content_locale():
    """The content locale matching the interface language, or None for the default locale."""
    language = (get_language() or "").split("-")[0]
    default = Locale.get_default()
    if not language or language == default.language_code:
        return None
    return Locale.objects.filter(language_code=language).first()


def localize_organizations(orgs):
    """Replace name and description of each organization (and its `matching_services`) with
    those of its live translation in the interface language, where one exists."""
    locale = active_content_locale()
    orgs = list(orgs)
    if locale is None or not orgs:
        return orgs
    translated = {
        t.translation_key: t
        for t in Organization.objects.filter(
            live=True, locale=locale, translation_key__in=[o.translation_key for o in orgs]
        ).only("translation_key", *ORG_FIELDS)
    }
    services = [s for o in orgs for s in getattr(o, "matching_services", [])]
    translated_services = {
        t.translation_key: t
        for t in Service.objects.filter(
            live=True, locale=locale, translation_key__in=[s.translation_key for s in services]
        ).only("translation_key", *SERVICE_FIELDS)
    }
    for org in orgs:
        _copy(translated.get(org.translation_key), org, ORG_FIELDS)
    for service in services:
        _copy(translated_services.get(service.translation_key), service, SERVICE_FIELDS)
    return orgs


def _copy(source, target, fields):
    if source is None:
        return
    for field in fields:
        value = getattr(source, field)
        if value:  # an empty translated field falls back to the original
            setattr(target, field, value)
