"""The spelling vocabulary gets a kind and a tier per word, with the number of documents using it.

The old table held bare words from every tier (and never forgot a word), so "did you mean"
could offer an anonymous visitor a word found only in a restricted document. It is replaced,
and the new one is filled from the entries already indexed, so no rebuild is needed.
"""

from collections import Counter

from django.db import migrations, models

VOCABULARY_TOKEN_LIMIT = 2_000  # as search.engines.base at the time of this migration
BATCH = 1_000


def _words(title, names, body):
    words = set(title.split()) | set(names.split()) | set(body.split()[:VOCABULARY_TOKEN_LIMIT])
    return {w for w in words if w.isascii() and w.isalpha() and 4 <= len(w) <= 60}


def fill(apps, schema_editor):
    IndexEntry = apps.get_model("search", "IndexEntry")
    IndexTerm = apps.get_model("search", "IndexTerm")
    counts = Counter()
    rows = IndexEntry.objects.values_list("kind", "tier", "title_tokens", "name_tokens", "body_tokens")
    for kind, tier, title, names, body in rows.iterator(chunk_size=BATCH):
        for word in _words(title, names, body):
            counts[(word, kind, tier)] += 1
    IndexTerm.objects.bulk_create(
        [IndexTerm(term=w, kind=k, tier=t, documents=n) for (w, k, t), n in counts.items()],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0004_index_state")]

    operations = [
        migrations.DeleteModel(name="IndexTerm"),
        migrations.CreateModel(
            name="IndexTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("term", models.CharField(max_length=60)),
                ("kind", models.CharField(max_length=40)),
                ("tier", models.CharField(max_length=12)),
                ("documents", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("term", "kind", "tier"), name="search_term_kind_tier_unique")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
