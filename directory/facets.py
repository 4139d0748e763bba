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
import weakref
from array import array
from bisect import bisect_left, bisect_right
from itertools import compress, repeat
from operator import add, lt, mul, ne, neg, sub

from search import registry
from search.contract import Query
from search.engines import snapshot as snapshots
from search.engines.base import prepare, rarity
from search.engines.database import DatabaseEngine

ORG, SERVICE = "organization", "service"


class _Directory:
    """What the listing needs of the snapshot besides its bitmaps: each service's organization
    (the `_owner` link), derived once per snapshot and kept up to date by its patches (a publish
    costs the entries it changed, not a rebuild). Compact, for it grows with the services (100,000
    documents: 80,000 services): a few flat arrays of ints instead of Python objects per
    service (bench/memory.py).

    - `owner`: array, per entry position (entry id - snapshot offset), the position of its
      organization, -1 for none (organizations, services whose organization has no entry);
    - `pair_orgs` / `pair_services`: the (organization, service) links sorted, as two parallel
      arrays: an organization's services are a bisected range of them;
    - `owned` / `owning`: bitmaps of the linked services and of the organizations with any.

    A service facet's values are not kept per service: the snapshot's bitmap per value answers
    them (`owner_counts`). Entries of every tier are here; each selection ANDs with what its
    viewer may see."""

    RESORT = 256  # links changed by one patch past which the pairs are sorted afresh

    def __init__(self, snap):
        self.offset = snap.offset
        self.owner = array("q", [-1]) * snap.size
        self.waiting = {}  # organization key: services whose organization has no entry (yet)
        self.waiting_key = {}
        for pk, links in snap.links.items():
            if snap.keys.get(pk, ("",))[0] == SERVICE and links.get("_owner"):
                org = self._organization(snap, pk, links["_owner"])
                if org is not None:
                    self.owner[pk - self.offset] = org - self.offset
        self._sort_pairs(snap)

    def _sort_pairs(self, snap):
        """The pairs, sorted afresh from `owner`, and the two bitmaps."""
        owner, offset = self.owner, self.offset
        services = [p + offset for p, org in enumerate(owner) if org >= 0]
        services.sort(key=lambda pk: owner[pk - offset])  # stable: by organization, then service
        self.pair_services = array("q", services)
        self.pair_orgs = array("q", [owner[pk - offset] + offset for pk in services])
        self.owned = snap.bitmap_of(services)
        self.owning = snap.bitmap_of(self.pair_orgs)

    def _organization(self, snap, pk, key):
        """The entry of organization `key` for service `pk`, or None: then `pk` waits for it."""
        org = snap.entry_of.get((ORG, key))
        if org is None:
            self.waiting.setdefault(key, set()).add(pk)
            self.waiting_key[pk] = key
        return org

    def _range(self, org):
        orgs = self.pair_orgs
        return bisect_left(orgs, org), bisect_right(orgs, org)

    def services_of(self, org):
        """The service entry ids of organization entry `org`, ascending."""
        lo, hi = self._range(org)
        return self.pair_services[lo:hi]

    def owner_of(self, pk):
        """The organization entry id of service entry `pk`; `pk` itself for any other entry."""
        p = pk - self.offset
        org = self.owner[p] if 0 <= p < len(self.owner) else -1
        return pk if org < 0 else org + self.offset

    def owners_of(self, pks):
        """`owner_of` of each entry id of `pks`, as a list, in C loops (no Python step per id)."""
        offset, owner = self.offset, self.owner
        positions = list(map(sub, pks, repeat(offset)))
        if positions and (min(positions) < 0 or max(positions) >= len(owner)):
            return list(map(self.owner_of, pks))
        found = list(map(owner.__getitem__, positions))
        # No owner (-1) reads as the entry itself: found + (found < 0) * (position + 1).
        itself = map(mul, map(lt, found, repeat(0)), map(add, positions, repeat(1)))
        return list(map(add, map(add, found, itself), repeat(offset)))

    def update(self, snap, pks):
        """Apply the changed entries `pks` (the snapshot has applied them already)."""
        owner, offset = self.owner, self.offset
        if len(owner) < snap.size:
            owner.extend(array("q", [-1]) * (snap.size - len(owner)))
        before = {}  # service entry: its organization's position before this patch (-1: none)

        def set_owner(service, org):  # org: an entry id, or -1
            p = service - offset
            before.setdefault(service, owner[p])
            owner[p] = org - offset if org >= 0 else -1

        orgs = []
        for pk in pks:
            if 0 <= pk - offset < len(owner) and owner[pk - offset] >= 0:
                set_owner(pk, -1)
            key = self.waiting_key.pop(pk, None)
            if key is not None:
                self.waiting[key].discard(pk)
            lo, hi = self._range(pk)
            if lo < hi:
                orgs.append(pk)
        for org in orgs:  # a changed organization's other services wait for its entry again
            for service in self.services_of(org):
                if owner[service - offset] == org - offset:
                    key = snap.links[service]["_owner"]
                    set_owner(service, -1)
                    self.waiting.setdefault(key, set()).add(service)
                    self.waiting_key[service] = key
        for pk in pks:
            kind, key = snap.keys.get(pk, ("", ""))
            if kind == SERVICE:
                links = snap.links.get(pk) or {}
                if links.get("_owner"):
                    org = self._organization(snap, pk, links["_owner"])
                    if org is not None:
                        set_owner(pk, org)
            elif kind == ORG:
                for service in self.waiting.pop(key, ()):
                    del self.waiting_key[service]
                    set_owner(service, pk)
        for key in [k for k, v in self.waiting.items() if not v]:
            del self.waiting[key]

        def entry(position):  # an organization's entry id from its position (-1: none)
            return position + offset if position >= 0 else -1

        # (service, old organization, new organization) of each link that changed
        moved = [
            (pk, entry(old), entry(owner[pk - offset]))
            for pk, old in before.items()
            if old != owner[pk - offset]
        ]
        if len(moved) > self.RESORT:
            self._sort_pairs(snap)
            return True
        services, orgs, touched = self.pair_services, self.pair_orgs, set()
        for service, old, new in moved:
            if old >= 0:
                lo, hi = self._range(old)
                i = lo + services[lo:hi].index(service)
                del services[i], orgs[i]
                touched.add(old)
            if new >= 0:
                lo, hi = self._range(new)
                i = bisect_left(services, service, lo, hi)
                services.insert(i, service)
                orgs.insert(i, new)
                touched.add(new)
        linked = [pk for pk, _old, new in moved if new >= 0]
        self.owned = (self.owned & ~snap.bitmap_of([pk for pk, *_ in moved])) | snap.bitmap_of(linked)
        owning = [org for org in touched if self.services_of(org)]
        self.owning = (self.owning & ~snap.bitmap_of(touched)) | snap.bitmap_of(owning)
        return True

    def _positions(self, snap, bitmap):
        """Entry positions of the entries in `bitmap` (C loops: no Python step per entry)."""
        return map(sub, snap.members(bitmap), repeat(self.offset))

    def owners(self, snap, services):
        """Organizations (entry bitmap) of the services in `services`."""
        orgs = set(map(self.owner.__getitem__, self._positions(snap, services & self.owned)))
        return snap.bitmap_of(list(map(add, orgs, repeat(self.offset))))

    def services_of_orgs(self, snap, orgs):
        """The services (entry bitmap) of the organizations in `orgs`: per organization when they
        are few, else one C loop over every entry's owner (-1, no owner, reads the last 0)."""
        orgs &= self.owning
        if orgs.bit_count() * 16 <= self.owning.bit_count():
            return snap.bitmap_of([pk for org in snap.members(orgs) for pk in self.services_of(org)])
        return snap.from_flags(bytes(map(snap.flags(orgs).__getitem__, self.owner)))

    def owner_counts(self, snap, services, name):
        """{value of facet `name`: distinct organizations of the services in `services` with it},
        from the snapshot's bitmap of each value (services only: the organizations' documents
        carry their services' values too)."""
        services &= self.owned
        out = {}
        if not services:
            return out
        values, owner = snap.values, self.owner.__getitem__
        for value in snap.fields.get(name, ()):
            found = services & values[(name, value)]
            if found:
                out[value] = len(set(map(owner, self._positions(snap, found))))
        return out


def _directory_of(snap):
    return snap.derived("directory", _Directory, lambda snap, value, pks: value.update(snap, pks))


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
        size = len(self)
        if isinstance(index, slice):
            start, stop, step = index.indices(size)
            if step < 0 or (index.start or 0) < 0 or (index.stop or 0) < 0:
                stop = size
            return self._first(stop)[index]
        position = index if index >= 0 else size + index
        if not 0 <= position < size:
            raise IndexError(index)
        return self._first(position + 1)[position]

    def __iter__(self):
        return iter(self._first(len(self)))


class _Produced(_SortedOnDemand):
    """A sequence of `total` items produced in order by a generator, only as far as it is read
    (the same reading rules as `_SortedOnDemand`)."""

    def __init__(self, total, produce):
        self.total = total
        self.head, self.complete = [], False
        self._stream = produce

    def __len__(self):
        return self.total

    def _first(self, n):
        head, stream = self.head, self._stream
        while len(head) < n and not self.complete:
            for item in stream:
                head.append(item)
                if len(head) >= n:
                    break
            else:
                self.complete = True
        return head


def _in_title_order(snap, selected, sorted_below=2000):
    """The entries of `selected` in title order: a sort when they are few, else a walk of the
    snapshot's title order that stops when the page is read (a few hundred steps for 25 of
    thousands)."""
    rank = snap.title_rank
    if selected.bit_count() <= sorted_below:
        yield from sorted(snap.members(selected), key=lambda pk: rank.get(pk, 0))
        return
    inside, contains = snap.as_bytes(selected), snap.contains
    for pk in snap.by_title:
        if contains(inside, pk):
            yield pk


class _RelevanceOrder(_Produced):
    """The listing's relevance order (`Selection.by_relevance`), produced only as far as it is
    read: the organizations whose name is what was typed or starts with it; then those whose
    best hit scores above the default, by that hit; then those whose best hit scores the default
    (most of them), met in their hits' title order; then the rest, by their best hit (or none).
    The same order as sorting every selected organization by (name rank, best hit, title).

    A hit's key is one int, `-score * width + title rank` (`width` exceeds every title rank):
    smaller is better, as the pair (-score, title rank) would be. `pks` and `keys` are the hits
    that do not score the default, `default` the key of a default-scoring hit ranked first.
    The hits above the default are walked best first, each organization met at its best hit,
    only as far as the page is read; an organization's best key is worked out per organization
    for the few named ones, and for all only if the reading goes past every hit."""

    def __init__(self, snap, directory, selected, name_ranks, pks, keys, default, plain, width):
        self.snap, self.directory, self.selected = snap, directory, selected
        self.name_ranks, self.default, self.plain = name_ranks, default, plain
        self.pks, self.keys = pks, keys
        self.none = width  # the key of an organization without a hit: after every hit
        super().__init__(selected.bit_count(), self._produce())

    def _best(self):
        """{organization: the key of its best hit (not scoring the default)}, for all."""
        keys, orgs = self.keys, self.directory.owners_of(self.pks)
        order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)  # worst first:
        # the dict keeps the last value given per organization, its best.
        return dict(zip(map(orgs.__getitem__, order), map(keys.__getitem__, order), strict=True))

    def _produce(self):
        snap, rank, default, none = self.snap, self.snap.title_rank, self.default, self.none
        chosen, contains = snap.as_bytes(self.selected), snap.contains
        plain, owner_of = snap.as_bytes(self.plain), self.directory.owner_of
        services_of = self.directory.services_of
        key_of = dict(zip(self.pks, self.keys, strict=True)).get if self.name_ranks else None

        def overall(org):  # the best hit of `org`, plain ones included
            hits = (org, *services_of(org))
            found = min((k for k in map(key_of, hits) if k is not None), default=none)
            ranks = [rank.get(pk, 0) for pk in hits if contains(plain, pk)]
            return min(found, default + min(ranks)) if ranks else found

        named = [pk for pk in self.name_ranks if contains(chosen, pk)]
        named.sort(key=lambda pk: (self.name_ranks[pk], overall(pk), rank.get(pk, 0)))
        done = set(named)
        yield from named
        # Hits above the default, best first (keys are unique: they hold a title rank).
        above = list(compress(range(len(self.keys)), map(lt, self.keys, repeat(default))))
        above.sort(key=self.keys.__getitem__)
        for org in self.directory.owners_of(list(map(self.pks.__getitem__, above))):
            if org not in done and contains(chosen, org):
                done.add(org)
                yield org
        # Plain hits in title order: each organization is met first at its best plain hit.
        for pk in _in_title_order(snap, self.plain, sorted_below=4000):
            org = owner_of(pk)
            if org not in done and contains(chosen, org):
                done.add(org)
                yield org
        rest = [org for org in snap.members(self.selected) if org not in done]
        if rest:
            best = self._best().get
            rest.sort(key=lambda org: (best(org, none), rank.get(org, 0)))
        yield from rest


_dynamic_bitmaps = {}  # (facet, value): (snapshot, its generation, keys, bitmap)


def _dynamic_bitmap(snap, name, value, keys):
    """The bitmap of the service entries of `keys`; kept while the snapshot and the keys (a
    frozenset that directory.opening replaces each minute) stay the same."""
    kept = _dynamic_bitmaps.get((name, value))
    if kept is not None and kept[0]() is snap and kept[1] == snap.generation and kept[2] is keys:
        return kept[3]
    entry_of = snap.entry_of
    bitmap = snap.bitmap_of([e for e in (entry_of.get((SERVICE, k)) for k in keys) if e is not None])
    # A weak reference: a snapshot replaced since is not kept alive by this.
    _dynamic_bitmaps[(name, value)] = (weakref.ref(snap), snap.generation, keys, bitmap)
    return bitmap


class Selection:
    """One listing's filters evaluated on the snapshot: organization bitmaps, counts, order."""

    def __init__(self, viewer, org_values, service_values, group_values, text="", dynamic=None):
        """`org_values` {facet: [values]} (OR within), `service_values` {facet: [values]} (OR
        within), `group_values` [keys] (AND: one service serves every chosen group).
        `dynamic` {facet: ({value: service keys} or a function of the snapshot's index state
        token giving it, [chosen values])}: a service-level facet whose values are not in the
        index because they change by themselves (open now: by the clock)."""
        self.snap = snap = snapshots.get()
        tiers = registry.viewer_tiers(viewer)
        visible = snap.union_of(snap.tiers, tiers)
        self.all_orgs = visible & snap.kinds.get(ORG, 0)
        self.all_services = visible & snap.kinds.get(SERVICE, 0)
        self.directory = _directory_of(snap)
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
        self.dynamic = {}
        for name, (members, chosen) in (dynamic or {}).items():
            if callable(members):  # given the index state the snapshot was read at
                members = members(snap.token)
            self.dynamic[name] = {
                value: _dynamic_bitmap(snap, name, value, keys) for value, keys in members.items()
            }
            if chosen:
                self.service_masks[name] = [self.all_services & snap.union_of(self.dynamic[name], chosen)]
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
            found = self._owner_cache[services] = self.directory.owners(self.snap, services)
        return found

    def _owned_within(self, services, orgs):
        """The services of `services` whose organization is in `orgs` (entry bitmaps)."""
        found = self._owner_cache.get(("services", orgs))
        if found is None:
            found = self._owner_cache["services", orgs] = self.directory.services_of_orgs(self.snap, orgs)
        return services & found

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
            # number of distinct owners of its services with that value.
            out = self.directory.owner_counts(self.snap, self._owned_within(services, scope), name)
        else:
            # Organization documents carry the union of their live services' values.
            for value in self.snap.fields.get(name, ()):
                count = (scope & values[(name, value)]).bit_count()
                if count:
                    out[value] = count
        return out

    def dynamic_counts(self, name):
        """{value: organizations} for a `dynamic` facet, by the rule of `service_counts`."""
        scope = self.org_level()
        services = self.all_services
        for mask in self._service_constraint(exclude=name):
            services &= mask
        out = {}
        for value, members in self.dynamic.get(name, {}).items():
            count = (self.owner_bitmap(services & members) & scope).bit_count()
            if count:
                out[value] = count
        return out

    # -- order ------------------------------------------------------------------------------
    def by_title(self, selected):
        return _Produced(selected.bit_count(), _in_title_order(self.snap, selected))

    def by_relevance(self, selected, name_ranks):
        """Organizations by: a name that is what was typed (0) or starts with it (1), else 2;
        then the best score of the organization or one of its matched services; then title."""
        snap = self.snap
        hits = self.text_entries
        if selected != self.text & self.all_orgs:
            # Filters left fewer organizations than the words found: only their own hits and
            # their services' hits can place them (a type filter leaves a third of them).
            hits &= selected | self._owned_within(self.all_services, selected)
        default, special = DatabaseEngine._scores(snap, self.matches, hits, self.partial)
        # An organization ranks where its best hit (itself or a service) ranks on /search/:
        # by score, then by that hit's title. Hits scoring the default (every required word in
        # the body: most hits of a common word) are many and tie on score, so their
        # organizations are met in title order as the page is read (`plain`); the others get a
        # key each here (see _RelevanceOrder), in C loops: a common word's thousands of hits
        # take no Python step each, and no organization's best is worked out until it is read.
        pks, scores = list(special), list(special.values())
        keep = list(map(ne, scores, repeat(default)))
        if not all(keep):
            pks, scores = list(compress(pks, keep)), list(compress(scores, keep))
        width = snap.size + 1
        ranks = map(snap.title_rank.get, pks, repeat(0))
        keys = list(map(add, map(mul, map(neg, scores), repeat(width)), ranks))
        plain = hits & ~snap.bitmap_of(pks) if -default < 1 else 0
        return _RelevanceOrder(
            snap, self.directory, selected, name_ranks, pks, keys, -default * width, plain, width
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
