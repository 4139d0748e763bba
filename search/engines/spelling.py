"""Spelling tolerance from the vocabulary of the viewer's tiers, the same for both engines.

- Neighbours: words of the vocabulary at most `planning.max_edits(word)` edits away (one for
  4-6 letters, two for 7+; an edit is a deletion, insertion, substitution or swap of two
  neighbouring letters), with the same first letter. Only words in the bucket of that first
  letter and a close length are compared, with rapidfuzz's bounded distance (C code: two edits
  over a large vocabulary cost well under a millisecond, where generating every two-edit
  string would mean hundreds of thousands of lookups).
- Split compounds: a word the vocabulary lacks that is two vocabulary words joined
  ("antitrafficking") also matches them as a phrase ("anti trafficking").
- Joined compounds: two typed words whose concatenation is a vocabulary word ("chab dai") make
  one clause that matches either the phrase or the joined word ("chabdai").
- Corrections ("did you mean"): a typed word no visible document has, replaced by its closest
  neighbour (or by its split).

The vocabulary comes from `snapshot.vocabulary_for(viewer tiers)`: a word found only in a
document the viewer may not see is never a neighbour, a split, a join or a correction.
"""

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..planning import Clause, max_edits

MIN_PART = 3  # shortest half of a split compound ("sub decree")
MAX_SPLITS = 3
MAX_NEIGHBOURS = 20
_CACHE_LIMIT = 20_000


def _plain(token):
    return token.isascii() and token.isalpha()


def _buckets(snap, tiers):
    """{first letter: [words]} of the tiers' vocabulary, built once per snapshot and tiers."""
    key = ("buckets", tuple(sorted(tiers)))
    found = snap.cache.get(key)
    if found is None:
        found = {}
        for word in snap.vocabulary_for(tiers):
            if len(word) >= 4:
                found.setdefault(word[0], []).append(word)
        for words in found.values():
            words.sort()
        snap.cache[key] = found
    return found


def neighbours(snap, tiers, token):
    """Vocabulary words within the allowed edits of `token` (not itself), closest first."""
    edits = max_edits(token)
    if not edits or not _plain(token):
        return []
    key = ("near", tuple(sorted(tiers)), token)
    found = snap.cache.get(key)
    if found is None:
        bucket = _buckets(snap, tiers).get(token[0], ())
        close = [w for w in bucket if abs(len(w) - len(token)) <= edits and w != token]
        matches = process.extract(token, close, scorer=OSA.distance, score_cutoff=edits, limit=None)
        found = [w for w, _distance, _i in sorted(matches, key=lambda m: (m[1], m[0]))][:MAX_NEIGHBOURS]
        if len(snap.cache) > _CACHE_LIMIT:
            snap.cache.clear()
        snap.cache[key] = found
    return found


def splits(vocabulary, token):
    """Two-word phrases of the vocabulary that `token` is when joined ("sub", "decree")."""
    if not _plain(token) or token in vocabulary or len(token) < 2 * MIN_PART:
        return []
    out = []
    for i in range(MIN_PART, len(token) - MIN_PART + 1):
        left, right = token[:i], token[i:]
        if left in vocabulary and right in vocabulary:
            out.append((left, right))
    return out[:MAX_SPLITS]


def _join(clauses, vocabulary):
    """Adjacent single-word clauses whose concatenation is a vocabulary word become one clause."""
    out = []
    i = 0
    while i < len(clauses):
        first = clauses[i]
        second = clauses[i + 1] if i + 1 < len(clauses) else None
        if second is not None and _joinable(first) and _joinable(second):
            a, b = first.alternatives[0][0], second.alternatives[0][0]
            if _plain(a + b) and a + b in vocabulary:
                out.append(Clause(f"{a} {b}", [(a, b), (a + b,)], prefix=second.prefix))
                i += 2
                continue
        out.append(first)
        i += 1
    return out


def _joinable(clause):
    return len(clause.alternatives) == 1 and len(clause.alternatives[0]) == 1 and not clause.optional


def expand(prepared, snap):
    """Widen `prepared.clauses` in place from the vocabulary of the viewer's tiers; record
    corrections and the words to mark in snippets."""
    if not prepared.clauses or not prepared.tiers:
        return prepared
    vocabulary = snap.vocabulary_for(prepared.tiers)
    prepared.clauses = _join(prepared.clauses, vocabulary)
    for clause in prepared.clauses:
        if clause.prefix:
            continue
        if len(clause.alternatives) == 2 and len(clause.alternatives[0]) == 2 and " " in clause.typed:
            prepared.phrases.add(clause.alternatives[0])
            prepared.terms.add(clause.alternatives[1][0])
            continue
        token = clause.fuzzy_token
        if token is None:
            continue
        found = neighbours(snap, prepared.tiers, token)
        parts = splits(vocabulary, token)
        clause.alternatives += [p for p in parts if p not in clause.alternatives]
        prepared.phrases.update(parts)
        if found:
            clause.neighbours = found
            clause.neighbours_exact = token not in vocabulary and not parts
            prepared.terms.update(found)
        if token not in vocabulary:
            if found:
                prepared.corrections[token] = found[0]
            elif parts:
                prepared.corrections[token] = " ".join(parts[0])
    return prepared
