"""Snippets with the matched words marked, computed from the stored display text.

Both engines use this, so a hit looks the same whichever engine found it. Matching works on
the same tokens as the index (so "Phnum Penh" marks "Phnum Pénh", and ជំនួយ is marked inside
running Khmer text). The output is a SafeString built with Django's escaping: every piece of
record text goes through conditional_escape, and the only markup is our own <mark> (format_html),
so a title or text holding "<script>" is shown as text whether or not a query word matched.
"""

from django.utils.html import conditional_escape, format_html, format_html_join

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


def marked_html(text, spans):
    """`text` escaped piece by piece, with <mark> around each (start, end) of `spans`."""
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(conditional_escape(text[position:start]))
        pieces.append(format_html("<mark>{}</mark>", text[start:end]))
        position = end
    pieces.append(conditional_escape(text[position:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


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
        shown = cut.rsplit(" ", 1)[0] if more and " " in cut else cut
        return format_html("{}{}", shown, "…" if more else ""), False
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
    window = [(s - start, e - start) for s, e in hits if start <= s and e <= end]
    body = marked_html(text[start:end], window)
    return format_html("{}{}{}", "…" if start else "", body, "…" if end < len(text) else ""), True


def mark_title(title, terms, prefixes=(), phrases=()):
    """The whole title, escaped, with matched words marked."""
    text = clean(title)
    return marked_html(text, matched_spans(token_spans(text), terms, prefixes, phrases))
