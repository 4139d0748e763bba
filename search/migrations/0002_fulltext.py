"""The full-text index of the database engine, which Django has no field for.

SQLite: an FTS5 table whose rowid is the IndexEntry id. The `ascii` tokenizer only splits on
ASCII spaces and punctuation: our tokens are already segmented (ICU) and normalised, and every
non-ASCII character (Khmer, Thai, ...) stays part of its token.
PostgreSQL: a tsvector column on the entry with a GIN index.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, names, body, tokenize = 'ascii')"
        )
    elif vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_indexentry ADD COLUMN IF NOT EXISTS vector tsvector")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_indexentry_vector ON search_indexentry USING gin (vector)"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_indexentry_vector")
        schema_editor.execute("ALTER TABLE search_indexentry DROP COLUMN IF EXISTS vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]
    operations = [migrations.RunPython(forwards, backwards)]
