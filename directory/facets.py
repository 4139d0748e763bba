"""The directory's facets and filters, counted on the search index's in-process bitmaps.

The directory is a view over `search`: its organizations and services are the index's
`organization` and `service` documents (directory/searchable.py), and every count is an AND and
a popcount of the database engine's snapshot (search/engines/snapshot.py), the same bitmaps the
search page counts with. No SQL per facet.

Two kinds of filters:
- organization level (country, province, text): bitmaps of organization documents;
- service level (type, group, language): one live service must meet them all, so they are
  applied to service documents, and the services left stand for their organizations (each
  service document links to its organization: the `_owner` link).

A facet value's count applies every *other* chosen filter plus that value. When the only
service-level condition of a count is that value itself, the organization document's own facet
(the union of its live services') answers it directly.

Only documents of the viewer's tiers count; the directory's documents hold public data only.
"""

import heapq
import re

from search import registry
from search.contract import Query
from search.engines import snapshot as snapshots
from search.engines.base import prepare, rarity
from search.engines.database import DatabaseEngine

ORG, SERVICE = "organization", "service"
ORG_FACETS = ("country", "province")
SERVICE_FACETS = ("type", "group", "language")


_NONZERO = re.compile(rb"[^\x00]+")
_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def _members(snap, bitmap):
    """`snap.members(bitmap)`, visiting only the runs of non-zero bytes: a facet value's few
    services among 25,000 entries cost their own number of steps, not the index's size."""
    out, offset, bits = [], snap.offset, _BITS
    for run in _NONZERO.finditer(snap.as_bytes(bitmap)):
        base = (run.start() << 3) + offset
        for byte in run.group():
            out.extend([base + bit for bit in bits[byte]])
            base += 8
    return out


def _owners_of(snap):
    """{service entry id: organization entry id}, derived once per snapshot version."""
    entry_of, owners = snap.entry_of, {}
    for pk, links in snap.links.items():
        org = entry_of.get((ORG, links.get("_owner")))
        if org is not None:
            owners[pk] = org
    return owners


def _loose_words(clause):
    """Clauses of the typed words of a synonym phrase clause, to match apart (None: the clause is
    no such phrase). Stop words inside a phrase ("victim of trafficking") are not required apart."""
    from search.planning import Clause
    from search.stopwords import STOPWORDS

    words = [w for w in (clause.alternatives[0] if clause.alternatives else ()) if w not in STOPWORDS]
    if len(words) < 2 or clause.prefix:
        return None
    return [Clause(w, [(w,)]) for w in words]


def _with_loose_phrases(engine, clauses, snap, base):
    """`engine._clause_matches` for `clauses`, where a synonym phrase ("legal aid" ->
    ជំនួយផ្លូវច្បាប់) also matches a record holding each of its typed words apart, as the words
    alone would have before they formed a phrase: "Aid for Legal Rights" has every word typed
    and stays listed. Such a record ranks at the field where all its words are (title, names,
    else body). The clauses and every phrase's words are matched in one SQL statement."""
    loose = [_loose_words(clause) for clause in clauses]
    answers = iter(engine._clause_matches_many([clauses, *[words for words in loose if words]], snap, base))
    out = []
    for (clause, weight, levels), words in zip(next(answers), loose, strict=True):
        if not words:
            out.append((clause, weight, levels))
            continue
        parts = next(answers)
        every = {"any": base, "title": base, "names": base}
        for _c, _w, part in parts:
            exact = part["any"] & ~part["near"]
            every["any"] &= exact
            every["title"] &= part.get("title", 0)
            every["names"] &= part.get("title", 0) | part.get("names", 0)
        loose_hits = every["any"] & ~levels["any"]
        if not loose_hits:
            out.append((clause, weight, levels))
            continue
        title = every["title"] & loose_hits
        names = every["names"] & loose_hits & ~title
        levels = dict(levels)
        levels["any"] = levels["any"] | loose_hits
        levels["title"] = levels.get("title", 0) | title
        levels["names"] = levels.get("names", 0) | names
        levels["body"] = levels.get("body", 0) | (loose_hits & ~title & ~names)
        out.append((clause, rarity(levels["any"].bit_count(), base.bit_count()), levels))
    return out


class _SortedOnDemand:
    """`sorted(pks, key=key)` as a sequence sorted only as far as it is read: a listing page
    reads the first page or few of thousands of matches (a partial sort, heapq.nsmallest). The
    keys end with the title rank, unique per entry, so the prefix is the full sort's."""

    def __init__(self, pks, key):
        self.pks, self.key = pks, key
        self.head, self.complete = [], False

    def __len__(self):
        return len(self.pks)

    def _first(self, n):
        if not self.complete and len(self.head) < n:
            if n * 4 >= len(self.pks):
                self.head, self.complete = sorted(self.pks, key=self.key), True
            else:
                self.head = heapq.nsmallest(n, self.pks, key=self.key)
        return self.head

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self.pks))
            if step < 0 or (index.start or 0) < 0 or (index.stop or 0) < 0:
                stop = len(self.pks)
            return self._first(stop)[index]
        position = index if index >= 0 else len(self.pks) + index
        if not 0 <= position < len(self.pks):
            raise IndexError(index)
        return self._first(position + 1)[position]

    def __iter__(self):
        return iter(self._first(len(self.pks)))


class Selection:
    """One listing's filters evaluated on the snapshot: organization bitmaps, counts, order."""

    def __init__(self, viewer, org_values, service_values, group_values, text=""):
        """`org_values` {facet: [values]} (OR within), `service_values` {facet: [values]} (OR
        within), `group_values` [keys] (AND: one service serves every chosen group)."""
        self.snap = snap = snapshots.get()
        tiers = registry.viewer_tiers(viewer)
        visible = snap.union_of(snap.tiers, tiers)
        self.all_orgs = visible & snap.kinds.get(ORG, 0)
        self.all_services = visible & snap.kinds.get(SERVICE, 0)
        self.owners = snap.derived("directory-owners", _owners_of)
        self._owner_cache = {}
        # One mask per active facet; for groups, one per chosen group (ANDed).
        self.org_masks = {
            name: snap.union_of(snap.values, [(name, v) for v in values])
            for name, values in org_values.items()
            if values
        }
        self.service_masks = {
            name: [snap.union_of(snap.values, [(name, v) for v in values])]
            for name, values in service_values.items()
            if values
        }
        if group_values:
            self.service_masks["group"] = [snap.values.get(("group", g), 0) for g in group_values]
        self.matches, self.partial, self.unmatched = [], False, []
        self.text = self.all_orgs
        self.text_entries = 0
        if text:
            self._match_text(viewer, text)

    # -- text -------------------------------------------------------------------------------
    def _match_text(self, viewer, text):
        """Organizations the search finds for `text` (an organization document, or one of its
        services: synonyms, spelling and the all-or-partial rule as on /search/)."""
        from search.engines import spelling

        engine = DatabaseEngine()
        snap = self.snap
        prepared = prepare(Query(text=text, kinds=[ORG, SERVICE], viewer=viewer))
        if not prepared.has_text:
            self.text = 0 if prepared.unsearchable else self.all_orgs
            return
        base = self.all_orgs | self.all_services
        spelling.expand(prepared, snap)
        self.matches = _with_loose_phrases(engine, prepared.clauses, snap, base)
        matched, partial = engine._mode(self.matches, base)
        self.text_entries = matched & base
        self.text = (matched & self.all_orgs) | self.owner_bitmap(matched & self.all_services)
        self.partial = partial and bool(self.text)
        if self.partial:
            self.unmatched = [
                clause.typed
                for clause, _w, levels in self.matches
                if not clause.optional and self.text_entries & ~levels["any"]
            ]

    # -- bitmaps ----------------------------------------------------------------------------
    def owner_bitmap(self, services):
        """Organizations (entry bitmap) of the services in `services`."""
        found = self._owner_cache.get(services)
        if found is None:
            owners = self.owners
            found = self.snap.bitmap_of(owners[pk] for pk in _members(self.snap, services) if pk in owners)
            self._owner_cache[services] = found
        return found

    def _owned_within(self, services, orgs):
        """The services of `services` whose organization is in `orgs` (entry bitmaps)."""
        snap, owners = self.snap, self.owners
        inside, contains = snap.as_bytes(orgs), snap.contains
        return snap.bitmap_of(
            pk for pk in _members(snap, services) if pk in owners and contains(inside, owners[pk])
        )

    def _service_constraint(self, exclude=None):
        masks = [m for name, group in self.service_masks.items() if name != exclude for m in group]
        return masks

    def org_level(self, exclude=None):
        selected = self.all_orgs & self.text
        for name, mask in self.org_masks.items():
            if name != exclude:
                selected &= mask
        return selected

    def organizations(self, exclude=None):
        """Organizations meeting every filter but `exclude`'s."""
        selected = self.org_level(exclude)
        masks = self._service_constraint(exclude)
        if masks:
            services = self.all_services
            for mask in masks:
                services &= mask
            selected &= self.owner_bitmap(services)
        return selected

    def services(self):
        """Service entries meeting the service-level filters, of organizations meeting all."""
        services = self.all_services
        for mask in self._service_constraint():
            services &= mask
        return self._owned_within(services, self.organizations())

    # -- counts -----------------------------------------------------------------------------
    def org_counts(self, name):
        """{value: organizations} for an organization-level facet."""
        scope = self.organizations(exclude=name)
        values = self.snap.values
        out = {}
        for value in self.snap.fields.get(name, ()):
            count = (scope & values[(name, value)]).bit_count()
            if count:
                out[value] = count
        return out

    def service_counts(self, name):
        """{value: organizations} for a service-level facet: one service must meet the other
        service-level filters and this value (and, for groups, every chosen group)."""
        scope = self.org_level()
        masks = self._service_constraint(exclude=name)
        if name == "group":
            masks += self.service_masks.get("group", [])
        values = self.snap.values
        out = {}
        if masks:
            services = self.all_services
            for mask in masks:
                services &= mask
            # Only services of organizations in scope count: each value's count is then the
            # number of distinct owners of its services, with no bitmap built per value.
            services = self._owned_within(services, scope)
            owners, snap = self.owners, self.snap
            for value in self.snap.fields.get(name, ()):
                hit = services & values[(name, value)]
                if hit:
                    out[value] = len({owners[pk] for pk in _members(snap, hit)})
        else:
            # Organization documents carry the union of their live services' values.
            for value in self.snap.fields.get(name, ()):
                count = (scope & values[(name, value)]).bit_count()
                if count:
                    out[value] = count
        return out

    # -- order ------------------------------------------------------------------------------
    def by_title(self, selected):
        rank = self.snap.title_rank
        return sorted(self.snap.members(selected), key=lambda pk: rank.get(pk, 0))

    def by_relevance(self, selected, name_ranks):
        """Organizations by: a name that is what was typed (0) or starts with it (1), else 2;
        then the best score of the organization or one of its matched services; then title."""
        snap = self.snap
        default, special = DatabaseEngine._scores(snap, self.matches, self.text_entries, self.partial)
        # An organization ranks where its best hit (itself or a service) ranks on /search/:
        # by score, then by that hit's title.
        best = {}
        owners, rank = self.owners, snap.title_rank
        for pk in snap.members(self.text_entries):
            org = owners.get(pk, pk)
            key = (-special.get(pk, default), rank.get(pk, 0))
            if key < best.get(org, (1, 0)):
                best[org] = key
        return _SortedOnDemand(
            snap.members(selected),
            key=lambda pk: (name_ranks.get(pk, 2), best.get(pk, (1, 0)), rank.get(pk, 0)),
        )

    def name_candidates(self, selected):
        """Organizations whose title or names hold a typed word (only they can rank 0 or 1);
        every selected one when they are few (a synonym may match a name the planner split)."""
        if selected.bit_count() <= 200:
            return selected
        found = 0
        for _clause, _w, levels in self.matches:
            found |= levels.get("title", 0) | levels.get("names", 0)
        return found & selected

    def object_ids(self, pks):
        keys = self.snap.keys
        return [keys[pk][1] for pk in pks if pk in keys]
