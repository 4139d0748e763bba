"""An in-process snapshot of the database index's facets, as bitmaps (Python ints).

Counting facets in SQL means visiting every facet row of every matching document: ~20 rows per
document, so a common word matching 10,000 documents costs 200,000 row visits (about 100 ms on
SQLite). Search engines keep per-value posting lists instead; this is the same idea: one bitmap
per facet value, per tier and per kind, over the entry ids. Filtering is AND/OR of bitmaps and a
facet count is one AND and a popcount, so every query costs little more than its full-text MATCH.

The snapshot is rebuilt when the index changes: every write stores a new random token in
`search_indexstate`, and each search compares it (one primary-key read). A random token rather
than a counter, because a rolled-back write must never make an old snapshot look current.
"""

import threading
from collections import defaultdict

from django.db import connection

_lock = threading.Lock()
_snapshots = {}


_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def _bitmap(positions, size):
    data = bytearray((size >> 3) + 1)
    for p in positions:
        data[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(data, "little")


class Snapshot:
    def __init__(self, token):
        self.token = token
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, kind, tier, sort_title, date, object_id FROM search_indexentry")
            entries = cursor.fetchall()
            cursor.execute("SELECT entry_id, field, value FROM search_indexfacet")
            facets = cursor.fetchall()
            cursor.execute("SELECT term, tier FROM search_indexterm")
            words = defaultdict(set)
            for term, tier in cursor.fetchall():
                words[tier].add(term)
        # The spelling vocabulary per tier: a viewer's corrections come only from their tiers.
        self.vocabulary = {tier: frozenset(terms) for tier, terms in words.items()}
        self._vocabularies = {}
        self.cache = {}  # derived per tier combination (spelling buckets, neighbours)
        ids = [row[0] for row in entries]
        self.offset = min(ids) if ids else 0
        self.size = (max(ids) - self.offset + 1) if ids else 1
        offset = self.offset
        by_tier, by_kind, by_value = defaultdict(list), defaultdict(list), defaultdict(list)
        for pk, kind, tier, _title, _date, _object_id in entries:
            by_tier[tier].append(pk - offset)
            by_kind[kind].append(pk - offset)
        for entry_id, field, value in facets:
            by_value[(field, value)].append(entry_id - offset)
        self.tiers = {k: _bitmap(v, self.size) for k, v in by_tier.items()}
        self.kinds = {k: _bitmap(v, self.size) for k, v in by_kind.items()}
        self.values = {k: _bitmap(v, self.size) for k, v in by_value.items()}
        self.fields = defaultdict(list)
        for field, value in self.values:
            self.fields[field].append(value)
        # Orders for browsing without text: by title, and by date (newest first). Title ties go
        # by kind and id, as in Elasticsearch (never by row id, which differs between indexes).
        self.by_title = [row[0] for row in sorted(entries, key=lambda r: (r[3], r[1], r[5]))]
        self.by_date = [
            row[0] for row in sorted(entries, key=lambda r: (str(r[4] or ""), r[3]), reverse=True)
        ]
        self.title_rank = {pk: i for i, pk in enumerate(self.by_title)}
        self.everything = _bitmap([pk - offset for pk in ids], self.size)

    def vocabulary_for(self, tiers):
        """The words of documents in `tiers`: one frozenset per combination of tiers, built on
        first use (a lookup in it costs what a lookup in the whole vocabulary used to)."""
        key = tuple(sorted(tiers))
        found = self._vocabularies.get(key)
        if found is None:
            sets = [self.vocabulary[t] for t in key if t in self.vocabulary]
            found = sets[0] if len(sets) == 1 else frozenset().union(*sets)
            self._vocabularies[key] = found
        return found

    def bitmap_of(self, pks):
        data = bytearray((self.size >> 3) + 1)
        offset, size = self.offset, self.size
        for pk in pks:
            p = pk - offset
            if 0 <= p < size:
                data[p >> 3] |= 1 << (p & 7)
        return int.from_bytes(data, "little")

    def union_of(self, mapping, keys):
        out = 0
        for key in keys:
            out |= mapping.get(key, 0)
        return out

    def bitmap_of_rows(self, rows):
        """bitmap_of for SQL rows whose first column is an entry id (the hot path of a search:
        one loop without bounds checks, and the checked one only if an id is out of range,
        e.g. an entry added since this snapshot was built)."""
        data = bytearray((self.size >> 3) + 1)
        offset = self.offset
        try:
            for row in rows:
                p = row[0] - offset
                data[p >> 3] |= 1 << (p & 7)
            if rows and min(rows)[0] < offset:
                raise IndexError
        except IndexError:
            return self.bitmap_of(row[0] for row in rows)
        return int.from_bytes(data, "little")

    def members(self, bitmap):
        """The entry ids in `bitmap`, ascending (a scan of its bytes: cheap even when dense)."""
        out = []
        offset = self.offset
        for index, byte in enumerate(bitmap.to_bytes((self.size >> 3) + 1, "little")):
            if byte:
                base = (index << 3) + offset
                out.extend(base + bit for bit in _BITS[byte])
        return out

    def contains(self, bitmap_bytes, pk):
        p = pk - self.offset
        return 0 <= p < self.size and bool(bitmap_bytes[p >> 3] >> (p & 7) & 1)

    def as_bytes(self, bitmap):
        return bitmap.to_bytes((self.size >> 3) + 1, "little")


def current_token():
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM search_indexstate WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def get():
    """The snapshot of the current index (rebuilt at most once per index change)."""
    token = current_token()
    key = (connection.alias, connection.settings_dict.get("NAME"))
    snapshot = _snapshots.get(key)
    if snapshot is None or snapshot.token != token:
        with _lock:
            snapshot = _snapshots.get(key)
            if snapshot is None or snapshot.token != token:
                snapshot = Snapshot(token)
                _snapshots[key] = snapshot
    return snapshot
