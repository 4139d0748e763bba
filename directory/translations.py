"""Show live Khmer (or other) translations in place of the default-locale records.

Filtering and facet counts run on the default locale, where every organization exists; only
the rows being shown are swapped for their live translation, field by field, when the
interface language has one. Nothing here is saved.

Per field, a translation falls back to the original: a blank translated field shows the English
text, and so does a record with no live translation at all. Such a record (or service) gets
`untranslated = True`, and the templates say "Not yet translated" next to it
(`includes/untranslated_note.html`): never a blank, never a raw message id.

The directory listing applies the same rule in SQL, reading each page's rows with their
translations (directory/listing_rows.py); the rest use `localize_organizations`.
"""

from django.conf import settings
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

from .models import Organization, Service

ORG_FIELDS = ("name", "description")
SERVICE_FIELDS = ("name", "description")


def content_language():
    """The interface language when it is not the default locale's (whose records need no
    translating), else None. Its content locale may not exist: then nothing is translated."""
    language = (get_language() or "").split("-")[0]
    # The default locale's language without a query (what Locale.get_default() looks up).
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    if not language or language == default:
        return None
    return language


def active_content_locale():
    """The content locale matching the interface language, or None for the default locale."""
    language = content_language()
    if language is None:
        return None
    return Locale.objects.filter(language_code=language).first()


def localize_organizations(orgs):
    """Replace name and description of each organization (and its `matching_services`) with
    those of its live translation in the interface language, where one exists."""
    locale = active_content_locale()
    orgs = list(orgs)
    for org in orgs:
        # Said outright: a template asking a model for an attribute it lacks pays a dir() of it.
        org.untranslated = False
        for service in getattr(org, "matching_services", []):
            service.untranslated = False
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
        copy_translation(translated.get(org.translation_key), org, ORG_FIELDS)
    for service in services:
        copy_translation(translated_services.get(service.translation_key), service, SERVICE_FIELDS)
    return orgs


def copy_translation(source, target, fields):
    """`fields` of `target` from its live translation `source` (None: none exists), by the
    rule above; `target.untranslated` becomes True where the original shows through."""
    if source is None:
        target.untranslated = True
        return
    for field in fields:
        value = getattr(source, field)
        if value:  # an empty translated field falls back to the original
            setattr(target, field, value)
        elif getattr(target, field):
            target.untranslated = True


def fill_blanks(translation, source, fields):
    """Blank fields of `translation` take the value of `source` (in memory only); when any does,
    the translation is marked `untranslated` (a note says part of it is still in English)."""
    for field in fields:
        if not getattr(translation, field) and getattr(source, field):
            setattr(translation, field, getattr(source, field))
            translation.untranslated = True
    return translation


def mark_untranslated(objects, locale):
    """Mark the objects of another locale than `locale` (the interface's content locale, None for
    the default) as untranslated: they are shown in the original language."""
    if locale is None:
        return objects
    for obj in objects:
        if obj.locale_id != locale.pk:
            obj.untranslated = True
    return objects
