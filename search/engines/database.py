"""The `database` engine: SQLite FTS5 locally, PostgreSQL full-text search in production.

Hits, totals and facet counts are SQL over three tables: `search_indexentry` (one row per
document, with its display data), `search_indexfacet` (field, value) and the full-text index
(`search_fts` or the `vector` column). Facet counts follow the usual faceted-search rule: a
value's count applies every other chosen filter, so choosing a province does not hide the
other provinces.
"""

import heapq
import itertools
import logging
import time
import uuid
from collections import Counter, defaultdict
from operator import itemgetter

from django.db import connection, transaction

from ..contract import Result
from ..models import IndexChange, IndexEntry, IndexFacet, IndexState, IndexTerm
from . import snapshot as snapshots
from . import spelling
from .base import (
    LEVELS,
    Engine,
    clause_points,
    document_subwords,
    document_tokens,
    drop_invisible_filters,
    empty_result,
    make_facets,
    make_hit,
    prepare,
    rarity,
    sort_title,
    suggestion_key,
    unmatched_words,
    vocabulary,
)
from .dialects import dialect_for

logger = logging.getLogger(__name__)

BATCH = 500
SUGGEST_CANDIDATES = 200  # names matching the typed prefix, re-ordered for autocomplete


LOG_KEPT = 2_000  # change-log rows kept; a snapshot further behind re-reads the whole index
LOG_WORDS = 2_000  # changed words listed per write; beyond this the snapshot re-reads them all
MATCHES_KEPT = 128  # text matches kept per snapshot (a bitmap each: 12 KB at 100,000 documents)
LEVELS_ASKED = ("exact", "near", "subwords", "title", "names")  # a clause's text matches


def _touch():
    """Mark the index as changed; returns the new token, which `_log` writes on the change's
    rows. Called first in each writing transaction: the row lock it takes orders the writers,
    so change-log ids (`_log`) follow commit order."""
    token = uuid.uuid4().hex
    IndexState.objects.update_or_create(pk=1, defaults={"token": token})
    return token


def _log(token, pks, words=None):
    """Record which entries (None: all of them) and vocabulary words a write changed, for the
    snapshots of every process to apply incrementally (engines/snapshot.py); every row carries
    the write's `token`."""
    changed = sorted({w for (w, _kind, _tier), n in (words or {}).items() if n})
    text = " ".join(changed) if len(changed) <= LOG_WORDS else "*"
    if pks is None:
        rows = [IndexChange(entry_id=None, words="*", token=token)]
    else:
        rows = [IndexChange(entry_id=pk, token=token) for pk in sorted(set(pks))] or [
            IndexChange(entry_id=0, token=token)
        ]
        rows[0].words = text
    IndexChange.objects.bulk_create(rows)
    last = IndexChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if pks is None:
        # Every snapshot must re-read the index after this marker: older rows have no use, and
        # with them gone a snapshot sees so from the log's first id without reading the log.
        # (The marker stays: ids never go back.)
        IndexChange.objects.filter(pk__lt=last).delete()
    elif last // LOG_KEPT != (last - len(rows)) // LOG_KEPT:
        # Old rows go; a marker tells a snapshot older than them to re-read everything.
        IndexChange.objects.filter(pk__lte=last - LOG_KEPT).delete()
        IndexChange.objects.create(entry_id=None, words="*", token=token)


def _count_words(counts, kind, tier, title, names, body, step=1):
    for word in vocabulary(title, names, body):
        counts[(word, kind, tier)] += step


def _words_of_entries(pks):
    """Counter of -1 per (word, kind, tier) of the entries `pks` as they are stored now."""
    counts = Counter()
    fields = ("kind", "tier", "title_tokens", "name_tokens", "body_tokens")
    for start in range(0, len(pks), BATCH):
        for kind, tier, t, n, b in IndexEntry.objects.filter(pk__in=pks[start : start + BATCH]).values_list(
            *fields
        ):
            _count_words(counts, kind, tier, t, n, b, step=-1)
    return counts


# Works on SQLite (3.24+) and PostgreSQL alike.
_ADD_TERMS = (
    "INSERT INTO search_indexterm (term, kind, tier, documents) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (term, kind, tier) DO UPDATE SET documents = search_indexterm.documents + excluded.documents"
)
_DROP_UNUSED_TERM = (
    "DELETE FROM search_indexterm WHERE term = %s AND kind = %s AND tier = %s AND documents <= 0"
)


def _apply_word_counts(cursor, counts):
    """Add the per-(word, kind, tier) document counts (negative for documents that left or
    changed), and drop the words no document of that kind and tier uses any more."""
    # In key order, so two writers touching the same words lock their rows in the same order.
    changed = sorted((w, k, t, n) for (w, k, t), n in counts.items() if n)
    if changed:
        cursor.executemany(_ADD_TERMS, changed)
        cursor.executemany(_DROP_UNUSED_TERM, [(w, k, t) for w, k, t, n in changed if n < 0])


def _matching_ids(dialect, keys, pks=None):
    """The entry ids each (statement, expression) of `keys` matches, asked in one SQL statement
    (a UNION ALL of the statements, tagged): a list of ids per key. With `pks` (sorted entry
    ids), only among those entries: the dialect's restricted form of each statement."""
    # Only integers and the dialect's constant statements are joined; every expression and
    # every id is a query parameter.
    parts, params = [], []
    for tag, (statement, expression) in enumerate(keys):
        inner = statement if pks is None else dialect.restricted_ids_sql(statement)
        parts.append(f"SELECT m.*, {tag} AS tag FROM ({inner}) m")  # noqa: S608
        # A tuple is the several parameters of one statement.
        params += expression if isinstance(expression, tuple) else [expression]
    with connection.cursor() as cursor:
        prefix, prefix_params = ("", []) if pks is None else dialect.restrict_to(cursor, pks)
        cursor.execute(prefix + " UNION ALL ".join(parts), prefix_params + params)
        rows = cursor.fetchall()
    # Grouped by tag in C loops (the rows come in tag order already; the stable sort only
    # checks that): a common word's thousands of ids take no Python step each.
    rows.sort(key=itemgetter(1))
    found = [[] for _ in keys]
    for tag, group in itertools.groupby(rows, itemgetter(1)):
        found[tag] = list(map(itemgetter(0), group))
    return found


def _rematch(keys, pks):
    return _matching_ids(dialect_for(connection), keys, pks)


# A patch brings the text matches its snapshot keeps up to date for the entries it changed.
snapshots.register_rematch(_rematch)


class DatabaseEngine(Engine):
    name = "database"

    @property
    def dialect(self):
        return dialect_for(connection)

    # -- writing ----------------------------------------------------------------------------
    def upsert(self, documents):
        documents = list(documents)
        if not documents:
            return 0
        dialect = self.dialect
        with transaction.atomic():
            token = _touch()
            existing = {}
            for kind in {d.kind for d in documents}:
                ids = [d.id for d in documents if d.kind == kind]
                for pk, object_id in IndexEntry.objects.filter(kind=kind, object_id__in=ids).values_list(
                    "pk", "object_id"
                ):
                    existing[(kind, object_id)] = pk
            # The vocabulary follows each document: its old words (and old tier) go, its new ones come.
            words = _words_of_entries(list(existing.values()))
            rows, facets = [], []
            for doc in documents:
                title, names, body = document_tokens(doc)
                fields = self._entry_fields(doc, title, names, body)
                pk = existing.get((doc.kind, doc.id))
                if pk:
                    IndexEntry.objects.filter(pk=pk).update(**fields)
                else:
                    pk = IndexEntry.objects.create(kind=doc.kind, object_id=doc.id, **fields).pk
                rows.append((pk, title, names, body, document_subwords(doc)))
                facets += self._facet_rows(pk, doc)
                _count_words(words, doc.kind, doc.tier, title, names, body)
            IndexFacet.objects.filter(entry_id__in=[r[0] for r in rows]).delete()
            IndexFacet.objects.bulk_create(facets, batch_size=BATCH)
            with connection.cursor() as cursor:
                _apply_word_counts(cursor, words)
                dialect.write(cursor, rows)
            _log(token, [r[0] for r in rows], words)
        return len(documents)

    @staticmethod
    def _entry_fields(doc, title, names, body):
        return {
            "tier": doc.tier,
            "title": doc.title[:500],
            "url": doc.url[:500],
            "sort_title": sort_title(doc.title),
            "date": doc.date,
            "display": doc.display,
            "title_tokens": title,
            "name_tokens": names,
            "body_tokens": body,
        }

    @staticmethod
    def _facet_rows(pk, doc):
        rows, seen = [IndexFacet(entry_id=pk, field="kind", value=doc.kind)], {("kind", doc.kind)}
        for name, values in doc.facets.items():
            for value in values:
                value = str(value)[:120]
                if value and (name, value) not in seen:
                    seen.add((name, value))
                    rows.append(IndexFacet(entry_id=pk, field=name, value=value))
        return rows

    def delete(self, kind, ids):
        ids = [str(i) for i in ids]
        with transaction.atomic():
            token = _touch()
            pks = list(IndexEntry.objects.filter(kind=kind, object_id__in=ids).values_list("pk", flat=True))
            words = _words_of_entries(pks)
            with connection.cursor() as cursor:
                _apply_word_counts(cursor, words)
                self.dialect.remove(cursor, pks)
            IndexEntry.objects.filter(pk__in=pks).delete()
            _log(token, pks, words)
        return len(pks)

    def rebuild(self, kind, documents):
        """Drop every entry of `kind` and index `documents` afresh, in one transaction (readers
        see the old index until it commits)."""
        count = 0
        with transaction.atomic():
            token = _touch()
            pks = list(IndexEntry.objects.filter(kind=kind).values_list("pk", flat=True))
            with connection.cursor() as cursor:
                for start in range(0, len(pks), BATCH):
                    self.dialect.remove(cursor, pks[start : start + BATCH])
            IndexEntry.objects.filter(kind=kind).delete()
            IndexTerm.objects.filter(kind=kind).delete()
            batch, words = [], Counter()
            for doc in documents:
                batch.append(doc)
                if len(batch) >= BATCH:
                    count += self._insert_batch(batch, words)
                    batch = []
            count += self._insert_batch(batch, words)
            IndexTerm.objects.bulk_create(
                [IndexTerm(term=w, kind=k, tier=t, documents=n) for (w, k, t), n in words.items()],
                batch_size=BATCH,
            )
            _log(token, None)
        return count

    def _insert_batch(self, documents, words):
        """Insert `documents` (all new); add their words to the Counter `words`."""
        if not documents:
            return 0
        prepared = [(doc, *document_tokens(doc)) for doc in documents]
        entries = IndexEntry.objects.bulk_create(
            [
                IndexEntry(kind=doc.kind, object_id=doc.id, **self._entry_fields(doc, t, n, b))
                for doc, t, n, b in prepared
            ]
        )
        if any(e.pk is None for e in entries):  # backends without RETURNING: look the ids up
            ids = dict(
                IndexEntry.objects.filter(
                    kind=documents[0].kind, object_id__in=[d.id for d in documents]
                ).values_list("object_id", "pk")
            )
            for entry in entries:
                entry.pk = ids[entry.object_id]
        facets, rows = [], []
        for entry, (doc, t, n, b) in zip(entries, prepared, strict=True):
            facets += self._facet_rows(entry.pk, doc)
            rows.append((entry.pk, t, n, b, document_subwords(doc)))
            _count_words(words, doc.kind, doc.tier, t, n, b)
        IndexFacet.objects.bulk_create(facets, batch_size=BATCH)
        with connection.cursor() as cursor:
            self.dialect.write(cursor, rows)
        return len(documents)

    # -- reading ----------------------------------------------------------------------------
    def _where(self, prepared):
        """SQL conditions on entry `e` for tiers and kinds (used by suggest)."""
        sql = [f"e.tier IN ({', '.join(['%s'] * len(prepared.tiers))})"]
        params = list(prepared.tiers)
        if prepared.kinds:
            sql.append(f"e.kind IN ({', '.join(['%s'] * len(prepared.kinds))})")
            params += prepared.kinds
        return " AND ".join(sql), params

    def _clause_matches(self, prepared, snap, visible):
        """Per clause, bitmaps (within `visible`) of where it matches: {"any", "title", "names",
        "body", "near"} (levels disjoint, best field wins), and its rarity weight."""
        return self._clause_matches_many([prepared.clauses], snap, visible)[0]

    def _clause_matches_many(self, clause_lists, snap, visible):
        """`_clause_matches` for several lists of clauses at once: one SQL statement for them
        all, whatever the number of words (a UNION ALL of cheap MATCHes, one per clause and
        field asked, ids only, no SQL ranking: FTS5 reads the same posting lists whichever field
        is asked, PostgreSQL asks each field's own GIN-indexed column)."""
        levels_asked = LEVELS_ASKED
        dialect = self.dialect
        tags = {}  # {(statement, expression): None}: the statements asked, in order

        def key(clause, level):
            expression = dialect.clause_expression(clause, level)
            return None if expression is None else (dialect.matching_ids_sql(level), expression)

        for clauses in clause_lists:
            for clause in clauses:
                for level in levels_asked:
                    k = key(clause, level)
                    if k is not None:
                        tags.setdefault(k, None)
        # A word's matches change only with the index, so each snapshot keeps those asked
        # (a common word's thousands of ids cost a PostgreSQL page 30 ms to read); only the
        # ones not kept yet are asked, in one statement.
        kept, generation = snap.matches, snap.generation
        matched = {k: bitmap for k in tags if (bitmap := kept.get(k)) is not None}
        missing = [k for k in tags if k not in matched]
        if missing:
            found = _matching_ids(dialect, missing)
            asked = {k: snap.bitmap_of(ids_found) for k, ids_found in zip(missing, found, strict=True)}
            matched.update(asked)
            snap.keep_matches(generation, asked, MATCHES_KEPT)
        bitmaps = {}

        def ids(clause, level):
            k = key(clause, level)
            if k is None:
                return 0
            if k not in bitmaps:
                bitmaps[k] = matched[k] & visible
            return bitmaps[k]

        total = visible.bit_count()
        out = []
        for clauses in clause_lists:
            matches = []
            for clause in clauses:
                exact = ids(clause, "exact")
                near = (ids(clause, "near") | ids(clause, "subwords")) & ~exact
                found_any = exact | near
                levels = {"any": found_any, "near": near}
                if exact:
                    title = ids(clause, "title") & exact
                    names = ids(clause, "names") & exact & ~title
                    levels.update(title=title, names=names, body=exact & ~title & ~names)
                matches.append((clause, rarity(found_any.bit_count(), total), levels))
            out.append(matches)
        return out

    @staticmethod
    def _mode(matches, selected_mask):
        """(matched bitmap, partial?): every required clause when some selected document has them
        all, else any clause."""
        required = [levels["any"] for clause, _w, levels in matches if not clause.optional]
        every = required[0] if required else 0
        for bitmap in required[1:]:
            every &= bitmap
        if every & selected_mask or not required:
            return every if required else 0, False
        # A partial hit must hold some required word: an administrative word alone ("ឃុំ" of a
        # commune nobody visible has) would otherwise answer with every record in any commune.
        anything = 0
        for bitmap in required:
            anything |= bitmap
        return anything, True

    @staticmethod
    def _scores(snap, matches, selected, partial):
        """(default score, {pk: score}) for the documents of `selected`: every document not in the
        dict scores the default (all required clauses in the body), so a common word's thousands
        of plain body matches cost nothing here; only documents with better or worse fields do."""
        default = (
            0
            if partial
            else sum(clause_points(w, "body") for clause, w, _levels in matches if not clause.optional)
        )
        special = defaultdict(int)
        for clause, weight, levels in matches:
            baseline = 0 if partial or clause.optional else clause_points(weight, "body")
            for level in LEVELS:
                bitmap = levels.get(level, 0) & selected
                delta = clause_points(weight, level) - baseline
                if bitmap and delta:
                    for pk in snap.members(bitmap):
                        special[pk] += delta
        if not partial:
            # Documents whose adjustments cancel out still belong to the default stream.
            special = {pk: default + delta for pk, delta in special.items() if delta}
        return default, dict(special)

    def _ranked(self, snap, matches, selected, partial, end):
        """The first `end` (pk, score) of `selected` by score, then title order."""
        default, special = self._scores(snap, matches, selected, partial)
        rank = snap.title_rank
        top = heapq.nsmallest(end, special.items(), key=lambda item: (-item[1], rank.get(item[0], 0)))
        if partial:
            return top
        rest = selected & ~snap.bitmap_of(special)
        if rest.bit_count() < 2000:
            plain = sorted(snap.members(rest), key=lambda pk: rank.get(pk, 0))[:end]
        else:
            rest_bytes, contains, plain = snap.as_bytes(rest), snap.contains, []
            for pk in snap.by_title:
                if contains(rest_bytes, pk):
                    plain.append(pk)
                    if len(plain) >= end:
                        break
        merged = heapq.merge(
            ((-score, rank.get(pk, 0), pk) for pk, score in top),
            ((-default, rank.get(pk, 0), pk) for pk in plain),
        )
        return [(pk, -negative) for negative, _rank, pk in itertools.islice(merged, end)]

    @staticmethod
    def _score_of(pk, matches, snap):
        score = 0
        for _clause, weight, levels in matches:
            for level in LEVELS:
                if levels.get(level) and levels[level] >> (pk - snap.offset) & 1:
                    score += clause_points(weight, level)
                    break
        return score

    def search(self, query):
        """Per-clause MATCHes in SQL (ids only); tiers, kinds, filters, the all-or-partial rule,
        facet counts and scores on the snapshot's bitmaps; then the page of hits."""
        started = time.perf_counter()
        prepared = prepare(query)
        snap = snapshots.get()
        base = snap.union_of(snap.tiers, prepared.tiers) & snap.union_of(snap.kinds, prepared.kinds)

        def visible_values(name, values):
            return {v for v in values if snap.values.get((name, v), 0) & base}

        drop_invisible_filters(prepared, visible_values)
        if prepared.unsearchable or not prepared.tiers or not prepared.kinds:
            return empty_result(prepared, self.name, started)
        masks = {
            name: snap.union_of(snap.values, [(name, value) for value in values])
            for name, values in prepared.filters.items()
        }
        filtered = base
        for mask in masks.values():
            filtered &= mask
        matches, partial = [], False
        if prepared.has_text:
            spelling.expand(prepared, snap)
            matches = self._clause_matches(prepared, snap, base)
            matched, partial = self._mode(matches, filtered)
            base &= matched
        selected = base
        for mask in masks.values():
            selected &= mask
        total = selected.bit_count()
        counts = defaultdict(dict)
        for name in prepared.facet_fields:
            scope = base
            for other, mask in masks.items():
                if other != name:
                    scope &= mask
            for value in snap.fields.get(name, ()):
                count = (scope & snap.values[(name, value)]).bit_count()
                if count:
                    counts[name][value] = count
        start = (query.page - 1) * query.per_page
        end = start + query.per_page
        if matches and query.sort == "relevance":
            ranked = self._ranked(snap, matches, selected, partial, end)[start:end]
        else:
            page = self._in_order(snap, selected, query.sort, end)[start:end]
            ranked = [(pk, self._score_of(pk, matches, snap)) for pk in page]
        # Plain rows, not model instances: only what a hit shows.
        fields = ("pk", "kind", "object_id", "title", "url", "display", "date")
        entries = {
            row[0]: row
            for row in IndexEntry.objects.filter(pk__in=[pk for pk, _score in ranked]).values_list(*fields)
        }
        hits, missing_per_hit = [], []
        for pk, score in ranked:
            row = entries.get(pk)
            if row is not None:
                _pk, kind, object_id, title, url, display, date = row
                missing = self._missing(pk, matches, snap) if partial else []
                missing_per_hit.append(set(missing))
                hits.append(
                    make_hit(prepared, kind, object_id, title, url, display, score, date, missing=missing)
                )
        return Result(
            hits=hits,
            total=total,
            facets=make_facets(prepared, counts),
            engine=self.name,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            query=query,
            corrections=prepared.corrections,
            ignored_filters=prepared.ignored,
            partial=partial and total > 0,
            unmatched=unmatched_words(prepared.clauses, missing_per_hit) if partial else [],
            absent=[c.typed for c, weight, _levels in matches if not weight and not c.optional],
        )

    @staticmethod
    def _missing(pk, matches, snap):
        """The typed words (required clauses) document `pk` lacks."""
        p = pk - snap.offset
        return [c.typed for c, _w, levels in matches if not c.optional and not levels["any"] >> p & 1]

    @staticmethod
    def _in_order(snap, selected, sort, end):
        """The first `end` ids of `selected` by title or by date."""
        order = snap.by_date if sort == "recent" else snap.by_title
        selected_bytes, contains, page = snap.as_bytes(selected), snap.contains, []
        for pk in order:
            if contains(selected_bytes, pk):
                page.append(pk)
                if len(page) >= end:
                    break
        return page

    def matching_ids(self, text, kinds, viewer=None, limit=5000):
        """{kind: [object ids]} of the documents `text` finds (synonyms, spelling, sub-words and
        the all-or-partial rule as on /search/), best first, for pages that filter their own
        lists by text (the directory)."""
        from ..contract import Query

        prepared = prepare(Query(text=text, kinds=list(kinds), viewer=viewer))
        if not prepared.has_text or not prepared.tiers or not prepared.kinds:
            return {}
        snap = snapshots.get()
        base = snap.union_of(snap.tiers, prepared.tiers) & snap.union_of(snap.kinds, prepared.kinds)
        spelling.expand(prepared, snap)
        matches = self._clause_matches(prepared, snap, base)
        matched, partial = self._mode(matches, base)
        ranked = self._ranked(snap, matches, base & matched, partial, int(limit))
        keys = dict(IndexEntry.objects.filter(pk__in=[pk for pk, _score in ranked]).values_list("pk", "kind"))
        object_ids = dict(IndexEntry.objects.filter(pk__in=list(keys)).values_list("pk", "object_id"))
        out = defaultdict(list)
        for pk, _score in ranked:
            if pk in keys:
                out[keys[pk]].append(object_ids[pk])
        return out

    def suggest(self, text, locale="en", viewer=None, limit=8):
        """Names that start with what was typed, for the autocomplete list: organizations, then
        services, then library titles; exact and prefix name matches first in each."""
        from ..contract import Query

        prepared = prepare(Query(text=text, locale=locale, viewer=viewer), prefix=True)
        if not prepared.has_text or not prepared.tiers:
            return []
        match = self.dialect.match_expression(prepared.clauses, names_only=True)
        where, params = self._where(prepared)
        with connection.cursor() as cursor:
            cursor.execute(
                self.dialect.ranked_sql(where, "relevance", f"LIMIT {SUGGEST_CANDIDATES}"), [match, *params]
            )
            ranked = cursor.fetchall()
        fields = (
            "pk",
            "kind",
            "object_id",
            "title",
            "url",
            "display",
            "sort_title",
            "title_tokens",
            "name_tokens",
        )
        rows = {
            row[0]: row
            for row in IndexEntry.objects.filter(pk__in=[pk for pk, _s in ranked]).values_list(*fields)
        }
        typed = [" ".join(a) for c in prepared.clauses for a in c.alternatives[:1]]
        ordered = sorted(
            rows.values(),
            key=lambda r: suggestion_key(r[1], r[7], [r[8]], typed, (r[6], r[1], r[2])),
        )
        out = []
        for _pk, kind, _object_id, title, url, display, *_rest in ordered[:limit]:
            shown = (display or {}).get(locale) or (display or {}).get("en") or {}
            out.append({"kind": kind, "title": shown.get("title") or title, "url": shown.get("url") or url})
        return out
