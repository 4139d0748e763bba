"""An in-process snapshot of the database index's facets, as bitmaps (Python ints).

Counting facets in SQL means visiting every facet row of every matching document: ~20 rows per
document, so a common word matching 10,000 documents costs 200,000 row visits (about 100 ms on
SQLite). Search engines keep per-value posting lists instead; this is the same idea: one bitmap
per facet value, per tier and per kind, over the entry ids. Filtering is AND/OR of bitmaps and a
facet count is one AND and a popcount, so every query costs little more than its full-text MATCH.

Every write stores a new random token in `search_indexstate`, and each search compares it (one
primary-key read). A random token rather than a counter, because a rolled-back write must never
make an old snapshot look current. When it changed, the snapshot applies the writes since it
was built from `search_indexchange` (the entries and vocabulary words each write touched,
logged in the same transaction, with the token it set, so a snapshot that saw a write later
rolled back notices and reads afresh): re-reading a published record's rows costs about a
millisecond, where re-reading 25,000 documents cost 0.4 s. The log is in the database, so every
process (gunicorn worker) catches up the same way whichever one wrote. A rebuild, a write that
left no log (a migration), or a process further behind than the log keeps reads everything.

Memory (bench/memory.py): a build streams the rows (a server-side cursor on PostgreSQL) and sets
each facet value's bits in a bytearray as they pass, so its peak is about the bitmaps themselves,
not a million row tuples; strings repeated across rows (kinds, tiers, fields, dates, words) are
kept once, and entries with the same links share one dict.
"""

import bisect
import threading
from array import array
from collections import defaultdict
from itertools import compress, repeat
from operator import setitem, sub

from django.db import connection

PATCH_LIMIT = 500  # changed entries applied in place; more and the snapshot is built afresh
REMATCH_LIMIT = 200  # changed entries for which kept text matches are re-asked; more and they go

# `rematch(keys, pks)`: the ids among entries `pks` that each kept text match (statement,
# expression) of `keys` matches now, in one SQL statement (the database engine registers it:
# the statements are its own). Without it a patch lets the kept matches go.
_rematch = None

_lock = threading.RLock()  # held while a snapshot is built or patched
_snapshots = {}


def _rows(sql, params=None, chunk=5000):
    """The rows of `sql`, read `chunk` at a time: a server-side cursor on PostgreSQL (unless the
    settings disable them, e.g. behind a transaction pooler) and SQLite's stepping cursor, so a
    million facet rows never sit in memory at once (they set the worker's peak, and the memory
    freed after a peak stays resident)."""
    chunked = connection.features.can_use_chunked_reads and not connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )
    with connection.chunked_cursor() if chunked else connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")
_FLAG_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


class Snapshot:
    def __init__(self, token, last_change=0):
        self.token = token
        self.last_change = last_change or 0
        intern = {}.setdefault  # one string object per kind, tier, field, date and word
        # Entries: one pass, kept as columns (no row list, no per-entry key tuples but one).
        self.keys = {}  # entry id: (kind, object id)
        self.entry_of = {}  # (kind, object id): entry id
        self.titles = {}  # entry id: sort title
        self.dates = {}  # entry id: date as text ("" when none)
        by_tier, by_kind = {}, {}
        sql = "SELECT id, kind, tier, sort_title, date, object_id FROM search_indexentry"
        for pk, kind, tier, title, date, object_id in _rows(sql):
            kind, tier = intern(kind, kind), intern(tier, tier)
            key = (kind, object_id)
            self.keys[pk] = key
            self.entry_of[key] = pk
            self.titles[pk] = title
            date = str(date or "")
            self.dates[pk] = intern(date, date)
            by_tier.setdefault(tier, array("q")).append(pk)
            by_kind.setdefault(kind, array("q")).append(pk)
        self.offset = min(self.keys) if self.keys else 0
        self.size = (max(self.keys) - self.offset + 1) if self.keys else 1
        self.tiers = {k: self.bitmap_of(v) for k, v in by_tier.items()}
        self.kinds = {k: self.bitmap_of(v) for k, v in by_kind.items()}
        del by_tier, by_kind
        self.everything = 0
        for bitmap in self.tiers.values():
            self.everything |= bitmap
        # Facets: one bytearray per value, set bit by bit as the rows stream by.
        offset, size, width = self.offset, self.size, (self.size >> 3) + 1
        self.links = {}  # entry id: {field: value} of link fields ("_owner"), kept out of the bitmaps
        maps = {}
        for entry_id, field, value in _rows("SELECT entry_id, field, value FROM search_indexfacet"):
            if field.startswith("_"):
                self.links.setdefault(entry_id, {})[intern(field, field)] = intern(value, value)
                continue
            p = entry_id - offset
            if 0 <= p < size:
                key = (field, value)
                data = maps.get(key)
                if data is None:
                    data = maps[intern(field, field), value] = bytearray(width)
                data[p >> 3] |= 1 << (p & 7)
        # Entries with the same links share one (read-only) dict: services of one organization.
        shared = {}
        for entry_id, links in self.links.items():
            self.links[entry_id] = shared.setdefault(tuple(links.items()), links)
        del shared
        self.values = {}
        for key in list(maps):  # converted one by one: the peak is the bitmaps plus one
            self.values[key] = int.from_bytes(maps.pop(key), "little")
        self.fields = defaultdict(list)
        for field, value in self.values:
            self.fields[field].append(value)
        # The spelling vocabulary per tier: a viewer's corrections come only from their tiers.
        words = defaultdict(set)
        for term, tier in _rows("SELECT term, tier FROM search_indexterm"):
            words[intern(tier, tier)].add(intern(term, term))
        self.vocabulary = {tier: frozenset(terms) for tier, terms in words.items()}
        del words, intern
        self._vocabularies = {}
        self.cache = {}  # derived per tier combination (spelling buckets, neighbours)
        # Text matches asked of the database ({(statement, expression): bitmap of every entry
        # matched}, kept by the database engine with `keep_matches`); every patch re-asks them
        # for the changed entries only (`_patch_matches`).
        self.matches = {}
        self.generation = 0  # patches applied so far
        # Orders for browsing without text: by title, and by date (newest first). Title ties go
        # by kind and id, as in Elasticsearch (never by row id, which differs between indexes).
        self.by_title = sorted(self.keys, key=self._title_key)
        self.by_date = sorted(self.keys, key=self._date_key, reverse=True)
        self.title_rank = {pk: i for i, pk in enumerate(self.by_title)}

    def _title_key(self, pk):
        return (self.titles[pk], *self.keys[pk])

    def _date_key(self, pk):
        return (self.dates[pk], self.titles[pk])

    # -- incremental changes ----------------------------------------------------------------
    def patch(self, pks, words):
        """Apply the current rows of entries `pks` (new, changed or gone) and the current
        vocabulary rows of `words` (None: every word) in place."""
        self.generation += 1
        pks = sorted(set(pks))
        if pks:
            self._patch_entries(pks)
            self._patch_matches(pks)
        if words is None or words:
            self._patch_words(words)

    def _patch_entries(self, pks):
        marks = ", ".join(["%s"] * len(pks))  # placeholders only: the ids are parameters
        with connection.cursor() as cursor:
            columns = "id, kind, tier, sort_title, date, object_id"
            cursor.execute(f"SELECT {columns} FROM search_indexentry WHERE id IN ({marks})", pks)  # noqa: S608
            entries = cursor.fetchall()
            cursor.execute(
                f"SELECT entry_id, field, value FROM search_indexfacet WHERE entry_id IN ({marks})",  # noqa: S608
                pks,
            )
            facets = cursor.fetchall()
        top = max(pks) - self.offset + 1
        if top > self.size:
            self.size = top
        gone = ~self.bitmap_of(pks)
        for mapping in (self.tiers, self.kinds, self.values):
            for key in mapping:
                mapping[key] &= gone
        self.everything &= gone
        for pk in pks:
            key = self.keys.pop(pk, None)
            if key is not None:
                self.entry_of.pop(key, None)
            if self.titles.pop(pk, None) is not None:
                self.by_title.remove(pk)
                self.by_date.remove(pk)
                self.dates.pop(pk, None)
        offset = self.offset
        for pk, kind, tier, title, date, object_id in entries:
            bit = 1 << (pk - offset)
            self.tiers[tier] = self.tiers.get(tier, 0) | bit
            self.kinds[kind] = self.kinds.get(kind, 0) | bit
            self.everything |= bit
            self.keys[pk] = (kind, object_id)
            self.entry_of[(kind, object_id)] = pk
            self.titles[pk] = title
            self.dates[pk] = str(date or "")
            position = bisect.bisect(self.by_title, self._title_key(pk), key=self._title_key)
            self.by_title.insert(position, pk)
            # by_date runs newest first: search the reversed key order.
            lo, hi, wanted = 0, len(self.by_date), self._date_key(pk)
            while lo < hi:
                mid = (lo + hi) // 2
                if self._date_key(self.by_date[mid]) > wanted:
                    lo = mid + 1
                else:
                    hi = mid
            self.by_date.insert(lo, pk)
        for pk in pks:
            self.links.pop(pk, None)
        for entry_id, field, value in facets:
            if field.startswith("_"):
                self.links.setdefault(entry_id, {})[field] = value
                continue
            key = (field, value)
            if key not in self.values:
                self.values[key] = 0
                self.fields[field].append(value)
            self.values[key] |= 1 << (entry_id - offset)
        self.title_rank = {pk: i for i, pk in enumerate(self.by_title)}
        # Per-snapshot data of other apps (see `derived`): brought up to date in place where its
        # owner knows how (a publish then costs what it changed), else dropped and built afresh.
        store = self.cache.get("derived", {})
        for name, (value, update) in list(store.items()):
            if update is None or not update(self, value, pks):
                del store[name]

    def _patch_matches(self, pks):
        """Bring the kept text matches up to date for the changed entries `pks`: each is asked
        again among those entries only (one SQL statement for them all, on the changed entries'
        text alone: see the dialects' `restrict_to`; asking a common word afresh reads its
        thousands of ids), and its bits for `pks` replaced; an entry gone matches nothing. The
        first search after a publish then asks the database only for words not kept."""
        kept = list(self.matches.items())  # a copy: searches on other threads may add to it
        if not kept:
            return
        if _rematch is None or len(pks) > REMATCH_LIMIT:
            self.matches.clear()
            return
        found = _rematch([key for key, _bitmap in kept], pks)
        changed = self.bitmap_of(pks)
        unchanged = ~changed
        for (key, bitmap), ids in zip(kept, found, strict=True):
            self.matches[key] = (bitmap & unchanged) | (self.bitmap_of(ids) & changed)

    def keep_matches(self, generation, found, limit):
        """Keep the text matches `found` ({key: bitmap}) asked while the snapshot was at
        `generation`, at most `limit` in all. Dropped when a patch came in between (another
        thread's request applied a publish while these were asked): the patch re-asked only
        the matches kept then, so these may not hold its changes. Checked and kept under the
        lock patches hold."""
        with _lock:
            if generation != self.generation:
                return
            if len(self.matches) + len(found) > limit:
                self.matches.clear()
            self.matches.update(found)

    def _patch_words(self, words):
        with connection.cursor() as cursor:
            if words is None:
                cursor.execute("SELECT term, tier FROM search_indexterm")
                rows = cursor.fetchall()
            else:
                rows = []
                words = sorted(words)
                for start in range(0, len(words), 500):
                    chunk = words[start : start + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"SELECT term, tier FROM search_indexterm WHERE term IN ({marks})", chunk)  # noqa: S608
                    rows += cursor.fetchall()
        found = defaultdict(set)
        for term, tier in rows:
            found[tier].add(term)
        changed = False
        for tier in set(self.vocabulary) | set(found):
            old = self.vocabulary.get(tier, frozenset())
            new = found[tier] if words is None else (old - set(words)) | found[tier]
            if new != old:
                self.vocabulary[tier] = frozenset(new)
                changed = True
        if changed:  # spelling's buckets and neighbours come from the vocabulary
            self._vocabularies.clear()
            derived = self.cache.get("derived")
            self.cache.clear()
            if derived is not None:  # other apps' data follows the entries, not the vocabulary
                self.cache["derived"] = derived

    def derived(self, name, build, update=None):
        """Data another module derives from this snapshot (e.g. the directory's service owners),
        built once by `build(snapshot)`. When entries change, `update(snapshot, value, pks)` brings
        it up to date in place for the changed entry ids `pks` (after the snapshot has applied
        them) and returns True; without `update`, or when it returns False, the data is dropped
        and built afresh on next use."""
        store = self.cache.setdefault("derived", {})
        if name not in store:
            store[name] = (build(self), update)
        return store[name][0]

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
        """The bitmap of entry ids `pks` (ids outside the snapshot are left out). Many ids are set
        in C loops, one character per entry: each id's "1" goes into a string of "0"s read as
        a binary number (no Python step per id)."""
        if not isinstance(pks, list | tuple | set | dict):
            pks = list(pks)
        offset, size = self.offset, self.size
        if len(pks) >= 256:
            top = offset + size - 1
            if min(pks) >= offset and max(pks) <= top:
                digits = bytearray(b"0") * size  # the highest entry first, as int() reads them
                any(map(setitem, repeat(digits), map(sub, repeat(top), pks), repeat(49)))  # 49: "1"
                return int(digits, 2)
        data = bytearray((size >> 3) + 1)
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

    def members(self, bitmap):
        """The entry ids in `bitmap`, ascending. Read from its binary digits (lowest entry first):
        found one by one with `str.find` when few are set, else picked by `compress` from a 0/1
        byte per entry (C loops either way: no Python step per byte or per unset entry)."""
        if bitmap <= 0:
            return []
        digits = bin(bitmap)[:1:-1]
        offset = self.offset
        if bitmap.bit_count() * 8 < len(digits):
            out, find = [], digits.find
            position = find("1")
            while position >= 0:
                out.append(position + offset)
                position = find("1", position + 1)
            return out
        return list(compress(range(offset, offset + len(digits)), digits.encode().translate(_ZERO_ONE)))

    def flags(self, bitmap):
        """One byte per entry position (entry id - offset), 1 for the entries in `bitmap`, else 0,
        and a last 0 (position -1 reads "no"): `map(flags.__getitem__, positions)` selects
        with it in a C loop, and `from_flags` turns such bytes back into a bitmap."""
        digits = bin(bitmap)[:1:-1].encode().translate(_ZERO_ONE) if bitmap > 0 else b""
        return digits + bytes(max(0, self.size - len(digits)) + 1)

    @staticmethod
    def from_flags(flags):
        """The bitmap of 0/1 bytes per entry position (`flags`)."""
        return int(bytes(flags).translate(_FLAG_DIGITS)[::-1] or b"0", 2)

    def contains(self, bitmap_bytes, pk):
        p = pk - self.offset
        return 0 <= p < self.size and bool(bitmap_bytes[p >> 3] >> (p & 7) & 1)

    def as_bytes(self, bitmap):
        return bitmap.to_bytes((self.size >> 3) + 1, "little")


def register_rematch(rematch):
    """Set who re-asks kept text matches for changed entries (see `_rematch`)."""
    global _rematch
    _rematch = rematch


def current_state():
    """(token, ids of the last and of the first change-log row), read in one statement so they
    agree (both ends of the primary key: two index look-ups)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token, (SELECT MAX(id) FROM search_indexchange), "
            "(SELECT MIN(id) FROM search_indexchange) FROM search_indexstate WHERE id = 1"
        )
        row = cursor.fetchone()
    return (row[0], row[1] or 0, row[2] or 0) if row else ("", 0, 0)


def _catch_up(snapshot, token, last, first=0):
    """Apply the logged changes after `snapshot.last_change` up to `last`; False when the log
    cannot tell (a rebuild, a write without a log, or too many changes): build afresh.
    `first`, the oldest row kept: when rows the snapshot has not seen are gone (a rebuild
    clears the log, old rows are pruned), it is read afresh without reading the log."""
    seen = snapshot.last_change
    if last <= seen:
        return False  # the token moved without a logged change
    if first > seen + 1:
        return False
    with connection.cursor() as cursor:
        # From the last row the snapshot applied: it must still be there with the token the
        # snapshot holds. When it is not, the snapshot saw a write inside a transaction that
        # was then rolled back (its rows gone; on PostgreSQL the ids are not reused, on SQLite
        # another write's are), and only a fresh read forgets what that write did.
        cursor.execute(
            "SELECT id, entry_id, words, token FROM search_indexchange "
            "WHERE id >= %s AND id <= %s ORDER BY id LIMIT %s",
            [seen, last, PATCH_LIMIT + 2],
        )
        rows = cursor.fetchall()
    if seen:
        if not rows or rows[0][0] != seen or rows[0][3] != snapshot.token:
            return False
        rows = rows[1:]
    rows = [(entry_id, words) for _id, entry_id, words, _token in rows]
    if not rows or len(rows) > PATCH_LIMIT or any(entry_id is None for entry_id, _words in rows):
        return False
    words = set()
    for _entry_id, text in rows:
        if text == "*":
            words = None
            break
        words.update(text.split())
    snapshot.patch([entry_id for entry_id, _w in rows if entry_id], words)
    snapshot.token, snapshot.last_change = token, last
    return True


def get():
    """The snapshot of the current index: patched with the logged changes since it was read,
    or read afresh when the log cannot tell."""
    token, last, first = current_state()
    key = (connection.alias, connection.settings_dict.get("NAME"))
    snapshot = _snapshots.get(key)
    if snapshot is None or snapshot.token != token:
        with _lock:
            snapshot = _snapshots.get(key)
            if snapshot is None or snapshot.token != token:
                if snapshot is None or not _catch_up(snapshot, token, last, first):
                    # Let go of the old one first: a worker never holds two whole snapshots
                    # (bar the searches still running on the old one).
                    _snapshots.pop(key, None)
                    snapshot = None
                    snapshot = Snapshot(token, last)
                    _snapshots[key] = snapshot
    return snapshot
