"""The `database` engine: SQLite FTS5 locally, PostgreSQL full-text search in production.

Hits, totals and facet counts are SQL over three tables: `search_indexentry` (one row per
document, with its display data), `search_indexfacet` (field, value) and the full-text index
(`search_fts` or the `vector` column). Facet counts follow the usual faceted-search rule: a
value's count applies every other chosen filter, so choosing a province does not hide the
other provinces.
"""

import heapq
import logging
import time
import uuid
from collections import Counter, defaultdict

from django.db import connection, transaction

from ..contract import Result
from ..models import IndexEntry, IndexFacet, IndexState, IndexTerm
from ..planning import one_edit
from . import snapshot as snapshots
from .base import (
    Engine,
    document_tokens,
    drop_invisible_filters,
    empty_result,
    make_facets,
    make_hit,
    prepare,
    sort_title,
    vocabulary,
)
from .dialects import dialect_for

logger = logging.getLogger(__name__)

BATCH = 500


def _touch():
    """Mark the index as changed (inside the writing transaction)."""
    IndexState.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


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
                rows.append((pk, title, names, body))
                facets += self._facet_rows(pk, doc)
                _count_words(words, doc.kind, doc.tier, title, names, body)
            IndexFacet.objects.filter(entry_id__in=[r[0] for r in rows]).delete()
            IndexFacet.objects.bulk_create(facets, batch_size=BATCH)
            with connection.cursor() as cursor:
                _apply_word_counts(cursor, words)
                dialect.write(cursor, rows)
            _touch()
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
            pks = list(IndexEntry.objects.filter(kind=kind, object_id__in=ids).values_list("pk", flat=True))
            with connection.cursor() as cursor:
                _apply_word_counts(cursor, _words_of_entries(pks))
                self.dialect.remove(cursor, pks)
            IndexEntry.objects.filter(pk__in=pks).delete()
            _touch()
        return len(pks)

    def rebuild(self, kind, documents):
        """Drop every entry of `kind` and index `documents` afresh, in one transaction (readers
        see the old index until it commits)."""
        count = 0
        with transaction.atomic():
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
            _touch()
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
            rows.append((entry.pk, t, n, b))
            _count_words(words, doc.kind, doc.tier, t, n, b)
        IndexFacet.objects.bulk_create(facets, batch_size=BATCH)
        with connection.cursor() as cursor:
            self.dialect.write(cursor, rows)
        return len(documents)

    # -- reading ----------------------------------------------------------------------------
    def _fuzzy(self, prepared, snap=None):
        """Spelling neighbours present in the vocabulary of the viewer's tiers, per clause; and
        corrections for words that are not in it at all ("batambang" -> "battambang")."""
        wanted = {c.typed: c.fuzzy_token for c in prepared.clauses if c.fuzzy_token}
        if not wanted:
            return {}
        vocabulary = (snap or snapshots.get()).vocabulary_for(prepared.tiers)
        fuzzy = {}
        for typed, token in wanted.items():
            neighbours = sorted(w for w in one_edit(token) if w in vocabulary)
            if neighbours:
                fuzzy[typed] = neighbours
                prepared.terms.update(neighbours)
                if token not in vocabulary:
                    prepared.corrections[token] = neighbours[0]
        return fuzzy

    def _where(self, prepared):
        """SQL conditions on entry `e` for tiers and kinds (used by suggest)."""
        sql = [f"e.tier IN ({', '.join(['%s'] * len(prepared.tiers))})"]
        params = list(prepared.tiers)
        if prepared.kinds:
            sql.append(f"e.kind IN ({', '.join(['%s'] * len(prepared.kinds))})")
            params += prepared.kinds
        return " AND ".join(sql), params

    def search(self, query):
        """One full-text MATCH in SQL (every matching id with its score); tiers, kinds, filters
        and facet counts on the snapshot's bitmaps; then the page of hits."""
        started = time.perf_counter()
        prepared = prepare(query)
        snap = snapshots.get()
        base = snap.union_of(snap.tiers, prepared.tiers) & snap.union_of(snap.kinds, prepared.kinds)

        def visible_values(name, values):
            return {v for v in values if snap.values.get((name, v), 0) & base}

        drop_invisible_filters(prepared, visible_values)
        if prepared.unsearchable or not prepared.tiers or not prepared.kinds:
            return empty_result(prepared, self.name, started)
        scores = None
        if prepared.has_text:
            fuzzy = self._fuzzy(prepared, snap)
            dialect = self.dialect
            with connection.cursor() as cursor:
                cursor.execute(dialect.all_matches_sql(), [dialect.match_expression(prepared.clauses, fuzzy)])
                scores = cursor.fetchall()
            matched = snap.bitmap_of(pk for pk, _score in scores)
            base &= matched
        masks = {
            name: snap.union_of(snap.values, [(name, value) for value in values])
            for name, values in prepared.filters.items()
        }
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
        # When tiers, kinds and filters exclude none of the matches, no row needs checking.
        everything_matched = scores is not None and selected == matched
        ranked = self._page(snap, selected, scores, query, everything_matched)
        # Plain rows, not model instances: only what a hit shows.
        fields = ("pk", "kind", "object_id", "title", "url", "display", "date")
        entries = {
            row[0]: row
            for row in IndexEntry.objects.filter(pk__in=[pk for pk, _score in ranked]).values_list(*fields)
        }
        hits = []
        for pk, score in ranked:
            row = entries.get(pk)
            if row is not None:
                _pk, kind, object_id, title, url, display, date = row
                hits.append(make_hit(prepared, kind, object_id, title, url, display, score, date))
        return Result(
            hits=hits,
            total=total,
            facets=make_facets(prepared, counts),
            engine=self.name,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            query=query,
            corrections=prepared.corrections,
            ignored_filters=prepared.ignored,
        )

    @staticmethod
    def _page(snap, selected, scores, query, everything_matched=False):
        """[(pk, score)] of the requested page, in the requested order."""
        start = (query.page - 1) * query.per_page
        end = start + query.per_page
        selected_bytes = snap.as_bytes(selected)
        if scores is not None and query.sort == "relevance":
            contains = snap.contains
            inside = scores if everything_matched else [r for r in scores if contains(selected_bytes, r[0])]
            # Best score first; equal scores by title. The SQL returns matches in no defined order
            # (PostgreSQL's changes after a rebuild), and a tie must never be broken by what else
            # is in the index, hidden documents included.
            title_rank = snap.title_rank
            return heapq.nlargest(end, inside, key=lambda r: (r[1], -title_rank.get(r[0], 0)))[start:end]
        order = snap.by_date if query.sort == "recent" else snap.by_title
        score = dict(scores) if scores is not None else {}
        page = []
        for pk in order:
            if snap.contains(selected_bytes, pk):
                page.append(pk)
                if len(page) >= end:
                    break
        return [(pk, score.get(pk, 0)) for pk in page[start:end]]

    def matching_ids(self, text, kinds, viewer=None, limit=5000):
        """{kind: [object ids]} of every document matching `text` (synonyms and spelling
        included), for pages that filter their own lists by text (the directory)."""
        from ..contract import Query

        prepared = prepare(Query(text=text, kinds=list(kinds), viewer=viewer))
        if not prepared.has_text or not prepared.tiers:
            return {}
        fuzzy = self._fuzzy(prepared)
        where, params = self._where(prepared)
        # Only placeholders and integers are interpolated; values travel as parameters.
        matches = self.dialect.matching_ids_sql()
        sql = (
            f"SELECT e.kind, e.object_id FROM search_indexentry e WHERE e.id IN ({matches}) "  # noqa: S608
            f"AND {where} LIMIT {int(limit)}"
        )
        out = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.dialect.match_expression(prepared.clauses, fuzzy), *params])
            for kind, object_id in cursor.fetchall():
                out[kind].append(object_id)
        return out

    def suggest(self, text, locale="en", viewer=None, limit=8):
        """Names that start with what was typed, for the autocomplete list."""
        from ..contract import Query

        prepared = prepare(Query(text=text, locale=locale, viewer=viewer), prefix=True)
        if not prepared.has_text or not prepared.tiers:
            return []
        match = self.dialect.match_expression(prepared.clauses, names_only=True)
        where, params = self._where(prepared)
        with connection.cursor() as cursor:
            cursor.execute(
                self.dialect.ranked_sql(where, "relevance", f"LIMIT {int(limit)}"), [match, *params]
            )
            ranked = cursor.fetchall()
        entries = IndexEntry.objects.in_bulk([pk for pk, _score in ranked])
        out = []
        for pk, _score in ranked:
            e = entries.get(pk)
            if e is not None:
                display = e.display.get(locale) or e.display.get("en") or {}
                out.append(
                    {
                        "kind": e.kind,
                        "title": display.get("title") or e.title,
                        "url": display.get("url") or e.url,
                    }
                )
        return out
