"""The database index gets a fourth field, `subwords` (Khmer, Thai, Lao and Burmese words inside
ICU compounds, see search/subwords.py), and the spelling vocabulary keeps 3-letter words (the
halves of split compounds: "sub decree").

SQLite: `search_fts` is re-created with the column. PostgreSQL: the sub-word tokens join the
`vector` with weight C. Both are filled from the tokens already stored on each entry, so no
rebuild is needed; the sub-word field built here breaks at ICU's word boundaries, which the
next `manage.py search_rebuild` (or any re-index of a document) refines to whole text runs.
"""

import uuid
from collections import Counter

from django.db import migrations

BATCH = 500
VOCABULARY_TOKEN_LIMIT = 2_000  # as search.engines.base at the time of this migration


def _words(title, names, body, shortest):
    words = set(title.split()) | set(names.split()) | set(body.split()[:VOCABULARY_TOKEN_LIMIT])
    return {w for w in words if w.isascii() and w.isalpha() and shortest <= len(w) <= 60}


def _pg_quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector(fields):
    out, position = [], 1
    for tokens, weight in fields:
        for token in tokens.split():
            out.append(f"{_pg_quote(token)}:{min(position, 16383)}{weight}")
            position += 1
        position += 100
    return " ".join(out)


def _refill(apps, schema_editor, with_subwords, shortest):
    from search.subwords import subword_string

    IndexEntry = apps.get_model("search", "IndexEntry")
    IndexState = apps.get_model("search", "IndexState")
    vendor = schema_editor.connection.vendor
    rows = IndexEntry.objects.order_by("pk").values_list(
        "pk", "kind", "tier", "title_tokens", "name_tokens", "body_tokens"
    )
    batch = []

    def flush(cursor):
        if vendor == "sqlite" and batch:
            if with_subwords:
                sql = "INSERT INTO search_fts (rowid, title, names, body, subwords) VALUES (%s, %s, %s, %s, %s)"
                cursor.executemany(sql, batch)
            else:
                sql = "INSERT INTO search_fts (rowid, title, names, body) VALUES (%s, %s, %s, %s)"
                cursor.executemany(sql, [row[:4] for row in batch])
        elif vendor == "postgresql" and batch:
            cursor.executemany(
                "UPDATE search_indexentry SET vector = CAST(%s AS tsvector) WHERE id = %s",
                [
                    (_vector([(t, "A"), (n, "B"), (b, "D"), (s if with_subwords else "", "C")]), pk)
                    for pk, t, n, b, s in batch
                ],
            )
        batch.clear()

    with schema_editor.connection.cursor() as cursor:
        for pk, _kind, _tier, title, names, body in rows.iterator(chunk_size=BATCH):
            subwords = subword_string(" ".join([title, names, body])) if with_subwords else ""
            batch.append((pk, title, names, body, subwords))
            if len(batch) >= BATCH:
                flush(cursor)
        flush(cursor)
    fill_vocabulary(apps, shortest)
    # Every process's in-memory snapshot is out of date.
    IndexState.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def fill_vocabulary(apps, shortest=3):
    """The spelling vocabulary from the indexed entries, words of `shortest` letters and up."""
    IndexEntry = apps.get_model("search", "IndexEntry")
    IndexTerm = apps.get_model("search", "IndexTerm")
    counts = Counter()
    rows = IndexEntry.objects.values_list("kind", "tier", "title_tokens", "name_tokens", "body_tokens")
    for kind, tier, title, names, body in rows.iterator(chunk_size=BATCH):
        for word in _words(title, names, body, shortest):
            counts[(word, kind, tier)] += 1
    IndexTerm.objects.all().delete()
    IndexTerm.objects.bulk_create(
        [IndexTerm(term=w, kind=k, tier=t, documents=n) for (w, k, t), n in counts.items()],
        batch_size=BATCH,
    )


def _recreate_fts(schema_editor, columns):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, tokenize = 'ascii')"
        )


def forwards(apps, schema_editor):
    _recreate_fts(schema_editor, "title, names, body, subwords")
    _refill(apps, schema_editor, with_subwords=True, shortest=3)


def backwards(apps, schema_editor):
    _recreate_fts(schema_editor, "title, names, body")
    _refill(apps, schema_editor, with_subwords=False, shortest=4)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_synonym_seed_key")]
    operations = [migrations.RunPython(forwards, backwards)]
