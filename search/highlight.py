"""Snippets with the matched words marked, computed from the stored display text.

Both engines use this, so a hit looks the same whichever engine found it. Matching works on
the same tokens as the index (so "Phnum Penh" marks "Phnum Pénh", and ជំនួយ is marked inside
running Khmer text); the output is escaped HTML with <mark> around matched words.
"""

from django.utils.html import escape

from .text import clean, token_spans

SNIPPET_CHARS = 220
SCAN_CHARS = 5000  # a snippet comes from the start of long texts (abstracts, not full text)


def _matches(token, terms, prefixes):
    return token in terms or any(token.startswith(p) for p in prefixes)


def matched_spans(spans, terms, prefixes=(), phrases=()):
    """(start, end) of the words to mark: single terms, prefixes, and whole phrases only (a
    synonym "Poipet City" marks "Poipet City", never every "city")."""
    tokens = [tok for _s, _e, tok in spans]
    out, i = [], 0
    while i < len(spans):
        for phrase in phrases:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                out += [(s, e) for s, e, _t in spans[i : i + len(phrase)]]
                i += len(phrase)
                break
        else:
            if _matches(tokens[i], terms, prefixes):
                out.append(spans[i][:2])
            i += 1
    return out


def _window_start(text, best_start, length):
    """Where a snippet begins: at the start of the line or sentence holding the match when that
    is close, else a little before the match at a word boundary."""
    floor = max(0, best_start - length // 2)
    breaks = [text.rfind(mark, floor, best_start) for mark in ("\n", ". ", "; ")]
    found = max(breaks)
    if found >= 0:
        return found + (1 if text[found] == "\n" else 2)
    start = max(0, best_start - length // 4)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space > start - 30 else start
    return start


def snippet(text, terms, prefixes=(), length=SNIPPET_CHARS, phrases=()):
    """(html, matched) for the best window of `text`: the first window holding the most
    distinct matched words. Without a match, the start of the text (matched=False)."""
    text = (text or "")[:SCAN_CHARS]
    spans = token_spans(text)
    text = clean(text)  # token_spans measured offsets in the cleaned text
    hits = matched_spans(spans, terms, prefixes, phrases)
    if not hits:
        cut = text[:length]
        more = len(text) > length
        return escape(cut.rsplit(" ", 1)[0] if more and " " in cut else cut) + ("…" if more else ""), False
    best_start, best_score = hits[0][0], 0
    for start, _end in hits:
        window = {text[s:e].casefold() for s, e in hits if start <= s and e <= start + length}
        if len(window) > best_score:
            best_start, best_score = start, len(window)
    start = _window_start(text, best_start, length)
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > end - 30 else end
    out = ["…" if start else ""]
    position = start
    for s, e in hits:
        if s < start or e > end:
            continue
        out.append(escape(text[position:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    out.append(escape(text[position:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out), True


def mark_title(title, terms, prefixes=(), phrases=()):
    """The whole title, escaped, with matched words marked."""
    text = clean(title)
    out, position = [], 0
    for start, end in matched_spans(token_spans(text), terms, prefixes, phrases):
        out += [escape(text[position:start]), f"<mark>{escape(text[start:end])}</mark>"]
        position = end
    out.append(escape(text[position:]))
    return "".join(out)
