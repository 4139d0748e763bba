"""Load the demonstration library (300 records of the domain brief) as published demo items.

Metadata only: titles, issuers, years, types, countries, languages and topics, and an abstract
composed from them (`abstracts.py`: what the item is, never what it found); no files. The
issuer is linked to a directory organization when exactly one published organization has that
name (or that acronym or alias). Idempotent: items are keyed by slug; a second run creates
nothing and refreshes the fields from the fixture.
"""

import csv
import logging
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale, Page
from wagtail.signal_handlers import disable_reference_index_auto_update

from directory.models import Area, Language, Organization, OrganizationName

from ..models import DocumentType, LibraryDocumentPage, LibraryIndexPage
from .abstracts import demo_abstract
from .translated_pages import load_khmer_translations, name_site_pages
from .translations import alternative_titles

FIXTURE = Path(__file__).resolve().parent / "records.csv"
SLUG_LENGTH = 80


class LibraryDemoError(Exception):
    pass


def read_records(path=FIXTURE):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    slugs, records = set(), []
    for number, row in enumerate(rows, start=2):
        if row["doc_type"] not in DocumentType.values:
            raise LibraryDemoError(f"Line {number}: unknown document type {row['doc_type']!r}.")
        base = slugify(row["title"])[:SLUG_LENGTH].strip("-") or f"item-{number}"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base[: SLUG_LENGTH - 4]}-{n}", n + 1
        slugs.add(slug)
        records.append({**row, "slug": slug})
    return records


def index_page():
    """The library index (/library/), created under the site's home page when missing."""
    existing = LibraryIndexPage.objects.first()
    if existing:
        return existing
    from portal.models import HomePage

    home = HomePage.objects.first() or Page.get_first_root_node()
    page = LibraryIndexPage(
        title="Research library",
        slug="library",
        intro=(
            "Studies, evaluations, laws, sub-decrees, Prakas, MOUs, SOPs, guidelines, manuals and "
            "forms on counter-trafficking and safe migration in Cambodia and the Mekong region."
        ),
        locale=home.locale if home.depth > 1 else Locale.get_default(),
    )
    home.add_child(instance=page)
    return page


def _organizations():
    # Issuers are the default-locale entries (a translation is the same organization and its
    # copied aliases would make every acronym ambiguous).
    default = Locale.get_default()
    by_name = {}
    for org in Organization.objects.filter(live=True, locale=default):
        by_name.setdefault(org.name.casefold(), set()).add(org.pk)
    for name in OrganizationName.objects.filter(organization__live=True, organization__locale=default):
        by_name.setdefault(name.name.casefold(), set()).add(name.organization_id)
    return by_name


@transaction.atomic
def load_library_demo(stdout=None):
    records = read_records()
    parent = index_page()
    countries = {a.key: a for a in Area.objects.countries()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    orgs = _organizations()
    existing = {
        p.slug: p
        for p in LibraryDocumentPage.objects.child_of(parent).prefetch_related(
            "countries", "languages", "tagged_items__tag"
        )
    }
    created = updated = 0
    wagtail_log = logging.getLogger("wagtail")
    level = wagtail_log.level
    wagtail_log.setLevel(logging.WARNING)  # not one "Page created" line per record
    try:
        created, updated = _load(records, parent, orgs, countries, languages, existing)
        translated = load_khmer_translations(records, parent, countries)
        name_site_pages(parent)
    finally:
        wagtail_log.setLevel(level)
    if stdout:
        stdout.write(
            f"Library demo: {created} items created, {updated} updated, {len(records)} in the fixture; "
            f"{translated} Khmer translations of Cambodian instruments created (drafts for native review)."
        )
    return {"created": created, "updated": updated, "total": len(records)}


def _load(records, parent, orgs, countries, languages, existing):
    created = updated = 0
    with disable_reference_index_auto_update():
        for row in records:
            fields, relations = _fields(row, orgs, countries, languages)
            page = existing.get(row["slug"])
            if page is None:
                page = LibraryDocumentPage(slug=row["slug"], live=True, locale=parent.locale, **fields)
                _set_relations(page, relations)
                parent.add_child(instance=page)
                created += 1
                continue
            if page.abstract:  # an abstract an editor wrote (or an earlier run's) is kept
                fields = {k: v for k, v in fields.items() if k != "abstract"}
            changed = [k for k, v in fields.items() if getattr(page, k) != v]
            current = (
                sorted(a.key for a in page.countries.all()),
                sorted(lang.code for lang in page.languages.all()),
                sorted(t.tag.name for t in page.tagged_items.all()),
            )
            wanted = (
                sorted(a.key for a in relations[0]),
                sorted(lang.code for lang in relations[1]),
                sorted(relations[2]),
            )
            if changed or current != wanted:
                for key in changed:
                    setattr(page, key, fields[key])
                _set_relations(page, relations)
                page.save()
                updated += 1
    return created, updated


def _fields(row, orgs, countries, languages):
    issuers = [i.strip() for i in row["issuer"].split(";") if i.strip()]
    issuer_id = None
    for name in issuers:
        matches = orgs.get(name.casefold(), set())
        if len(matches) == 1:
            issuer_id = next(iter(matches))
            break
    fields = {
        "title": row["title"][:255],
        "alternative_titles": alternative_titles(row["slug"]),
        "document_type": row["doc_type"],
        "issuer_name": "; ".join(issuers),
        "issuer_id": issuer_id,
        "year": int(row["year"]) if row["year"].strip().isdigit() else None,
        "editor_notes": row["notes"],
        "is_demo": True,
        "access_level": "public",
    }
    relations = (
        [countries[c] for c in row["countries"].split(";") if c in countries],
        [languages[c] for c in row["language"].split(";") if c in languages],
        sorted({t.replace("-", " ") for t in row["topics"].split(";") if t.strip()}),
    )
    fields["abstract"] = demo_abstract(row["doc_type"], issuers, fields["year"], relations[0], relations[2])
    return fields, relations


def _set_relations(page, relations):
    page.countries.set(relations[0])
    page.languages.set(relations[1])
    page.topics.set(relations[2])
