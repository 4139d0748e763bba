"""The rows a directory listing page shows: its organizations, their live services, acronyms and
service types, in the interface language; three SQL statements per page, whatever its size.

A page shows 25 cards. Read as model instances (each organization with its country, area,
province and successor, then translations as instances again), their building and Django's
building and compiling of five to seven querysets cost more than the rest of reading the page
(issue 13: about 16 ms of a 20 ms page at 20,000 services); the SQL itself is a small part of
it. So the statements are written here once, with table and column names taken from the models,
every value a query parameter, and rows are kept as plain values (`ListedOrganization`,
`ListedService`):

1. the organizations, with their country's and province's names, their successor's name, slug
   and state, and, when the interface language has a content locale, the name and description
   of their live translation in it (LEFT JOIN: at most one per locale and translation key);
2. their live services by name, with the same translation columns;
3. their acronyms and their services' types together (UNION ALL), in the editor's order (the
   types by the ids of the services statement 2 read);
4. the phones of the organizations and of those services that the viewer's tiers may see (the
   card's call button and messaging links: `best_contact.best_reach`);
5. those services' weekly schedules (the card's "open now" and "closes at").

Phones are the only tiered data a card holds, and only those at the tiers given: the statement
asks for them by tier, so a phone above the viewer's tier is never read for the page. Emails,
contacts and locations never reach a card. A translation replaces a
name or description field by field with `translations.copy_translation`, as on every other page:
a blank translated field falls back to the original and marks the record untranslated, and so
does a record with no live translation.
"""

import datetime
import uuid
from functools import lru_cache
from types import SimpleNamespace

from django.db import connection
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.models import Locale

from . import opening
from .best_contact import best_reach
from .models import (
    Area,
    NameKind,
    Organization,
    OrganizationName,
    OrganizationPhone,
    OrganizationStatus,
    Schedule,
    Service,
    ServicePhone,
    ServiceTerm,
)
from .translations import copy_translation

_CLOSED = frozenset({OrganizationStatus.MERGED, OrganizationStatus.RENAMED, OrganizationStatus.CLOSED})


class _Shown:
    """A related record as a card shows it: its name, and for a successor its link and state."""

    __slots__ = ("name", "slug", "live")

    def __init__(self, name, slug="", live=False):
        self.name, self.slug, self.live = name, slug, live

    def get_absolute_url(self):
        return reverse("directory:organization", kwargs={"slug": self.slug})


class ListedOrganization:
    """A published organization as a listing card shows it: plain values, no model instance.
    `country` and `province` (None for an organization filed under no province) carry the name
    in the interface language, as `Area.name` gives it; `successor` its name, slug and state."""

    __slots__ = (
        "pk",
        "id",
        "translation_key",
        "slug",
        "name",
        "description",
        "org_type",
        "status",
        "is_demo",
        "country",
        "province",
        "successor_id",
        "successor",
        "matching_services",
        "listed_acronyms",
        "untranslated",
        "reach",
        "phones",
        "distance",
        "country_key",
        "hours",
    )

    @property
    def is_closed(self):
        return self.status in _CLOSED

    def get_absolute_url(self):
        return reverse("directory:organization", kwargs={"slug": self.slug})


class ListedService:
    """A live service as a listing shows it under its organization: plain values, no model
    instance (a page lists about a hundred)."""

    __slots__ = (
        "pk",
        "id",
        "organization_id",
        "translation_key",
        "name",
        "description",
        "listed_terms",
        "untranslated",
        "phones",
        "schedules",
        "status",
    )

    def __init__(self, pk, organization_id, translation_key, name, description):
        self.pk = self.id = pk
        self.organization_id = organization_id
        self.translation_key = translation_key
        self.name = name
        self.description = description
        self.listed_terms = []  # TaxonomyTerm, in the editor's order
        self.untranslated = False
        self.phones = []  # ServicePhone (unsaved copies) the viewer may see
        self.schedules = []  # Schedule (unsaved copies)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _col(alias, model, field):
    return f"{alias}.{connection.ops.quote_name(model._meta.get_field(field).column)}"


def _pk(alias, model):
    return f"{alias}.{connection.ops.quote_name(model._meta.pk.column)}"


def _in(n):
    return f"IN ({', '.join(['%s'] * n)})"


# The statements, built once per shape (number of values in the IN list, translated or not): the
# names of tables and columns come from the models; every value is a query parameter.


def _translation(alias, model):
    """(columns, joins) of the content locale of a language (alias l, one parameter) and the live
    translation in it (alias t, one parameter: True) of `alias`'s row; LEFT JOINs, so the row is
    there with or without them. The columns: the locale's id (NULL: no such locale, so nothing
    is translated, nor marked untranslated) and the translation's id (NULL: none live), name and
    description."""
    columns = [_pk("l", Locale), _pk("t", model), _col("t", model, "name"), _col("t", model, "description")]
    joins = (
        f"LEFT JOIN {_table(Locale)} l ON {_col('l', Locale, 'language_code')} = %s "
        f"LEFT JOIN {_table(model)} t ON {_col('t', model, 'translation_key')} = "
        f"{_col(alias, model, 'translation_key')} "
        f"AND {_col('t', model, 'locale')} = {_pk('l', Locale)} AND {_col('t', model, 'live')} = %s"
    )
    return columns, joins


@lru_cache(maxsize=64)
def _organizations_sql(vendor, n, translated):
    columns = [
        _pk("o", Organization),
        _col("o", Organization, "translation_key"),
        _col("o", Organization, "slug"),
        _col("o", Organization, "name"),
        _col("o", Organization, "description"),
        _col("o", Organization, "org_type"),
        _col("o", Organization, "status"),
        _col("o", Organization, "is_demo"),
        _col("c", Area, "name_en"),
        _col("c", Area, "name_km"),
        _col("p", Area, "name_en"),
        _col("p", Area, "name_km"),
        _col("o", Organization, "successor"),
        _col("s", Organization, "name"),
        _col("s", Organization, "slug"),
        _col("s", Organization, "live"),
        _col("c", Area, "key"),
    ]
    joins = [
        f"INNER JOIN {_table(Area)} c ON {_pk('c', Area)} = {_col('o', Organization, 'country')}",
        f"LEFT JOIN {_table(Area)} a ON {_pk('a', Area)} = {_col('o', Organization, 'area')}",
        f"LEFT JOIN {_table(Area)} p ON {_pk('p', Area)} = {_col('a', Area, 'province')}",
        f"LEFT JOIN {_table(Organization)} s "
        f"ON {_pk('s', Organization)} = {_col('o', Organization, 'successor')}",
    ]
    if translated:
        more, join = _translation("o", Organization)
        columns += more
        joins.append(join)
    return (
        f"SELECT {', '.join(columns)} FROM {_table(Organization)} o {' '.join(joins)} "  # noqa: S608
        f"WHERE {_col('o', Organization, 'live')} = %s AND {_col('o', Organization, 'locale')} = %s "
        f"AND {_col('o', Organization, 'translation_key')} {_in(n)}"
    )


@lru_cache(maxsize=64)
def _services_sql(vendor, n, translated):
    columns = [
        _pk("s", Service),
        _col("s", Service, "organization"),
        _col("s", Service, "translation_key"),
        _col("s", Service, "name"),
        _col("s", Service, "description"),
        _col("s", Service, "status"),
    ]
    joins = ""
    if translated:
        more, joins = _translation("s", Service)
        columns += more
    return (
        f"SELECT {', '.join(columns)} FROM {_table(Service)} s {joins} "  # noqa: S608
        f"WHERE {_col('s', Service, 'live')} = %s AND {_col('s', Service, 'organization')} {_in(n)} "
        f"ORDER BY {_col('s', Service, 'name')}, {_pk('s', Service)}"
    )


@lru_cache(maxsize=64)
def _names_and_types_sql(vendor, n, services):
    """Acronyms (tag 0: organization, name) of `n` organizations and the types (tag 1: service,
    term) of `services` services (the live ones statement 2 read), each with its sort order and
    id. The types are asked by service id, not through a join to the services: PostgreSQL's
    planner answered the join with a hash of all 20,000 type rows (2 ms) instead of the index."""
    sql = (
        f"SELECT 0, {_col('n', OrganizationName, 'organization')}, 0, "  # noqa: S608
        f"{_col('n', OrganizationName, 'name')}, {_col('n', OrganizationName, 'sort_order')}, "
        f"{_pk('n', OrganizationName)} FROM {_table(OrganizationName)} n "
        f"WHERE {_col('n', OrganizationName, 'organization')} {_in(n)} "
        f"AND {_col('n', OrganizationName, 'kind')} = %s"
    )
    if services:
        sql += (
            f" UNION ALL SELECT 1, {_col('st', ServiceTerm, 'service')}, "  # noqa: S608
            f"{_col('st', ServiceTerm, 'term')}, '', {_col('st', ServiceTerm, 'sort_order')}, "
            f"{_pk('st', ServiceTerm)} FROM {_table(ServiceTerm)} st "
            f"WHERE {_col('st', ServiceTerm, 'service')} {_in(services)}"
        )
    return sql


def _key_param(key):
    """A translation key (a string) as the database takes it."""
    return _TRANSLATION_KEY.get_db_prep_value(uuid.UUID(key), connection)


def _key(value):
    """A translation key read from the database (a UUID, or 32 hex digits in SQLite) as the
    search index names it (the hyphenated string)."""
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def _translate(record, row):
    """Name and description from a translation's columns (`_translation`; none: the default
    locale's language), by `translations.copy_translation`'s rule."""
    record.untranslated = False
    if not row or row[0] is None:  # the default locale's language, or one without content
        return
    _locale, t_id, t_name, t_description = row
    source = None if t_id is None else SimpleNamespace(name=t_name, description=t_description)
    copy_translation(source, record, ("name", "description"))


def organizations(locale_id, keys, language=None, terms=None, tiers=("public",)):
    """The published organizations of `locale_id` among `keys` (translation keys, as strings),
    in that order, as `ListedOrganization`s with their live services (`matching_services`, by
    name), acronyms (`listed_acronyms`) and each service's types (`listed_terms`: TaxonomyTerm
    from `terms(ids)`, a {pk: term} map holding the ids given; a term it lacks is left out).
    With `language` (a content language other than the default's), names and descriptions are
    those of the live translations in its locale where they exist. `tiers`: the visibility tiers
    whose phones the cards may show (`visibility.allowed_tiers` of the viewer's)."""
    if not keys:
        return []
    khmer = (get_language() or "en").startswith("km")
    translated = language is not None
    params = [language, True] if translated else []
    params += [True, locale_id, *(_key_param(key) for key in keys)]
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(_organizations_sql(connection.vendor, len(keys), translated), params)
        for row in cursor.fetchall():
            org = ListedOrganization()
            org.pk = org.id = row[0]
            org.translation_key = _key(row[1])
            org.slug, org.name, org.description, org.org_type, org.status = row[2:7]
            org.is_demo = bool(row[7])
            org.country = _Shown(row[9] if khmer and row[9] else row[8])
            org.province = None if row[10] is None else _Shown(row[11] if khmer and row[11] else row[10])
            org.successor_id = row[12]
            org.successor = None if row[12] is None else _Shown(row[13], row[14], bool(row[15]))
            org.matching_services, org.listed_acronyms, org.phones = [], [], []
            org.distance = None
            org.country_key = row[16]
            _translate(org, row[17:])
            found[org.translation_key] = org
    page = [found[key] for key in keys if key in found]
    if page:
        _attach(page, language, terms, tiers)
    return page


def _attach(orgs, language, terms, tiers):
    """Services (statement 2), then acronyms and service types (statement 3)."""
    by_pk = {org.pk: org for org in orgs}
    translated = language is not None
    params = [language, True] if translated else []
    params += [True, *by_pk]
    services = {}
    with connection.cursor() as cursor:
        cursor.execute(_services_sql(connection.vendor, len(by_pk), translated), params)
        for row in cursor.fetchall():
            service = ListedService(row[0], row[1], _key(row[2]), row[3], row[4])
            service.status = row[5]
            _translate(service, row[6:])
            services[service.pk] = service
            by_pk[service.organization_id].matching_services.append(service)
        cursor.execute(
            _names_and_types_sql(connection.vendor, len(by_pk), len(services)),
            [*by_pk, NameKind.ACRONYM.value, *services],
        )
        rows = cursor.fetchall()
        _attach_phones(cursor, by_pk, services, list(tiers))
        _attach_schedules(cursor, services)
    _attach_hours(orgs)
    # The editor's order (Orderable.sort_order; a row without one last), then the row's id.
    rows.sort(key=lambda row: (row[4] is None, row[4] or 0, row[5]))
    term_ids = {row[2] for row in rows if row[0] == 1}
    by_id = terms(term_ids) if term_ids and terms is not None else {}
    for tag, owner, term_id, name, _order, _id in rows:
        if tag == 0:
            by_pk[owner].listed_acronyms.append(name)
        elif owner in services and term_id in by_id:
            services[owner].listed_terms.append(by_id[term_id])


def _attach_phones(cursor, orgs, services, tiers):
    """Statement 4: the phones at `tiers` of the organizations and services, with a number; each
    organization's `reach` is then the best of its own and its services' phones."""
    if tiers:
        params = [*tiers, *orgs] + ([*tiers, *services] if services else [])
        cursor.execute(_phones_sql(connection.vendor, len(orgs), len(services), len(tiers)), params)
        for row in cursor.fetchall():
            tag, owner = row[0], row[1]
            model = OrganizationPhone if tag == 0 else ServicePhone
            phone = model(
                pk=row[2],
                number=row[3],
                country=row[4],
                extension=row[5],
                channel=row[6],
                hours=row[7],
                verified_on=_date(row[8]),
                sort_order=row[9],
                description=row[10],
                visibility=row[11],
            )
            (orgs[owner] if tag == 0 else services[owner]).phones.append(phone)
    for org in orgs.values():
        org.phones.sort(key=lambda p: (p.sort_order is None, p.sort_order or 0, p.pk))
        own = org.phones + [p for s in org.matching_services for p in s.phones]
        org.reach = best_reach(own)


def _attach_schedules(cursor, services):
    """Statement 5: the weekly schedules of the services (plain copies, for `opening`)."""
    if not services:
        return
    cursor.execute(_schedules_sql(connection.vendor, len(services)), list(services))
    for service_id, weekday, open_24h, opens_at, closes_at, sort_order, pk in cursor.fetchall():
        services[service_id].schedules.append(
            Schedule(
                pk=pk,
                service_id=service_id,
                weekday=weekday,
                open_24h=bool(open_24h),
                opens_at=_time(opens_at),
                closes_at=_time(closes_at),
                sort_order=sort_order,
            )
        )


def _attach_hours(orgs):
    """Each card's opening hours, now, from its active services' schedules in the office's
    zone (`opening`): open 24/7 if one service is, else open now (and until when) if one is,
    else when the first one opens next; none for a closed organization or without hours."""
    now = opening._now()
    for org in orgs:
        org.hours = None
        if org.status in opening.CLOSED_ORGANIZATION_STATUSES:
            continue
        zone = opening.zone_for(org.country_key)
        best = None
        for service in org.matching_services:
            if service.status != "active" or not service.schedules:
                continue
            status = opening.hours_status(service.schedules, now, zone)
            rank = 0 if status.always else 1 if status.open_now else 2 if status.known else 3
            if rank < 3 and (best is None or rank < best[0]):
                best = (rank, status)
        org.hours = best[1] if best else None


def _date(value):
    """A date column as SQLite (text) or PostgreSQL (date) gives it."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _time(value):
    return datetime.time.fromisoformat(value) if isinstance(value, str) else value


_PHONE_COLUMNS = (
    "number",
    "country",
    "extension",
    "channel",
    "hours",
    "verified_on",
    "sort_order",
    "description",
    "visibility",
)


@lru_cache(maxsize=64)
def _phones_sql(vendor, n, services, tiers):
    def part(tag, model, owner, count):
        columns = ", ".join(_col("ph", model, f) for f in _PHONE_COLUMNS)
        return (
            f"SELECT {tag}, {_col('ph', model, owner)}, {_pk('ph', model)}, {columns} "  # noqa: S608
            f"FROM {_table(model)} ph WHERE {_col('ph', model, 'number')} <> '' "
            f"AND {_col('ph', model, 'visibility')} {_in(tiers)} AND {_col('ph', model, owner)} {_in(count)}"
        )

    sql = part(0, OrganizationPhone, "organization", n)
    if services:
        sql += " UNION ALL " + part(1, ServicePhone, "service", services)
    return sql


@lru_cache(maxsize=64)
def _schedules_sql(vendor, services):
    columns = ", ".join(
        _col("sc", Schedule, f)
        for f in ("service", "weekday", "open_24h", "opens_at", "closes_at", "sort_order")
    )
    return (
        f"SELECT {columns}, {_pk('sc', Schedule)} FROM {_table(Schedule)} sc "  # noqa: S608
        f"WHERE {_col('sc', Schedule, 'service')} {_in(services)}"
    )


_TRANSLATION_KEY = Organization._meta.get_field("translation_key")
