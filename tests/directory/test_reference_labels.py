"""Service types and languages are named in the visitor's interface language (km, th, vi, lo),
falling back to English where a name is missing; taxonomy.csv names every term in all five."""

import csv
import html as htmllib
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from directory import filters as directory_filters
from directory.models import Language, TaxonomyTerm
from search.registry import clear_label_cache

TAXONOMY_CSV = Path(__file__).resolve().parents[2] / "directory" / "reference" / "taxonomy.csv"
LOCALES = ("km", "th", "vi", "lo")

# What a reader of each interface should see (drafts; see README, Languages).
SHELTER = {"km": "ជម្រក", "th": "ที่พักพิง", "vi": "Nhà tạm lánh", "lo": "ທີ່ພັກອາໄສ"}
THAI_LANGUAGE = {"km": "ភាសាថៃ", "th": "ภาษาไทย", "vi": "Tiếng Thái Lan", "lo": "ພາສາໄທ"}


def _forget_labels():
    # Reference labels are kept a few minutes per process (search.registry, directory.filters).
    clear_label_cache()
    getattr(directory_filters, "_reference", {}).clear()


@pytest.fixture(autouse=True)
def _fresh_labels():
    _forget_labels()
    yield
    _forget_labels()


@pytest.fixture
def shelter_org(make_org, make_service):
    org = make_org("Mekong Safe House", slug="mekong-safe-house", area_key="KH:02")
    make_service(org, "Girls' shelter", terms=["SHELTER.SHORT"], areas=["KH:02"], languages=["km", "th"])
    return org


def page(client, locale, url_name, **kwargs):
    with translation.override(locale):
        url = reverse(url_name, kwargs=kwargs or None)
    assert locale == "en" or url.startswith(f"/{locale}/")
    response = client.get(url)
    assert response.status_code == 200
    return htmllib.unescape(response.content.decode())


def facet_label(html, name, value):
    match = re.search(
        rf'data-facet="{name}" data-value="{re.escape(value)}".*?<label [^>]*>(.*?)<span class="facet-count">',
        html,
        re.S,
    )
    assert match, f"no {name}={value} in the facet"
    return match.group(1).strip()


@pytest.mark.parametrize("locale", LOCALES)
def test_service_type_facet_speaks_the_interface_language(client, shelter_org, locale):
    html = page(client, locale, "directory:index")
    assert facet_label(html, "type", "SHELTER") == SHELTER[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_language_facet_names_languages_in_the_interface_language(client, shelter_org, locale):
    html = page(client, locale, "directory:index")
    assert facet_label(html, "language", "th") == THAI_LANGUAGE[locale]


def test_english_interface_keeps_english_names(client, shelter_org):
    html = page(client, "en", "directory:index")
    assert facet_label(html, "type", "SHELTER") == "Shelter"
    assert facet_label(html, "language", "th") == "Thai"


@pytest.mark.parametrize("locale", LOCALES)
def test_an_untranslated_term_falls_back_to_english_never_blank(client, shelter_org, locale):
    TaxonomyTerm.objects.filter(code="SHELTER").update(**{f"name_{locale}": ""})
    Language.objects.filter(code="th").update(**{f"name_{locale}": ""})
    _forget_labels()
    html = page(client, locale, "directory:index")
    assert facet_label(html, "type", "SHELTER") == "Shelter"
    assert facet_label(html, "language", "th") == "Thai"


def test_service_card_names_type_and_languages_in_thai(client, shelter_org):
    html = page(client, "th", "directory:organization", slug=shelter_org.slug)
    assert 'data-code="SHELTER.SHORT">ที่พักพิงฉุกเฉินและระยะสั้น<' in html
    # Khmer keeps its own name in brackets (it adds information); Thai needs none.
    assert "ภาษาเขมร (ខ្មែរ), ภาษาไทย<" in html
    assert "Emergency &amp; short-term shelter" not in html and "Emergency & short-term shelter" not in html


def test_model_labels_follow_the_active_language(db):
    term = TaxonomyTerm.objects.get(code="LEGAL")
    thai = Language.objects.get(code="th")
    for locale in LOCALES:
        with translation.override(locale):
            assert term.name == getattr(term, f"name_{locale}") != term.name_en
            assert thai.name == THAI_LANGUAGE[locale]
    with translation.override("en"):
        assert term.name == term.name_en
        assert thai.name == "Thai"


def test_every_term_in_taxonomy_csv_has_all_five_names():
    with open(TAXONOMY_CSV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 92
    missing = [
        f"{row['code']}: name_{code}"
        for row in rows
        for code in ("en", *LOCALES)
        if not (row.get(f"name_{code}") or "").strip()
    ]
    assert not missing, "taxonomy.csv lacks names:\n" + "\n".join(missing)
    # A copied English label is not a translation.
    copied = [
        f"{row['code']}: name_{code}"
        for row in rows
        for code in LOCALES
        if row[f"name_{code}"] == row["name_en"]
    ]
    assert not copied, copied


def test_every_language_has_its_name_in_each_interface_language(db):
    for language in Language.objects.all():
        for code in LOCALES:
            assert getattr(language, f"name_{code}"), f"{language.code} has no name_{code}"


def test_data_migration_fills_only_blank_names(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("directory.migrations.0011_fill_taxonomy_and_language_names")
    TaxonomyTerm.objects.filter(code="SHELTER").update(name_th="", name_vi="บ้าน editor")
    Language.objects.filter(code="th").update(name_lo="", name_km="editor's Khmer")
    migration.fill_names(apps, None)
    shelter = TaxonomyTerm.objects.get(code="SHELTER")
    assert shelter.name_th == SHELTER["th"]
    assert shelter.name_vi == "บ้าน editor"
    thai = Language.objects.get(code="th")
    assert thai.name_lo == THAI_LANGUAGE["lo"]
    assert thai.name_km == "editor's Khmer"


def test_active_filters_name_the_chosen_type_and_language_in_lao(client, shelter_org):
    with translation.override("lo"):
        url = reverse("directory:index")
    html = htmllib.unescape(client.get(f"{url}?type=SHELTER&language=th").content.decode())
    active = re.findall(r'<li class="active-filter" data-facet="(\w+)">.*?<strong>(.*?)</strong>', html, re.S)
    assert ("type", SHELTER["lo"]) in active
    assert ("language", THAI_LANGUAGE["lo"]) in active



# The same name as a reader types it: Vietnamese often without tone marks.
TYPED = {"km": ["ជម្រក"], "th": ["ที่พักพิง"], "vi": ["Nhà tạm lánh", "nha tam lanh"], "lo": ["ທີ່ພັກອາໄສ"]}


@pytest.mark.parametrize("locale", LOCALES)
def test_a_service_type_named_in_the_readers_language_finds_its_services(shelter_org, make_org, make_service, locale):
    """A Khmer, Thai, Vietnamese or Lao reader searches by the service type's name as their
    interface shows it, and finds the services of that type (not others)."""
    from django.test import Client

    from search import api
    from search.engines import database_engine

    other = make_org("Riverside Legal Desk", slug="riverside-legal-desk", area_key="KH:02")
    make_service(other, "Advice desk", terms=["LEGAL"], areas=["KH:02"])
    api.rebuild(database_engine())
    assert TaxonomyTerm.objects.get(code="SHELTER").label(locale) == SHELTER[locale]
    for query in TYPED[locale]:
        for path in (f"/{locale}/directory/", f"/{locale}/search/"):
            response = Client().get(path, {"q": query})
            html = htmllib.unescape(response.content.decode())
            assert "Mekong Safe House" in html, (path, query)
            assert "Riverside Legal Desk" not in html, (path, query)
