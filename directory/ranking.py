"""The name part of the directory listing's relevance order when words are typed.

An organization ranks by, in order (`facets._RelevanceOrder` applies it):
1. its name, an acronym, alias or former name, or a live translation's name IS what was typed;
2. its name (or a translation's) starts with what was typed;
3. its best hit in the search snapshot, with the same text match and scores as /search/ (a
   service's hit counts for its organization);
4. the title order, A-Z.

This module holds 1 and 2: the names, folded as the index compares them, kept with the search
snapshot (`snapshot_name_ranks`).
"""

import uuid
from itertools import groupby
from operator import itemgetter

from django.db.models import IntegerField, Value

from search.text import token_string

from .models import Organization, OrganizationName


def _as_uuid(key):
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(key)
    except (TypeError, ValueError):
        return key


class _PublishedNames:
    """The names the relevance order compares (ranks 1 and 2 of this module's docstring),
    folded, of every organization published in `locale` in the search snapshot: {organization
    entry id: one string of its live versions' names, then its acronyms, aliases and former
    names (`_packed`: one object per organization, not a tuple and a set of strings)}. Derived once
    per snapshot (one statement) and kept up to date by its patches: a publish re-reads only the
    organizations it changed. Names change only by a publish, and a publish re-indexes the
    organization, so the patch that brings its new text brings its new names. (No cache of
    folded names beside them: it held every name twice more, 20 MB at 100,000 documents.)"""

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
        # In key order, streamed: one organization's names at a time (20,000 organizations'
        # rows at once set the worker's peak).
        rows = own.union(other, all=True).order_by("translation_key").iterator(chunk_size=2000)
        for key, group in groupby(rows, key=itemgetter(0)):
            names, others, published = [], [], False
            for _key, name, locale_id in group:
                if locale_id == -1:
                    others.append(token_string(name))
                    continue
                names.append(token_string(name))
                published = published or locale_id == self.locale.pk
            pk = snap.entry_of.get(("organization", str(key))) if published else None
            if pk is not None:
                self.names[pk] = _packed(names, others)

    def update(self, snap, pks):
        for pk in pks:
            self.names.pop(pk, None)
            if snap.keys.get(pk, ("",))[0] == "organization":
                self.pending.add(pk)
        return True

    def ranks(self, snap, text, pks):
        """{entry id: 0 or 1} of the organizations `pks`: 0 when a name, acronym, alias or former
        name is what was typed, 1 when a name starts with it; the others are left out."""
        typed = token_string(text)
        ranks = {}
        if not typed:
            return ranks
        if self.pending:
            pending, self.pending = self.pending, set()
            keys = [snap.keys[pk] for pk in pending if pk in snap.keys]
            self._read(snap, [_as_uuid(key) for kind, key in keys if kind == "organization"])
        exact, start, names = f"\n{typed}\n", f"\n{typed} ", self.names
        for pk in pks:
            found = names.get(pk)
            if found is None:
                continue
            if exact in found:
                ranks[pk] = 0
            elif found.find(start, 0, found.index("\0")) >= 0:  # an own name starts with it
                ranks[pk] = 1
        return ranks


def _packed(own, others):
    """An organization's folded names as one string: each name between newlines, its own names
    first, then a NUL, then its other names ("\nname\n\0\nacronym\nalias\n"). Folded names are
    words joined by spaces, so "\n" + typed + "\n" is found only as a whole name."""
    return (
        "".join(f"\n{name}" for name in sorted(set(own)))
        + "\n\0"
        + "".join(f"\n{name}" for name in sorted(set(others)))
        + "\n"
    )


def snapshot_name_ranks(snap, text, pks, locale):
    """{entry id: 0 or 1} (`_PublishedNames.ranks`) for the organization entries `pks` of the
    search snapshot `snap`, from its folded names (no SQL once they are read)."""
    names = snap.derived(
        f"directory-names-{locale.pk}",
        lambda snap: _PublishedNames(snap, locale),
        lambda snap, value, pks: value.update(snap, pks),
    )
    return names.ranks(snap, text, pks)
