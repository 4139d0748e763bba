"""Search storage: synonyms editors maintain, and the database engine's index.

The database index is kept even when Elasticsearch is configured: it is the fallback when the
search server is down, and its vocabulary feeds "did you mean".
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import clean, tokens

MAX_VARIANTS = 20


class SynonymGroup(models.Model):
    """Names that mean the same thing: a query for any of them finds all of them."""

    variants = models.TextField(
        help_text=_(
            "One spelling per line (or separated by commas), preferred first, e.g. Poipet, Poi Pet, "
            "Paoy Paet. A search for any of them also finds the others. Takes effect at once."
        )
    )
    note = models.CharField(max_length=300, blank=True, help_text=_("Why these are the same (optional)."))
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set on groups the project seeds (migrations): a seed is added once, when its key is absent,
    # so editing or deactivating it sticks. Empty for groups editors create.
    seed_key = models.CharField(max_length=80, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["variants"]
        verbose_name = _("synonym group")

    def __str__(self):
        return ", ".join(self.variant_list())

    def variant_list(self):
        raw = clean(self.variants).replace(",", "\n").replace(";", "\n").splitlines()
        seen, variants = set(), []
        for variant in (" ".join(v.split()) for v in raw):
            if variant and variant.lower() not in seen:
                seen.add(variant.lower())
                variants.append(variant)
        return variants

    def clean(self):
        variants = self.variant_list()
        if "<" in self.variants or ">" in self.variants:
            raise ValidationError({"variants": _("Plain text only: no HTML.")})
        if len(variants) < 2:
            raise ValidationError({"variants": _("Give at least two spellings, one per line.")})
        if len(variants) > MAX_VARIANTS:
            raise ValidationError({"variants": _("At most %(n)d spellings per group.") % {"n": MAX_VARIANTS}})
        empty = [v for v in variants if not tokens(v)]
        if empty:
            raise ValidationError(
                {
                    "variants": _("These have no letters or digits to search for: %(v)s")
                    % {"v": ", ".join(empty)}
                }
            )


class IndexEntry(models.Model):
    """One document in the database engine's index (`search_fts` on SQLite, `vector` and the
    per-field vectors on PostgreSQL, created by migrations 0002 and 0011 because Django has no
    field for them)."""

    kind = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    tier = models.CharField(max_length=12, default="public")
    title = models.CharField(max_length=500)
    url = models.CharField(max_length=500)
    sort_title = models.CharField(max_length=200, db_index=True)
    date = models.DateField(null=True, blank=True)
    display = models.JSONField(default=dict)  # {locale: {"title", "url", "text"}}
    title_tokens = models.TextField(blank=True)
    name_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique_key")]
        indexes = [models.Index(fields=["kind", "tier"], name="search_entry_kind_tier")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} {self.title}"


class IndexFacet(models.Model):
    entry = models.ForeignKey(IndexEntry, on_delete=models.CASCADE, related_name="facet_values")
    field = models.CharField(max_length=30)
    value = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["field", "value", "entry"], name="search_facet_unique"),
        ]
        indexes = [models.Index(fields=["entry", "field"], name="search_facet_entry_field")]

    def __str__(self):
        return f"{self.field}={self.value}"


class IndexTerm(models.Model):
    """The vocabulary for spelling correction ("Batambang"), partitioned by tier: how many indexed
    documents of each kind and tier use a word. A viewer's corrections and fuzzy matches come only
    from words of the tiers they may see, so a word found only in a restricted document is never
    suggested to anyone below that tier. A row goes when its last document goes (or moves tier)."""

    term = models.CharField(max_length=60)
    kind = models.CharField(max_length=40)
    tier = models.CharField(max_length=12)
    documents = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "kind", "tier"], name="search_term_kind_tier_unique"),
        ]

    def __str__(self):
        return f"{self.term} ({self.tier})"


class IndexState(models.Model):
    """One row whose token changes with every index write (see engines/snapshot.py)."""

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token


class IndexChange(models.Model):
    """What one index write changed, so each process's snapshot can apply just that instead
    of re-reading the whole index (see engines/snapshot.py). Rows are written in the writing
    transaction, after it has locked `IndexState`, so ids follow commit order."""

    entry_id = models.BigIntegerField(null=True)  # null: anything may have changed (a rebuild)
    words = models.TextField(blank=True)  # vocabulary words whose document counts changed; "*": any
    # The `IndexState` token the write set: a snapshot that applied this row knows the log still
    # holds the write it last saw (not one rolled back after it saw it) by finding it again.
    token = models.CharField(max_length=32, blank=True)

    def __str__(self):
        return f"{self.pk}: {self.entry_id}"
