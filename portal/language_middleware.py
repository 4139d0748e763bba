"""Which language a request is answered in, and where the remembered choice sends it.

Public pages live under `i18n_patterns` (portal/urls.py): English without a prefix, the other
languages under /km/, /th/, /vi/, /lo/. The rules:

- A prefixed address is always answered in its language, whatever the visitor chose before, so a
  shared link opens in the sender's language. It does not change the remembered choice.
- An unprefixed public address is English, unless the visitor chose another language with the
  switch (the language cookie, set only by set_language): then a GET is redirected to the same
  page in that language. The browser's Accept-Language alone never redirects, so an English link
  stays English for someone who never chose.
- Addresses that have no language version (sign-in and account pages, the access log, errors
  outside the patterns) are answered in the remembered choice, else the browser's language,
  as before. The admin chooses its own language from the editor's profile; the API, /healthz,
  documents and static files are not translated.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, get_resolver, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _language_resolver(urlconf):
    """The URLResolver that `i18n_patterns` made in the root URLconf (None without one)."""
    for pattern in get_resolver(urlconf).url_patterns:
        if isinstance(getattr(pattern, "pattern", None), LocalePrefixPattern):
            return pattern
    return None


def has_language_versions(path_info, urlconf=None):
    """Whether an unprefixed path is a public page under `i18n_patterns`.

    The root resolver answers first with whatever is listed before the language patterns (admin,
    documents, the API...); the path has language versions only if that answer is also the one
    the language patterns give (Wagtail's catch-all there would otherwise claim /admin/).
    """
    urlconf = urlconf or settings.ROOT_URLCONF
    language_resolver = _language_resolver(urlconf)
    if language_resolver is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = get_resolver(urlconf).resolve(path_info)
            localized = language_resolver.resolve(path_info.removeprefix("/"))  # as the root passes it
        except Resolver404:
            return False
    return match.func == localized.func and match.url_name == localized.url_name


def remembered_language(request):
    """The language chosen with the switch (the cookie), if it is one of ours."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code and code in dict(settings.LANGUAGES):
        return code
    return None


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        prefixed = translation.get_language_from_path(request.path_info)
        request.language_versions = bool(prefixed) or has_language_versions(request.path_info, urlconf)
        if prefixed:
            language = prefixed
        elif request.language_versions:
            language = settings.LANGUAGE_CODE
            chosen = remembered_language(request)
            if chosen and chosen != language and request.method in ("GET", "HEAD"):
                with translation.override(settings.LANGUAGE_CODE):
                    target = translate_url(request.get_full_path(), chosen)
                if target != request.get_full_path():
                    response = HttpResponseRedirect(target)
                    patch_vary_headers(response, ("Cookie",))
                    return response
        else:
            language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not translation.get_language_from_path(request.path_info):
            # Unprefixed answers depend on the remembered choice.
            patch_vary_headers(response, ("Cookie",))
        return response
