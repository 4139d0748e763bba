"""PostgreSQL: the clause levels get a column each, so no level asks GIN for a weight.

`vector` keeps the word fields with their weights (title A, names B, body D); the sub-word
tokens (weight C) move to `subword_vector`, and the title's and names' tokens are copied to
`title_vector` and `names_vector`, unweighted; each column is GIN-indexed. A weighted tsquery
(`'legal':A`) made GIN recheck every row holding the word, reading its whole tsvector back
from TOAST; see search/engines/dialects.py, `PostgresFTS`. The four columns keep no planner
statistics (below).

The columns are split out of the stored `vector` in SQL (positions kept, the same split as
`PostgresFTS.SPLIT` on each write): no rebuild is needed. SQLite's FTS5 table has its four
columns already and is left as it is.
"""

from django.db import migrations

COLUMNS = ("title_vector", "names_vector", "subword_vector")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # `vector` is made afresh (the stored one is read, then dropped with its index and its
    # statistics, see below); the indexes are built after the update, cheaper than 25,000
    # index updates.
    schema_editor.execute("ALTER TABLE search_indexentry RENAME COLUMN vector TO stored_vector")
    schema_editor.execute(
        "ALTER TABLE search_indexentry "
        + ", ".join(f"ADD COLUMN {c} tsvector" for c in ("vector", *COLUMNS))
        + ", "
        # No statistics: the planner then never estimates a common word at thousands of rows
        # and never prefers a sequential scan, which reads every row's vector from TOAST (ten
        # times the GIN index's bitmap scan for a word in half the documents).
        + ", ".join(f"ALTER COLUMN {c} SET STATISTICS 0" for c in ("vector", *COLUMNS))
    )
    schema_editor.execute(
        "UPDATE search_indexentry SET vector = ts_filter(stored_vector, '{a,b,d}'), "
        "title_vector = setweight(ts_filter(stored_vector, '{a}'), 'D'), "
        "names_vector = setweight(ts_filter(stored_vector, '{b}'), 'D'), "
        "subword_vector = setweight(ts_filter(stored_vector, '{c}'), 'D')"
    )
    schema_editor.execute("ALTER TABLE search_indexentry DROP COLUMN stored_vector")
    for column in ("vector", *COLUMNS):
        schema_editor.execute(
            f"CREATE INDEX search_indexentry_{column} ON search_indexentry USING gin ({column})"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The sub-words go back into `vector` with weight C at their own positions (a tsvector's text
    # is its literal; repeated lexemes merge).
    schema_editor.execute(
        "UPDATE search_indexentry SET vector = CAST("
        "COALESCE(CAST(vector AS text), '') || ' ' || CAST(setweight(subword_vector, 'C') AS text) "
        "AS tsvector) "
        "WHERE subword_vector <> ''"
    )
    schema_editor.execute(
        "ALTER TABLE search_indexentry ALTER COLUMN vector SET STATISTICS -1, "
        + ", ".join(f"DROP COLUMN {c}" for c in COLUMNS)
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0010_index_change_log")]
    operations = [migrations.RunPython(forwards, backwards)]
