"""Partial results: when no document holds every typed word, the engines return the best
partial matches and name the words they left out (`Result.unmatched`). The pages say so and
offer the same search without those words; this module turns the engine's answer into that.
"""

from .text import token_string


def unmatched_tokens(result):
    """The normalised words the engine could not match (empty for a full match)."""
    if not getattr(result, "partial", False):
        return []
    return [str(t) for t in getattr(result, "unmatched", None) or [] if str(t).strip()]


def split_typed(text, unmatched):
    """(words as typed that were not matched, the query without them, or "" when there is no
    such query to offer)."""
    left_out = {token_string(t) for t in unmatched}
    dropped, kept = [], []
    for word in text.split():
        folded = token_string(word)
        if folded and (folded in left_out or set(folded.split()) <= left_out):
            dropped.append(word)
        else:
            kept.append(word)
    if not dropped:  # the engine's tokens do not map back to words (e.g. a Khmer compound)
        return list(unmatched), ""
    return dropped, " ".join(kept)
