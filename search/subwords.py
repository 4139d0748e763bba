"""The sub-word field: Khmer, Thai, Lao and Burmese words found inside ICU's compounds.

ICU keeps dictionary compounds whole (ជនរងគ្រោះ "victim" is one token), so a word inside one
(រងគ្រោះ "suffer") is not a token of its own and whole-token matching misses it. Alongside the
word tokens, each document therefore stores a sub-word string: for every contiguous run of
Khmer, Thai, Lao or Burmese letters (a run ends at a space, a digit, punctuation or Latin text,
never at ICU's word boundaries, so a word ICU cut in the wrong place is still there), the
overlapping PAIRS of its grapheme clusters, in order:

    ជនរងគ្រោះ -> clusters ជ ន រ ង គ្រោះ -> pairs ជន នរ រង ងគ្រោះ

The contract between index and query:

- `subword_string(text)` is what the index stores in the sub-word field (space-separated,
  bounded by SUBWORD_TOKEN_LIMIT);
- `query_subwords(token)` is, for one query token of two or more clusters in those scripts, its
  ordered pairs (a two-cluster word is one pair), and () for Latin text or a single cluster;
- a query word occurs inside a compound exactly when its pair sequence appears CONSECUTIVELY
  in the sub-word field: engines match it as a PHRASE there (ranked below a whole-word match).
  Consecutive pairs share a cluster, so the phrase is the word's clusters in a row.

Both sides use the folding of `search.text` (subscript da = ta, deprecated characters, zero-width
characters removed), so ស្ដ and ស្ត spellings meet here too. A pair is only letters and combining
marks of those scripts: no space, quote or ASCII punctuation, so it is a single term for FTS5
(`ascii` tokenizer), tsvector and the Elasticsearch whitespace analyzer (engines quote it).
"""

import re

from icu4py.breakers import CharacterBreaker

from .text import SCRIPT_LETTERS, fold_letters

SUBWORD_TOKEN_LIMIT = 100_000  # pairs stored per document (like BODY_TOKEN_LIMIT for words)
_RUN = re.compile(f"[{SCRIPT_LETTERS}]+")


def clusters(run):
    """The grapheme clusters of a run of script letters (a base with its subscripts and signs)."""
    return list(CharacterBreaker(run, "km"))


def _pairs(run):
    parts = clusters(run)
    return [parts[i] + parts[i + 1] for i in range(len(parts) - 1)]


def subword_pairs(text, limit=SUBWORD_TOKEN_LIMIT):
    """The sub-word tokens of `text`, in order, at most `limit`."""
    out = []
    for run in _RUN.findall(fold_letters(text or "")):
        out.extend(_pairs(run))
        if len(out) >= limit:
            return out[:limit]
    return out


def subword_string(text, limit=SUBWORD_TOKEN_LIMIT):
    """Space-separated sub-word tokens: what the engines store in the sub-word field."""
    return " ".join(subword_pairs(text, limit))


def query_subwords(token):
    """The ordered cluster pairs of one query token (to match as a phrase), or ().

    Only a token that is wholly Khmer, Thai, Lao or Burmese letters and has 2+ clusters has
    pairs; Latin words, numbers and single clusters are matched as whole tokens only."""
    folded = fold_letters(token or "")
    if not folded or not _RUN.fullmatch(folded):
        return ()
    return tuple(_pairs(folded))
