"""Write parsed records as library pages: all or nothing, in one transaction, with a dry run.

    result = import_records(records, parent_page, dry_run=True, publish=False, user=None)
    result.created   # [{"row", "title", "slug", "document_type"}] (would be created, in a dry run)
    result.errors    # [RowError]; when any, nothing was written
    result.dry_run   # True: the transaction was rolled back whatever happened

Every record becomes a LibraryDocumentPage under ``parent_page`` (a LibraryIndexPage), as a
draft with a first revision unless ``publish``. Countries and languages must exist in the
directory's reference data (unknown ones are errors, "und"/"mul"/"zxx" mean unknown and are
skipped); the issuer is linked to a directory organization when exactly one published
organization has that name, acronym or alias. An item with the same title, type and year under
the same parent is an error (a second run of the same file creates nothing). Topic slugs become
tags named with spaces ("labour-migration" → "labour migration"), as the demo loader does.
Search-index sync runs after commit, so a dry run or a failed import indexes nothing.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale

from directory.models import Area, Language, Organization, OrganizationName

from ..models import LibraryDocumentPage
from .base import SPECIAL_LANGUAGES, RowError

logger = logging.getLogger(__name__)
SLUG_LENGTH = 80


@dataclass
class ApplyResult:
    dry_run: bool
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


class _Rollback(Exception):  # noqa: N818 - control flow, not an error
    pass


def _organizations():
    # Default-locale entries only: a translation is the same organization (its copied aliases
    # would make every acronym ambiguous).
    default = Locale.get_default()
    by_name = {}
    for pk, name in Organization.objects.filter(live=True, locale=default).values_list("pk", "name"):
        by_name.setdefault(name.casefold(), set()).add(pk)
    names = OrganizationName.objects.filter(organization__live=True, organization__locale=default)
    for pk, name in names.values_list("organization_id", "name"):
        by_name.setdefault(name.casefold(), set()).add(pk)
    return by_name


def _unique_slug(title, taken, row):
    base = slugify(title, allow_unicode=True)[:SLUG_LENGTH].strip("-") or f"item-{row}"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base[: SLUG_LENGTH - 4]}-{n}", n + 1
    taken.add(slug)
    return slug


def _error(record, field_name, message):
    unit = "line" if str(record.get("source", "")).startswith("RIS") else "row"
    return RowError(record.get("row") or 0, field_name, message, unit)


def _build(record, parent, lookups, taken):
    """(page, m2m values, errors) for one record; the page is not saved."""
    countries, languages, orgs, existing = lookups
    errors = []
    key = (record["title"].casefold(), record["document_type"], record["year"])
    if key in existing:
        errors.append(_error(record, "title", f"The library already has this item: {existing[key]}."))
    country_areas = []
    for code in record["countries"]:
        if code in countries:
            country_areas.append(countries[code])
        else:
            errors.append(_error(record, "countries", f"Country {code} is not in the portal's areas."))
    language_rows = []
    for code in record["languages"]:
        if code in SPECIAL_LANGUAGES:
            continue
        if code in languages:
            language_rows.append(languages[code])
        else:
            errors.append(
                _error(
                    record,
                    "language",
                    f"Language '{code}' is not one of the portal's languages "
                    f"({', '.join(sorted(languages))}); add it to the directory's languages first.",
                )
            )
    issuer_id = None
    for name in record["issuers"]:
        matches = orgs.get(name.casefold(), set())
        if len(matches) == 1:
            issuer_id = next(iter(matches))
            break
    page = LibraryDocumentPage(
        title=record["title"],
        slug=_unique_slug(record["title"], taken, record.get("row")),
        locale=parent.locale,
        live=False,
        alternative_titles="\n".join(record["alternative_titles"]),
        document_type=record["document_type"],
        issuer_id=issuer_id,
        issuer_name=record["issuer_name"][:500],
        authors="\n".join(record["authors"]),
        year=record["year"],
        date=record["date"],
        source_url=record["url"],
        abstract=record["abstract"],
        legal_status=record.get("legal_status", ""),
        editor_notes="\n\n".join(filter(None, [record["notes"], f"Imported from {record['source']}."])),
    )
    topics = [topic.replace("-", " ") for topic in record["topics"]]
    return page, (country_areas, language_rows, topics), errors


def import_records(records, parent_page, dry_run=True, publish=False, user=None):
    result = ApplyResult(dry_run=dry_run)
    parent = parent_page.specific
    try:
        with transaction.atomic():
            children = LibraryDocumentPage.objects.child_of(parent)
            lookups = (
                {a.key: a for a in Area.objects.countries()},
                {lang.code: lang for lang in Language.objects.all()},
                _organizations(),
                {(p.title.casefold(), p.document_type, p.year): p.url_path for p in children},
            )
            taken = set(parent.get_children().values_list("slug", flat=True))
            for record in records:
                page, (country_areas, language_rows, topics), errors = _build(record, parent, lookups, taken)
                if errors:
                    result.errors.extend(errors)
                    continue
                parent.add_child(instance=page)
                page.countries.set(country_areas)
                page.languages.set(language_rows)
                page.topics.set(topics)
                try:
                    page.full_clean()
                except ValidationError as exc:
                    for field_name, problems in exc.message_dict.items():
                        result.errors.extend(_error(record, field_name, problem) for problem in problems)
                    continue
                page.save()
                revision = page.save_revision(user=user, log_action=True)
                if publish:
                    revision.publish(user=user)
                result.created.append(
                    {
                        "row": record.get("row"),
                        "title": page.title,
                        "slug": page.slug,
                        "document_type": page.document_type,
                    }
                )
            if dry_run or result.errors:
                raise _Rollback
    except _Rollback:
        if result.errors and not dry_run:
            result.created = []  # rolled back: nothing was created
            logger.warning("library import refused: %s errors, nothing written", len(result.errors))
    if not dry_run and not result.errors:
        logger.info("library import: %s items created under %s", len(result.created), parent.url_path)
    return result
