"""Each interface language has its own address, hreflang links, and a switch that remembers.

English public pages are unprefixed; Khmer, Thai, Vietnamese and Lao live under /km/, /th/, /vi/,
/lo/. The language switch (a form posting to /i18n/setlang/, no JavaScript needed) remembers the
choice in a cookie; an unprefixed public address then redirects to the chosen language, while a
prefixed address always opens in its own language (a shared link opens in the sender's language).
"""

import html
import re

import pytest
from django.conf import settings

from library.demo.loader import index_page

LANGUAGES = ("en", "km", "th", "vi", "lo")
PREFIX = {"en": "", "km": "/km", "th": "/th", "vi": "/vi", "lo": "/lo"}
COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response):
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


def alternates(response):
    """{hreflang: href} from the page's <head>."""
    head = response.content.decode().split("</head>", 1)[0]
    found = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head)
    return {code: html.unescape(href) for code, href in found}


@pytest.fixture
def public_pages(make_org, make_service):
    index_page()  # /library/
    org = make_org("Language Test Org", slug="language-test-org", area_key="KH:12")
    make_service(org, "Legal aid", terms=["LEGAL"], areas=["KH:12"])
    return ["/", "/directory/", "/directory/language-test-org/", "/map/", "/search/", "/library/",
            "/map/coverage/phnom-penh/pack/"]


def test_languages_are_the_five_of_the_portal():
    assert [code for code, _ in settings.LANGUAGES] == list(LANGUAGES)
    assert [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES] == list(LANGUAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_address_renders_in_that_language(client, public_pages, language):
    for path in public_pages:
        response = client.get(PREFIX[language] + path)
        assert response.status_code == 200, (language, path, response.status_code)
        assert html_lang(response) == language, path
        assert response["Content-Language"] == language


@pytest.mark.django_db
def test_hreflang_links_name_the_same_page_in_each_language(client, public_pages):
    for path in public_pages:
        response = client.get("/km" + path)
        links = alternates(response)
        expected = {code: f"http://testserver{PREFIX[code]}{path}" for code in LANGUAGES}
        expected["x-default"] = f"http://testserver{path}"
        assert links == expected, path


@pytest.mark.django_db
def test_hreflang_keeps_the_query(client, public_pages):
    links = alternates(client.get("/directory/?q=legal&type=LEGAL"))
    assert links["th"] == "http://testserver/th/directory/?q=legal&type=LEGAL"
    assert links["x-default"] == "http://testserver/directory/?q=legal&type=LEGAL"


@pytest.mark.django_db
def test_every_language_is_offered_in_the_switch_with_the_current_one_selected(client, public_pages):
    html = client.get("/vi/directory/").content.decode()
    switch = html.split('data-testid="language-switch"', 1)[1].split("</form>", 1)[0]
    assert 'action="/i18n/setlang/"' in html
    assert 'name="next" type="hidden" value="/vi/directory/"' in switch
    for code in LANGUAGES:
        assert f'value="{code}" lang="{code}"' in switch
    assert 'value="vi" lang="vi" selected' in switch
    assert "ខ្មែរ" in switch and "ไทย" in switch and "ລາວ" in switch and "Tiếng Việt" in switch


@pytest.mark.django_db
def test_the_pack_has_a_switch_and_hreflang_links(client, public_pages):
    response = client.get("/lo/map/coverage/phnom-penh/pack/")
    assert 'data-testid="language-switch"' in response.content.decode()
    assert alternates(response)["km"] == "http://testserver/km/map/coverage/phnom-penh/pack/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("left", "chosen", "arrives"),
    [
        ("/directory/?q=legal", "km", "/km/directory/?q=legal"),
        ("/km/directory/language-test-org/", "th", "/th/directory/language-test-org/"),
        ("/km/map/", "en", "/map/"),
        ("/vi/", "lo", "/lo/"),
        ("/th/library/", "vi", "/vi/library/"),
    ],
)
def test_switch_goes_to_the_same_page_in_the_chosen_language_and_remembers(client, public_pages, left, chosen, arrives):
    response = client.post("/i18n/setlang/", {"language": chosen, "next": left})
    assert response.status_code == 302
    assert response["Location"] == arrives
    cookie = response.cookies[COOKIE]
    assert cookie.value == chosen
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # remembered beyond the browser session
    assert html_lang(client.get(arrives)) == chosen


@pytest.mark.django_db
def test_remembered_choice_opens_unprefixed_links_in_that_language(client, public_pages):
    client.post("/i18n/setlang/", {"language": "km", "next": "/"})
    response = client.get("/directory/?q=legal")
    assert response.status_code == 302
    assert response["Location"] == "/km/directory/?q=legal"
    assert "Cookie" in response["Vary"]
    # A prefixed link (shared by a Thai reader) still opens in Thai and does not change the choice.
    assert html_lang(client.get("/th/directory/")) == "th"
    assert client.cookies[COOKIE].value == "km"
    assert client.get("/").status_code == 302
    # Choosing English again makes unprefixed addresses English.
    client.post("/i18n/setlang/", {"language": "en", "next": "/km/"})
    response = client.get("/directory/")
    assert response.status_code == 200 and html_lang(response) == "en"


@pytest.mark.django_db
def test_browser_language_alone_does_not_redirect_an_english_link(client, public_pages):
    response = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="km")
    assert response.status_code == 200
    assert html_lang(response) == "en"


@pytest.mark.django_db
def test_pages_without_language_addresses_stay_unprefixed(client, public_pages):
    """Sign-in, the API-like endpoints, /healthz and the admin are never under a language."""
    client.cookies[COOKIE] = "km"
    login = client.get("/accounts/login/")
    assert login.status_code == 200
    assert html_lang(login) == "km"  # answered in the remembered choice
    assert alternates(login) == {}
    assert client.get("/km/accounts/login/").status_code == 404
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/km/admin/").status_code == 404


@pytest.mark.django_db
def test_a_post_to_an_unprefixed_page_is_not_redirected(client, public_pages):
    client.cookies[COOKIE] = "km"
    response = client.post("/directory/language-test-org/suggest/", {})
    assert response.status_code != 302 or not response["Location"].startswith("/km/")


@pytest.mark.django_db
def test_links_in_the_header_stay_in_the_page_language(client, public_pages):
    header = client.get("/th/map/").content.decode().split("<main", 1)[0]
    for href in ('href="/th/"', 'href="/th/directory/"', 'href="/th/map/"', 'href="/th/library/"', 'href="/th/search/"'):
        assert href in header


ONCE = {
    "/directory/": [
        "This portal holds no case data about survivors. Shelter addresses are shared with vetted partners only.",
        "Ministries, provincial departments, embassies, NGOs, shelters, hotlines and transit centres working "
        "against trafficking and for safe migration.",
        "Directory, research library and services map for counter-trafficking and migrant protection in "
        "Cambodia and the Mekong region.",
    ],
}
SIGN_IN_TEXT = (
    "Vetted partner organizations see partners-only contacts and shelter details. Accounts are issued by "
    "the portal's coordinators."
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_translated_block_appears_once(client, public_pages, language):
    """The Khmer footer, directory intro and meta description were shown three times, the sign-in
    text twice (the catalogue's msgstr held the sentence repeated)."""
    from django.utils.translation import gettext, override

    html = client.get(PREFIX[language] + "/directory/").content.decode()
    client.cookies[COOKIE] = language
    sign_in = client.get("/accounts/login/").content.decode()
    with override(language):
        texts = [(html, gettext(msgid)) for msgid in ONCE["/directory/"]]  # {% trans %} is not escaped
        texts.append((sign_in, gettext(SIGN_IN_TEXT)))
    for page, text in texts:
        assert page.count(text) == 1, (language, text[:60])
        if language != "en":
            assert page.count(text[: len(text) // 3]) == 1, (language, "repeated", text[:60])


@pytest.mark.django_db
def test_stored_english_paths_are_shown_in_the_page_language():
    """Search hits keep the English path they were indexed with; a Khmer page links them as Khmer."""
    from django.utils.translation import override

    from portal.templatetags.language_tags import in_language

    with override("km"):
        assert in_language("/directory/cwcc/#service-3") == "/km/directory/cwcc/#service-3"
        assert in_language("/library/a-report/") == "/km/library/a-report/"
        assert in_language("/th/directory/") == "/th/directory/"  # already in a language
        assert in_language("/accounts/login/") == "/accounts/login/"  # no language versions
        assert in_language("/admin/pages/") == "/admin/pages/"
        assert in_language("https://example.org/x/") == "https://example.org/x/"
    with override("en"):
        assert in_language("/directory/cwcc/") == "/directory/cwcc/"


@pytest.mark.django_db
def test_the_admin_lists_every_content_language_by_name(client, django_user_model):
    """An administrator opens Settings → Locales and the account page: every content language
    is listed by name."""
    from wagtail.models import Locale

    admin = django_user_model.objects.create_superuser("locales-admin", "a@example.org", "pw-locales")
    client.force_login(admin)
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    response = client.get("/admin/locales/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("Khmer", "Thai", "Vietnamese", "Lao"):
        assert name in body, name
    assert client.get("/admin/account/").status_code == 200
