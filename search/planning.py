"""From what someone typed to what the engines look for.

A query becomes a list of clauses. An alternative is a sequence of tokens matched as a phrase;
a clause matches through any one of its alternatives (OR). Synonym groups add alternatives
("poi pet" -> poipet | "poi pet" | "paoy paet"); `search.engines.spelling` adds, from the
vocabulary of the viewer's tiers, spelling neighbours (one edit for 4-6 letters, two for 7+),
joined and split compounds; `search.subwords` adds a Khmer, Thai or Lao word's place inside
compounds. How clauses combine (every one when possible, else the best partial matches) is the
engines' part, one rule for both (`search.engines.base`, "Scoring").

Stop words are dropped and administrative words ("province", ខេត្ត) are optional: neither ever
blocks a match (`search.stopwords`).

User text never reaches an engine's query syntax: only normalised tokens do, and each engine
quotes them. So quotes, `*`, `NEAR(`, `AND`, `:` or parentheses are just characters.
"""

import time
from dataclasses import dataclass, field

from django.core.cache import cache

from .contract import MAX_TEXT, MAX_TOKENS
from .stopwords import ADMIN_WORDS, STOPWORDS
from .subwords import query_subwords
from .text import clean, is_latin, tokens

FUZZY_MIN_LENGTH = 4  # one edit from 4 letters, two from TWO_EDITS_LENGTH
TWO_EDITS_LENGTH = 7
MAX_PHRASE = 4  # longest synonym variant, in tokens
SYNONYM_CACHE_SECONDS = 60
SYNONYM_LOCAL_SECONDS = 5
SYNONYM_CACHE_KEY = "search:synonyms:v1"


def max_edits(token):
    """How many edits a word may be off and still match: 0, 1 (4-6 letters) or 2 (7+)."""
    if len(token) < FUZZY_MIN_LENGTH:
        return 0
    return 2 if len(token) >= TWO_EDITS_LENGTH else 1


@dataclass
class Clause:
    typed: str  # the token(s) as normalised from the query
    alternatives: list = field(default_factory=list)  # [tuple of tokens]
    prefix: bool = False  # the last word of an autocomplete query
    optional: bool = False  # an administrative word: counts when present, never required
    neighbours: list = field(default_factory=list)  # spelling neighbours in the vocabulary
    neighbours_exact: bool = False  # the typed word is in no visible document: they replace it

    @property
    def fuzzy_token(self):
        """The single token whose spelling neighbours may match, or None."""
        if len(self.alternatives) and len(self.alternatives[0]) == 1 and not self.prefix:
            token = self.alternatives[0][0]
            if len(token) >= FUZZY_MIN_LENGTH and is_latin(token) and token.isalpha():
                return token
        return None

    @property
    def subwords(self):
        """The cluster pairs to find inside compounds (a phrase in the sub-word field), or ()."""
        if self.prefix or len(self.alternatives[0]) != 1:
            return ()
        return query_subwords(self.alternatives[0][0])

    def exact_alternatives(self):
        """Phrases that count as the word itself (with neighbours that stand in for a typo)."""
        return list(self.alternatives) + ([(w,) for w in self.neighbours] if self.neighbours_exact else [])

    def approximate_alternatives(self):
        """Phrases that count as a near match, ranked below the word itself."""
        return [] if self.neighbours_exact else [(w,) for w in self.neighbours]

    def terms(self):
        return {token for alternative in self.alternatives for token in alternative}


def query_tokens(text):
    text = " ".join(clean(text)[: MAX_TEXT * 4].split())[:MAX_TEXT]
    return tokens(text)[: MAX_TOKENS * 2]


_local = {"map": None, "expires": 0.0}


def forget_synonyms(**kwargs):
    """Drop this process's copy at once (connected to SynonymGroup saves and deletes)."""
    _local["map"] = None
    cache.delete(SYNONYM_CACHE_KEY)


def _build_synonym_map():
    from .models import SynonymGroup

    mapping = {}
    for group in SynonymGroup.objects.filter(active=True):
        variants = []
        for variant in group.variant_list():
            toks = tuple(tokens(variant))
            if toks and toks not in variants and len(toks) <= MAX_PHRASE:
                variants.append(toks)
        for variant in variants:
            merged = mapping.setdefault(variant, [])
            merged.extend(v for v in variants if v not in merged)
    return mapping


def _synonym_map():
    """{variant token tuple: [all variant token tuples of its group]}.

    Kept in this process for a few seconds and in the shared cache for a minute; an edit in the
    admin clears both at once (other processes' copies expire within SYNONYM_LOCAL_SECONDS)."""
    now = time.monotonic()
    if _local["map"] is not None and _local["expires"] > now:
        return _local["map"]
    mapping = cache.get(SYNONYM_CACHE_KEY)
    if mapping is None:
        mapping = _build_synonym_map()
        cache.set(SYNONYM_CACHE_KEY, mapping, SYNONYM_CACHE_SECONDS)
    _local.update(map=mapping, expires=now + SYNONYM_LOCAL_SECONDS)
    return mapping


def plan(text, prefix=False, synonyms=True):
    """The clauses of a query (empty when there is nothing to search for)."""
    toks = query_tokens(text)
    mapping = _synonym_map() if synonyms and toks else {}
    clauses = []
    i = 0
    while i < len(toks):
        for size in range(min(MAX_PHRASE, len(toks) - i), 0, -1):
            window = tuple(toks[i : i + size])
            if window in mapping:
                alternatives = [window] + [v for v in mapping[window] if v != window]
                clauses.append(Clause(" ".join(window), alternatives))
                i += size
                break
        else:
            clauses.append(Clause(toks[i], [(toks[i],)]))
            i += 1
    # Stop words only count inside a synonym phrase ("victim of trafficking"); alone they are
    # dropped, unless nothing else was typed. Administrative words are searched, not required.
    kept = [c for c in clauses if len(c.alternatives) > 1 or c.typed not in STOPWORDS] or clauses
    clauses = kept[:MAX_TOKENS]
    if any(c.typed not in ADMIN_WORDS for c in clauses):
        for clause in clauses:
            clause.optional = len(clause.alternatives) == 1 and clause.typed in ADMIN_WORDS
    if prefix and clauses and len(clauses[-1].alternatives) == 1:
        clauses[-1].prefix = True
    return clauses


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word):
    """Words one edit (delete, swap, replace, insert) from `word`, keeping its first letter."""
    head, tail = word[0], word[1:]
    splits = [(tail[:i], tail[i:]) for i in range(len(tail) + 1)]
    out = set()
    for left, right in splits:
        if right:
            out.add(left + right[1:])
            for ch in _LETTERS:
                out.add(left + ch + right[1:])
        if len(right) > 1:
            out.add(left + right[1] + right[0] + right[2:])
        for ch in _LETTERS:
            out.add(left + ch + right)
    out.discard(tail)
    return {head + w for w in out}
