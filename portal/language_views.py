"""The language switch's target: Django's set_language, read in the language of the page left."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language


def set_language(request):
    """Remember the chosen language (cookie) and go to the same page in it.

    Django translates `next` by resolving it in the active language; this request's own address
    has no prefix, so without the override /km/directory/ would resolve as a Wagtail page path
    "km/directory/" and come back as /th/km/directory/.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    left = translation.get_language_from_path(urlsplit(next_url).path) or settings.LANGUAGE_CODE
    with translation.override(left):
        return django_set_language(request)
