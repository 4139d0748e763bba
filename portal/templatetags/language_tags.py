"""The same page in each interface language: hreflang links and the language switch."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from portal.device_position import path_without_position

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """[{code, name, url, current}] for each language, url None where the page has no versions.

    Public pages (under i18n_patterns) have one address per language; other pages (sign-in,
    account pages) are answered in the remembered choice and have none.
    """
    request = context.get("request")
    current = translation.get_language()
    has_versions = request is not None and getattr(request, "language_versions", False)
    path = request.get_full_path() if request is not None else None
    return [
        {
            "code": code,
            "name": name,
            "url": translate_url(path, code) if has_versions else None,
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def hreflang_links(context):
    """(hreflang, absolute url) pairs for the head: each language, and x-default (English)."""
    request = context.get("request")
    if request is None or not getattr(request, "language_versions", False):
        return []
    path = path_without_position(request)  # the device position is for the visitor's own page
    links = [(code, request.build_absolute_uri(translate_url(path, code))) for code, _ in settings.LANGUAGES]
    default = dict(links)[settings.LANGUAGE_CODE]
    return [*links, ("x-default", default)]


@register.filter
def in_language(path):
    """An unprefixed public path (stored in the search index, or a Wagtail page of the English
    tree) as the same page in the interface's language: "/directory/x/" -> "/km/directory/x/".
    Other paths, and paths already in a language, are left alone."""
    from urllib.parse import urlsplit

    from portal.language_middleware import has_language_versions

    language = translation.get_language()
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        return path
    if language == settings.LANGUAGE_CODE or translation.get_language_from_path(path):
        return path
    if not has_language_versions(urlsplit(path).path):
        return path
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, language)
