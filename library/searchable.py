"""What the library puts in the search index: one "document" per published library item.

The index document's tier is the item's access level, so partners-only and restricted items
(with their abstracts and full text) reach only viewers of that tier: hits, snippets, facet
counts, suggestions and exports all come through the tier filter of `search`. A file's text is
indexed only under the strictest level of the items that use it: an item whose file is shared
with a stricter item indexes its own metadata without the file's text.

An item and its translations (Wagtail page copies in other locales, same translation key) are
one document, keyed by the default-locale item: its title, alternative titles and abstract in
every language are searchable, and each language gets its own display data. A translation is
included only when its access level is no stricter than the item's, so its text never reaches a
tier the translation does not allow.
"""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail.models import Locale

from directory.models import Organization
from search import registry
from search.contract import Document

from .access import LEVEL_RANK, file_levels, file_text_level_ok
from .models import LibraryDocumentPage
from .models.choices import DocumentType

DISPLAY_TEXT_CHARS = 20_000  # snippets are cut from the abstract and the start of the full text

# Short forms people type for a document type besides its English and Khmer labels (plurals
# come from the stemmer: "laws", "SOPs", "studies").
TYPE_SHORT_FORMS = {
    DocumentType.SUB_DECREE: "subdecree",
    DocumentType.MOU: "MOU",
    DocumentType.SOP: "SOP",
    DocumentType.TRAINING_CURRICULUM: "training",
}


def type_words(document_type):
    """The words that name a document type in English and Khmer ("Sub-decree subdecree អនុក្រឹត្យ")."""
    if document_type not in DocumentType.values:
        return []
    label = DocumentType(document_type).label
    words = []
    for language in ("en", "km"):
        with override(language):
            words.append(str(label))
    short = TYPE_SHORT_FORMS.get(document_type)
    return list(dict.fromkeys(words + ([short] if short else [])))


def issuer_names(page, issuers):
    """The issuers as printed, plus the linked organization's acronyms and aliases ("MoSVY")."""
    names = list(issuers)
    if page.issuer_id and page.issuer is not None and page.issuer.live:
        names += [n.name for n in page.issuer.names.all()]
    return list(dict.fromkeys(names))


def _place_names(areas):
    return [n for a in areas for n in (a.name_en, a.name_km) if n]


class DocumentKind(registry.SearchKind):
    name = "document"
    label = _("Library")
    models = (LibraryDocumentPage, Organization)

    def all_ids(self):
        pages = LibraryDocumentPage.objects.live().filter(locale=Locale.get_default())
        return [str(pk) for pk in pages.values_list("pk", flat=True)]

    def affected(self, instance):
        if isinstance(instance, LibraryDocumentPage) and instance.locale_id != Locale.get_default().pk:
            # A translation is part of its default-locale item's document.
            sources = LibraryDocumentPage.objects.filter(
                translation_key=instance.translation_key, locale=Locale.get_default()
            ).values_list("pk", flat=True)
            return [(self.name, str(pk)) for pk in sources]
        if isinstance(instance, LibraryDocumentPage):
            # Items sharing its file (now or before this save) too: whether they may index the
            # file's text depends on this item's access level.
            files = {instance.file_id, getattr(instance, "_previous_file_id", None)} - {None}
            sharing = LibraryDocumentPage.objects.filter(file_id__in=files).values_list("pk", flat=True)
            return [(self.name, str(pk)) for pk in {instance.pk, *sharing}]
        # An organization's name is the issuer shown on its documents.
        ids = LibraryDocumentPage.objects.filter(
            issuer__translation_key=instance.translation_key
        ).values_list("pk", flat=True)
        return [(self.name, str(pk)) for pk in ids]

    def documents(self, ids):
        pks = [int(i) for i in ids if str(i).isdigit()]
        pages = (
            LibraryDocumentPage.objects.live()
            .filter(pk__in=pks)
            .select_related("issuer")
            .prefetch_related("countries", "provinces", "languages", "tagged_items__tag", "issuer__names")
        )
        pages = [p for p in pages if p.locale_id == Locale.get_default().pk]
        levels = file_levels(p.file_id for p in pages if p.file_id)
        translations = _translations(pages)
        docs = {}
        for page in pages:
            docs[str(page.pk)] = self.document(page, levels, translations.get(page.translation_key, []))
        return docs

    def document(self, page, levels=None, translations=()):
        url = page.url or f"/library/{page.slug}/"
        issuers = page.issuer_list
        topics = sorted({t.tag.slug: t.tag.name for t in page.tagged_items.all()}.items())
        countries = [a.slug for a in page.countries.all()]
        provinces = [a.slug for a in page.provinces.all()]
        # A province implies its country.
        for area in page.provinces.all():
            if area.country_id and area.country.slug not in countries:
                countries.append(area.country.slug)
        with override("en"):
            summary = " · ".join(
                str(p) for p in [page.get_document_type_display(), "; ".join(issuers), page.year or ""] if p
            )
        if levels is None:
            levels = file_levels([page.file_id] if page.file_id else [])
        file_text = page.extracted_text if file_text_level_ok(page, levels) else ""
        text = "\n".join(p for p in [summary, page.abstract, file_text[:DISPLAY_TEXT_CHARS]] if p)
        # Translations the item's tier allows: their titles and abstracts in every language.
        translations = [
            t
            for t in translations
            if LEVEL_RANK.get(t.access_level, 2) <= LEVEL_RANK.get(page.access_level, 0)
        ]
        display = {"en": {"title": page.title, "url": url, "text": text}}
        for t in translations:
            display[t.locale.language_code] = {
                "title": t.title,
                "url": url,  # the item's address: shown in the interface language (field by field)
                "text": "\n".join(
                    p for p in [summary, t.abstract or page.abstract, file_text[:DISPLAY_TEXT_CHARS]] if p
                ),
            }
        return Document(
            kind=self.name,
            id=str(page.pk),
            title=page.title,
            url=url,
            tier=page.access_level,
            # Type, year and issuer are words people type ("trafficking law 2008", "MoSVY SOP"):
            # weighted names. The places it is about stay in the body (mentions, not locations).
            names=page.alternative_title_list
            + [line for t in translations for line in [t.title, *t.alternative_title_list]]
            + issuer_names(page, issuers)
            + page.author_list
            + type_words(page.document_type)
            + ([str(page.year)] if page.year else []),
            body="\n".join(
                [page.abstract, file_text, " ".join(name for _slug, name in topics)]
                + [t.abstract for t in translations]
                + _place_names(page.countries.all())
                + _place_names(page.provinces.all())
            ),
            facets={
                "doc_type": [page.document_type],
                "year": [str(page.year)] if page.year else [],
                "decade": [str(page.decade)] if page.decade else [],
                "country": sorted(countries),
                "province": sorted(provinces),
                "language": sorted(lang.code for lang in page.languages.all()),
                "topic": [slug for slug, _name in topics],
                "issuer": issuers,
            },
            display=display,
            date=page.date or (datetime.date(page.year, 1, 1) if page.year else None),
        )


def _translations(pages):
    """{translation key: [live translations in other locales]} of `pages`."""
    found = {}
    rows = (
        LibraryDocumentPage.objects.live()
        .filter(translation_key__in=[p.translation_key for p in pages])
        .exclude(locale=Locale.get_default())
        .select_related("locale")
    )
    for t in rows:
        found.setdefault(t.translation_key, []).append(t)
    return found


# -- facet labels -------------------------------------------------------------------------------
def _doc_type_labels(values, locale):
    with override(locale):
        return {v: str(DocumentType(v).label) for v in values if v in DocumentType.values}


def _decade_labels(values, locale):
    return {v: f"{v}s" for v in values}


def _topic_labels(values, locale):
    from taggit.models import Tag

    return dict(Tag.objects.filter(slug__in=values).values_list("slug", "name"))


def _same(values, locale):
    return {v: v for v in values}


LIBRARY_FACETS = ["doc_type", "decade", "year", "country", "province", "language", "topic", "issuer"]


def register():
    registry.register(DocumentKind())
    registry.register_facet("doc_type", _("Document type"), _doc_type_labels, order=70, reference_labels=True)
    registry.register_facet("decade", _("Decade"), _decade_labels, order=75, reference_labels=True)
    registry.register_facet("year", _("Year"), _same, order=76, reference_labels=True)
    # Topic names and issuers come from the items themselves: a value that no item the viewer may
    # see has is ignored (search.engines.base.drop_invisible_filters), never labelled.
    registry.register_facet("topic", _("Topic"), _topic_labels, order=80)
    registry.register_facet("issuer", _("Issuer"), _same, order=85)
    # "country", "province" and "language" are the directory's facets (area slugs, ISO codes).
