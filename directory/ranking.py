"""Relevance order of the directory listing when words are typed.

An organization ranks by, in order:
1. its name, an acronym, alias or former name, or a live translation's name IS what was typed;
2. its name (or a translation's) starts with what was typed;
3. its place in the portal search (`search.api.run` over organizations and services: names,
   acronyms, parent organization and place outweigh descriptions; a service counts for its
   organization);
4. the name, A-Z (also for matches beyond the search's first page).
"""

import logging
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import IntegerField, Value

from search import api
from search.contract import MAX_PER_PAGE, Query
from search.partial import unmatched_tokens
from search.text import token_string

from .models import Organization, OrganizationName, Service

logger = logging.getLogger(__name__)

KINDS = ["organization", "service"]


@lru_cache(maxsize=50_000)
def _folded(name):
    """A name as the index compares it; names repeat on every request, ICU is not free."""
    return token_string(name)


@dataclass
class Ranking:
    keys: list = field(default_factory=list)  # organization translation keys, best first
    partial: bool = False  # no record holds every word: `keys` are the best partial matches
    unmatched: list = field(default_factory=list)  # the words the partial matches lack


def search_ranking(text, viewer=None, locale="en"):
    """The organizations the portal search ranks best for `text` (its first MAX_PER_PAGE hits;
    a service hit stands for its organization)."""
    try:
        result = api.run(Query(text=text, kinds=KINDS, per_page=MAX_PER_PAGE, viewer=viewer, locale=locale))
    except Exception:  # the listing still filters by text without the index; it just sorts A-Z
        logger.warning("Search unavailable for the directory's relevance order", exc_info=True)
        return Ranking()
    service_keys = [h.id for h in result.hits if h.kind == "service"]
    owner = {
        str(k): str(o)
        for k, o in Service.objects.filter(translation_key__in=service_keys, live=True).values_list(
            "translation_key", "organization__translation_key"
        )
    }
    keys = []
    for hit in result.hits:
        key = hit.id if hit.kind == "organization" else owner.get(hit.id)
        if key and key not in keys:
            keys.append(key)
    unmatched = unmatched_tokens(result)
    return Ranking(keys, bool(unmatched), unmatched)


def name_rank(text, orgs):
    """{organization pk: 0 (a name is what was typed), 1 (a name starts with it) or 2}."""
    typed = token_string(text)
    names = {o.pk: [o.name] for o in orgs}
    by_key = {o.translation_key: o.pk for o in orgs}
    for key, name in Organization.objects.filter(translation_key__in=by_key, live=True).values_list(
        "translation_key", "name"
    ):
        names[by_key[key]].append(name)
    others = {pk: [] for pk in names}
    for org_id, name in OrganizationName.objects.filter(organization_id__in=names).values_list(
        "organization_id", "name"
    ):
        others[org_id].append(name)
    ranks = {}
    for pk, own in names.items():
        folded = [_folded(n) for n in own]
        if typed and (typed in folded or typed in {_folded(n) for n in others[pk]}):
            ranks[pk] = 0
        elif typed and any(f.startswith(typed + " ") for f in folded):
            ranks[pk] = 1
        else:
            ranks[pk] = 2
    return ranks


def _as_uuid(key):
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(key)
    except (TypeError, ValueError):
        return key


def name_ranks(text, keys, locale):
    """{translation key: 0 or 1} of the published organizations (default `locale`) among `keys`
    whose name, a live translation's name, or an acronym, alias or former name IS what was typed
    (0), or whose name or a translation's starts with it (1); any other ranks 2 (left out). As
    `name_rank`, in one SQL statement whatever the number of organizations."""
    typed = token_string(text)
    # As UUIDs once: the two lookups below would each parse every key string again.
    keys = [_as_uuid(k) for k in keys]
    if not typed or not keys:
        return {}
    own = (
        Organization.objects.filter(live=True, translation_key__in=keys)
        .order_by()
        .values_list("translation_key", "name", "locale_id")
    )
    other = (
        OrganizationName.objects.filter(
            organization__live=True, organization__locale=locale, organization__translation_key__in=keys
        )
        .order_by()
        .values_list("organization__translation_key", "name", Value(-1, output_field=IntegerField()))
    )
    names, others, published = {}, {}, set()
    for key, name, locale_id in own.union(other, all=True):
        key = str(key)
        if locale_id == -1:
            others.setdefault(key, []).append(name)
            continue
        names.setdefault(key, []).append(name)
        if locale_id == locale.pk:
            published.add(key)
    ranks = {}
    for key in published:
        folded = [_folded(n) for n in names[key]]
        if typed in folded or typed in {_folded(n) for n in others.get(key, ())}:
            ranks[key] = 0
        elif any(f.startswith(typed + " ") for f in folded):
            ranks[key] = 1
    return ranks


class _PublishedNames:
    """The names `name_ranks` compares, folded, of every published organization in the search
    snapshot: {organization entry id: (its live versions' names, its acronyms, aliases and former
    names)}. Derived once per snapshot (one statement) and kept up to date by its patches: a
    publish re-reads only the organizations it changed. Names change only by a publish, and a
    publish re-indexes the organization, so the patch that brings its new text brings its new
    names."""

    def __init__(self, snap, locale):
        self.locale = locale
        self.names = {}
        self.pending = set()  # organizations changed since: read again when next asked
        self._read(snap, None)

    def _read(self, snap, keys):
        own = Organization.objects.filter(live=True).order_by()
        other = OrganizationName.objects.filter(organization__live=True, organization__locale=self.locale)
        if keys is not None:
            own = own.filter(translation_key__in=keys)
            other = other.filter(organization__translation_key__in=keys)
        own = own.values_list("translation_key", "name", "locale_id")
        other = other.order_by().values_list(
            "organization__translation_key", "name", Value(-1, output_field=IntegerField())
        )
        names, others, published = {}, {}, set()
        for key, name, locale_id in own.union(other, all=True):
            key = str(key)
            if locale_id == -1:
                others.setdefault(key, set()).add(_folded(name))
                continue
            names.setdefault(key, []).append(_folded(name))
            if locale_id == self.locale.pk:
                published.add(key)
        for key in published:
            pk = snap.entry_of.get(("organization", key))
            if pk is not None:
                self.names[pk] = (tuple(names[key]), frozenset(others.get(key, ())))

    def update(self, snap, pks):
        for pk in pks:
            self.names.pop(pk, None)
            if snap.keys.get(pk, ("",))[0] == "organization":
                self.pending.add(pk)
        return True

    def ranks(self, snap, text, pks):
        """{entry id: 0 or 1} of the organizations `pks` (as `name_ranks`)."""
        typed = token_string(text)
        ranks = {}
        if not typed:
            return ranks
        if self.pending:
            pending, self.pending = self.pending, set()
            keys = [snap.keys[pk] for pk in pending if pk in snap.keys]
            self._read(snap, [_as_uuid(key) for kind, key in keys if kind == "organization"])
        start, names = typed + " ", self.names
        for pk in pks:
            found = names.get(pk)
            if found is None:
                continue
            own, others = found
            if typed in own or typed in others:
                ranks[pk] = 0
            elif any(f.startswith(start) for f in own):
                ranks[pk] = 1
        return ranks


def snapshot_name_ranks(snap, text, pks, locale):
    """`name_ranks` for the organization entries `pks` of the search snapshot `snap`, from its
    folded names (no SQL once they are read): {entry id: 0 or 1}."""
    names = snap.derived(
        f"directory-names-{locale.pk}",
        lambda snap: _PublishedNames(snap, locale),
        lambda snap, value, pks: value.update(snap, pks),
    )
    return names.ranks(snap, text, pks)


def relevance_order(text, orgs, ranking):
    """`orgs` (organizations with pk, name and translation_key) in relevance order."""
    orgs = list(orgs)
    ranks = name_rank(text, orgs)
    position = {key: i for i, key in enumerate(ranking.keys)}
    last = len(position)
    return sorted(
        orgs,
        key=lambda o: (
            ranks[o.pk],
            position.get(str(o.translation_key), last),
            _folded(o.name),
            o.pk,
        ),
    )
