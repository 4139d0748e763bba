"""Content in five languages (issue 15): per-field fallback to English with a visible note, and
the admin report of missing and stale translations.

A visitor who reads Khmer (or Thai, Lao, Vietnamese) sees an entry's translation where there is
a published one; a field the translation leaves blank, or an entry with no translation, shows the
English text with "Not yet translated" in the interface language: never a blank, never a raw id.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from directory.models import Organization
from tests.search.conftest import make_live_copy_in

NOTE = 'data-testid="untranslated-note"'
ENGLISH_NOTE = "Not yet translated: shown in English"


def read_in(client, language, url):
    """The page as a visitor who chose `language` with the switch sees it (the language cookie;
    an unprefixed address then opens the same page in that language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, follow=True)
    translation.activate(settings.LANGUAGE_CODE)  # the request leaves its language active
    assert response.status_code == 200
    return response.content.decode()


def note_texts(html):
    return re.findall(r'data-testid="untranslated-note">([^<]*)<', html)


@pytest.fixture
def entry(make_org, make_service):
    org = make_org(
        "Battambang Reception Centre",
        area_key="KH:02",
        description="Receives returned migrants and survivors.",
    )
    shelter = make_service(org, "Emergency shelter", terms=["SHELTER"], description="Short stays for women.")
    legal = make_service(org, "Legal advice", terms=["LEGAL"], description="Free legal advice.")
    return org, shelter, legal


def test_all_five_content_locales_exist_on_a_fresh_install(db):
    assert {"en", "km", "th", "vi", "lo"} <= set(Locale.objects.values_list("language_code", flat=True))


def test_a_translated_entry_is_shown_in_the_visitors_language(client, entry):
    org, shelter, legal = entry
    khmer = make_live_copy_in("km", org, name="មណ្ឌលទទួលបាត់ដំបង", description="ទទួលជនចំណាកស្រុក។")
    khmer_shelter = make_live_copy_in("km", shelter, name="ជម្រកបន្ទាន់", description="ស្នាក់នៅខ្លី។")
    assert khmer_shelter.organization == khmer  # the copy moves to the organization's translation
    legal.copy_for_translation(Locale.objects.get(language_code="km")).save()  # a draft
    html = read_in(client, "km", org.get_absolute_url())
    assert "មណ្ឌលទទួលបាត់ដំបង" in html and "ទទួលជនចំណាកស្រុក។" in html
    assert "ជម្រកបន្ទាន់" in html and "ស្នាក់នៅខ្លី។" in html
    # The legal service's Khmer copy exists but is a draft: the English one shows, with the note.
    assert "Legal advice" in html and "Free legal advice." in html
    assert html.count(NOTE) == 1
    assert "Receives returned migrants" not in html


def test_a_blank_translated_field_shows_the_english_text_with_a_note(client, entry):
    org, *_ = entry
    make_live_copy_in("km", org, name="មណ្ឌលទទួលបាត់ដំបង", description="")
    html = read_in(client, "km", org.get_absolute_url())
    assert "មណ្ឌលទទួលបាត់ដំបង" in html
    assert "Receives returned migrants and survivors." in html  # never a blank "About"
    assert NOTE in html


def test_an_entry_without_a_translation_is_english_with_a_readable_note(client, entry):
    org, *_ = entry
    for language in ["km", "th", "vi", "lo"]:
        html = read_in(client, language, org.get_absolute_url())
        assert "Battambang Reception Centre" in html and "Receives returned migrants" in html
        notes = note_texts(html)
        # the organization and each of its services say so; the note is a sentence, in the
        # interface language when the catalogue has it, else English: never empty, never an id
        assert len(notes) == 3, language
        with translation.override(language):
            expected = translation.gettext(ENGLISH_NOTE)
        assert all(n.strip() == expected and " " in expected for n in notes), (language, notes)


def test_english_readers_see_no_note(client, entry):
    org, *_ = entry
    html = read_in(client, "en", org.get_absolute_url())
    assert NOTE not in html


def test_directory_results_show_translations_and_note_the_rest(client, entry, make_org):
    org, *_ = entry
    make_live_copy_in("th", org, name="ศูนย์รับตัวพระตะบอง", description="รับแรงงานที่ถูกส่งกลับ")
    make_org("Poipet Transit Centre", area_key="KH:01", description="Receives deportees.")
    html = read_in(client, "th", reverse("directory:index"))
    assert "ศูนย์รับตัวพระตะบอง" in html and "รับแรงงานที่ถูกส่งกลับ" in html
    results = html.split('data-testid="result"')
    poipet = next(r for r in results if "Poipet Transit Centre" in r)
    assert NOTE in poipet
    thai = next(r for r in results if "ศูนย์รับตัวพระตะบอง" in r)
    # its services are not translated into Thai: noted next to them, not on the organization
    assert thai.split("</h3>")[0].count(NOTE) == 0


def test_home_page_notes_it_is_not_translated(client, db):
    html = read_in(client, "km", "/")
    assert NOTE in html
    assert NOTE not in read_in(client, "en", "/")


# --- admin report ---------------------------------------------------------------------------------


def report_rows(admin_client, **params):
    html = admin_client.get(reverse("translation_report"), params).content.decode()
    return html, re.findall(
        r'data-testid="translation-row" data-kind="(\w+)" data-language="(\w+)" data-state="(\w+)" '
        r'data-source="(\d+)"',
        html,
    )


def test_report_lists_missing_draft_and_stale_translations_per_language(admin_client, entry):
    org, shelter, _legal = entry
    _html, rows = report_rows(admin_client, kind="organization")
    assert ("organization", "km", "missing", str(org.pk)) in rows
    assert {lang for kind, lang, _s, pk in rows if pk == str(org.pk)} == {"km", "th", "vi", "lo"}

    khmer = make_live_copy_in("km", org, name="មណ្ឌលទទួលបាត់ដំបង")
    _html, rows = report_rows(admin_client, kind="organization", language="km")
    assert not [r for r in rows if r[3] == str(org.pk)]  # current: not in the "needs work" list
    _html, rows = report_rows(admin_client, kind="organization", language="km", state="current")
    assert ("organization", "km", "current", str(org.pk)) in rows

    org.description = "Changed after the translation."
    org.save()  # the source is now newer than its translation
    html, rows = report_rows(admin_client, kind="organization", language="km")
    assert ("organization", "km", "stale", str(org.pk)) in rows
    assert reverse("wagtailsnippets_directory_organization:edit", args=[khmer.pk]) in html

    Organization.objects.filter(pk=khmer.pk).update(live=False)
    _html, rows = report_rows(admin_client, kind="organization", language="km")
    assert ("organization", "km", "draft", str(org.pk)) in rows

    # services too, each with a link to Wagtail's "Translate" action when missing
    html, rows = report_rows(admin_client, kind="service", language="th")
    assert ("service", "th", "missing", str(shelter.pk)) in rows
    assert (
        reverse("simple_translation:submit_snippet_translation", args=["directory", "service", shelter.pk])
        in html
    )


def test_report_summary_counts_each_state(admin_client, entry):
    org, *_ = entry
    make_live_copy_in("vi", org, name="Trung tâm tiếp nhận Bát Đom Boong")
    html = admin_client.get(reverse("translation_report")).content.decode()
    row = re.search(
        r'data-testid="summary-row" data-language="vi" data-kind="organization">(.*?)</tr>', html, re.S
    )
    counts = dict(re.findall(r'data-state="(\w+)"><a [^>]*>(\d+)</a>', row.group(1)))
    assert counts["current"] == "1" and counts["missing"] == "0"


def test_report_is_for_admin_users_only(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone", password="x"))
    assert client.get(reverse("translation_report")).status_code in (302, 403)


def test_an_editor_translates_through_the_admin_and_the_report_follows(admin_client, entry):
    org, *_ = entry
    thai = Locale.objects.get(language_code="th")
    url = reverse("simple_translation:submit_snippet_translation", args=["directory", "organization", org.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"locales": [thai.pk]})
    assert response.status_code == 302
    copy = Organization.objects.get(translation_key=org.translation_key, locale=thai)
    assert not copy.live  # a draft: the Thai site keeps showing English until it is published
    _html, rows = report_rows(admin_client, kind="organization", language="th")
    assert ("organization", "th", "draft", str(org.pk)) in rows
    copy.name, copy.live = "ศูนย์รับตัวพระตะบอง", True
    copy.save()
    _html, rows = report_rows(admin_client, kind="organization", language="th", state="current")
    assert ("organization", "th", "current", str(org.pk)) in rows
