"""What an empty result page offers instead of an empty filter box: names that start with one of
the typed words (through `api.suggest`, so only what the viewer may see)."""

import logging

from . import api, registry

logger = logging.getLogger(__name__)

MAX_WORDS = 4
MIN_WORD = 3
LIMIT = 6


def no_result_suggestions(text, viewer=None, limit=LIMIT):
    """[{"title", "url", "kind", "kind_label"}] of names starting with a typed word."""
    words = [w for w in (text or "").split() if len(w) >= MIN_WORD][:MAX_WORDS]
    labels = {name: str(kind.label) for name, kind in registry.kinds().items()}
    out, seen = [], set()
    for word in sorted(words, key=len, reverse=True):  # the longest words say the most
        try:
            found = api.suggest(word, locale=api.current_language(), viewer=viewer, limit=limit)
        except Exception:
            logger.warning("Suggestions failed for %r", word, exc_info=True)
            continue
        for item in found:
            if item["url"] not in seen:
                seen.add(item["url"])
                out.append({**item, "kind_label": labels.get(item["kind"], item["kind"])})
    return out[:limit]
