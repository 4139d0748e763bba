"""Khmer translations of the demo library's Cambodian instruments (DRAFTS FOR NATIVE REVIEW).

A Cambodian instrument is a law, sub-decree, Prakas, MOU, agreement, policy, plan of action, SOP
or guideline filed under Cambodia. Each that has a Khmer title in `translated_titles.json` gets
a published Khmer translation (a Wagtail page copy in the `km` locale, same translation key):
the Khmer title and a short Khmer abstract composed from the record (`abstracts.khmer`: type,
issuer, year, countries; never a finding), ending with a note that it awaits native review.
Wagtail copies the home page and the library index into Khmer (a page's translation needs its
parents'); `name_site_pages` gives the home page and the library index a published translation in
Khmer, Thai, Vietnamese and Lao titled as the interface catalogue names them (the site's name and
"Research library"), so a copy is never left holding the English title. The site keeps routing
through the English tree (`portal.content_languages`). An existing translation is left as it is,
and a title an editor changed is kept.
"""

import re

from django.utils import translation
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Locale, Page

from ..models import DocumentType, LibraryDocumentPage
from .abstracts import khmer
from .translations import _table

INSTRUMENTS = {
    DocumentType.LAW,
    DocumentType.SUB_DECREE,
    DocumentType.PRAKAS,
    DocumentType.MOU,
    DocumentType.AGREEMENT,
    DocumentType.POLICY,
    DocumentType.ACTION_PLAN,
    DocumentType.SOP,
    DocumentType.GUIDELINE,
}
KHMER = re.compile(r"[\u1780-\u17ff]")
DRAFT_NOTE = "សេចក្តីបកប្រែព្រាង រង់ចាំការពិនិត្យពីអ្នកនិយាយភាសាខ្មែរ។"


def is_cambodian_instrument(row):
    return row["doc_type"] in INSTRUMENTS and "KH" in row["countries"].split(";")


def khmer_title(slug):
    return next((t for t in _table().get(slug, []) if KHMER.search(t)), "")


SITE_PAGE_TITLES = {
    "portal.homepage": "Mekong Protection Portal",
    "library.libraryindexpage": "Research library",
}


def name_site_pages(index):
    """Publish the home page and library index `index` in every content language, titled in that
    language (the interface's own translation, itself a draft for native review). Returns how
    many titles were set."""
    named = 0
    source_pages = [index.get_parent().specific, index]
    for locale in Locale.objects.exclude(pk=index.locale_id):
        for source in source_pages:
            if source.depth < 2:
                continue  # the tree's root is not a page of the site
            label = SITE_PAGE_TITLES.get(source._meta.label_lower)
            if label is None:
                continue
            copy = source.get_translation_or_none(locale)
            if copy is None:
                copy = source.copy_for_translation(locale, copy_parents=True)
            copy = copy.specific
            if copy.alias_of_id is not None:
                # Wagtail copies a translation's parents as aliases of the English page (kept
                # identical to it); a page with its own title is an ordinary translation.
                ConvertAliasPageAction(copy).execute(skip_permission_checks=True)
                copy = Page.objects.get(pk=copy.pk).specific
            with translation.override(locale.language_code):
                title = translation.gettext(label)
            if copy.live and copy.title != source.title:
                continue  # named already (by an earlier run or an editor)
            if title == source.title:
                continue  # the catalogue has no translation: leave it to the editors
            copy.title = copy.draft_title = title
            copy.save_revision().publish()
            named += 1
    return named


def load_khmer_translations(records, parent, countries):
    """Create the missing Khmer translations; returns how many were created."""
    locale = Locale.objects.filter(language_code="km").first()
    if locale is None:
        return 0
    pages = {p.slug: p for p in LibraryDocumentPage.objects.child_of(parent).specific()}
    created = 0
    for row in records:
        title = khmer_title(row["slug"])
        page = pages.get(row["slug"])
        if not (title and page is not None and page.live and is_cambodian_instrument(row)):
            continue
        if page.get_translation_or_none(locale) is not None:
            continue
        issuers = [i.strip() for i in row["issuer"].split(";") if i.strip()]
        areas = [countries[c] for c in row["countries"].split(";") if c in countries]
        copy = page.copy_for_translation(locale, copy_parents=True).specific
        copy.title = copy.draft_title = title[:255]
        copy.abstract = khmer(row["doc_type"], issuers, page.year, areas) + " " + DRAFT_NOTE
        copy.save_revision().publish()
        created += 1
    return created
