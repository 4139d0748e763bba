"""Text clean-up shared by every reader: Unicode NFKC, no control characters, tidy whitespace.

    normalise_text(text) -> str
    cap_text(text, max_chars) -> (text, was_cut)

NFKC folds presentation forms that PDFs are full of (the "ﬁ" ligature becomes "fi", full-width
digits become ASCII) so that search finds them. Khmer is unchanged by NFKC. Zero-width joiners
and non-joiners are kept (they matter for Khmer and Indic rendering); the byte-order mark, soft
hyphens and C0/C1 control characters other than tab and newline are removed.
"""

import re
import unicodedata

# C0 and C1 controls except tab and newline, surrogates, BOM, soft hyphen, non-characters.
_REMOVE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\u00ad\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text):
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", text)
    text = unicodedata.normalize("NFKC", text)
    text = _REMOVE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def cap_text(text, max_chars):
    if max_chars and len(text) > max_chars:
        cut = text[:max_chars]
        # Do not end inside a word when a space is near.
        space = cut.rfind(" ", max(0, max_chars - 200))
        return (cut[:space] if space > 0 else cut).rstrip(), True
    return text, False


def has_words(text):
    """True when the text holds at least one letter or digit (not just page furniture)."""
    return any(char.isalnum() for char in text)
