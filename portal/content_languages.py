"""Pages (home page, library items) in the interface language, field by field.

The default-locale page tree is the site's structure: every URL resolves there (a Khmer home
page whose library index or items are not translated yet must not answer 404), and the page
found is then shown with the fields of its live translation in the interface language. A
translated field left blank or still holding the English text (Wagtail's copy), or a page with
no live translation, shows the English text and
`page.untranslated = True` (the template says "Not yet translated"). Nothing here is saved.
"""

from django.conf import settings
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale


def interface_locale():
    """The content locale of the interface language, or None for the default locale (or when
    that language has no locale row)."""
    language = (get_language() or "").split("-")[0]
    # The default locale's language, without the query Locale.get_default() makes.
    if not language or language == get_supported_content_language_variant(settings.LANGUAGE_CODE):
        return None
    return Locale.objects.filter(language_code=language).first()


def default_version(page):
    """The page's version in the default locale (itself when it is in it or has none)."""
    default = Locale.get_default()
    if page.locale_id == default.pk:
        return page
    source = page.get_translation_or_none(default)
    return source.specific if source is not None else page


def localize_page(page, fields, may_show=None):
    """Show `page` (as served) in the interface language: copy the non-blank `fields` of its live
    translation onto it, mark it `untranslated` where any field stays in the original language.
    `may_show(translation)` can refuse a translation (one above the viewer's tier).
    Returns the page."""
    locale = interface_locale()
    if locale is None:
        return page
    source = default_version(page)
    if page.locale_id == locale.pk:
        translation = page
    else:
        found = source.get_translation_or_none(locale)
        translation = found.specific if found is not None and found.live else None
    if translation is not None and may_show is not None and not may_show(translation):
        translation = None
    if translation is None:
        page.untranslated = True
        return page
    for field in fields:
        value, original = getattr(translation, field), getattr(source, field)
        if value:
            setattr(page, field, value)
        else:
            setattr(page, field, original)
        # A field still holding the English text (as Wagtail's "Translate" copies it, or left
        # blank) is not a translation: the reader is told it is shown in English.
        if original and (not value or (translation.pk != source.pk and value == original)):
            page.untranslated = True
    return page
