"""Text analysis shared by every engine: the same words at index time and at query time.

Khmer, Thai, Lao and Burmese are written without spaces between words, so ICU's word breaker
(`icu4py`) splits all text into words first; the engines then only ever see space-separated
tokens and need no language knowledge of their own. Each token is:

- case-folded and NFKC-normalised;
- stripped of Latin diacritics (Phnum Pénh = Phnum Penh, Đà Nẵng = Da Nang), while the marks
  that Khmer, Thai, Lao and Burmese need are kept (they are part of the letters there);
- lightly stemmed when it is plain English (shelters = shelter, agencies = agency).

`tokens()` gives the tokens; `token_spans()` gives them with their place in the original text,
for highlighting.
"""

import re
import unicodedata
from functools import lru_cache

from icu4py.breakers import WordBreaker

MAX_TOKEN_LENGTH = 60  # longer "words" are noise (base64, hashes) and bloat the index

# Characters that never belong in text we index or query: C0/C1 controls except tab/newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_LATIN_DIACRITIC = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff]")
_ASCII_WORD = re.compile(r"[a-z]+\Z")
_SPECIAL_FOLDS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
_INNER_PUNCT = re.compile(r"['’‘`\u00b7.]")  # O'Chrov, U.S. -> ochrov, us


def clean(text):
    """Text with control characters removed and Unicode normalised (NFKC)."""
    return unicodedata.normalize("NFKC", _CONTROL.sub(" ", text or ""))


def _fold(word):
    word = word.casefold().translate(_SPECIAL_FOLDS)
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    # Only the Latin combining block is dropped: Khmer, Thai, Lao and Burmese vowel signs and
    # subscripts are combining marks too, and removing them would change the word.
    return unicodedata.normalize("NFC", _LATIN_DIACRITIC.sub("", decomposed))


def stem(word):
    """A light English stemmer (plural and possessive endings only): precise, never surprising.

    shelters -> shelter, agencies -> agency, centres -> centre, services -> service; words that
    only look plural (us, ss, is: "status", "address", "analysis") are left alone."""
    if len(word) <= 3 or not _ASCII_WORD.match(word):
        return word
    if word.endswith("ies") and len(word) > 4 and word[-4] not in "aeiou":
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


@lru_cache(maxsize=20000)
def normalize_word(word):
    """One word as the index stores it ("" when nothing indexable is left)."""
    word = _INNER_PUNCT.sub("", _fold(word))
    if not _WORDLIKE.search(word):
        return ""
    word = "".join(ch for ch in word if ch.isalnum() or unicodedata.category(ch).startswith("M"))
    if not word or len(word) > MAX_TOKEN_LENGTH:
        return ""
    return stem(word)


def _segments(text):
    """(start, end, piece) for every ICU word segment of `text` (offsets in Python characters)."""
    if not text:
        return
    position = 0
    # The break iterator works in UTF-16; iterating yields the pieces themselves, so offsets
    # are counted here in Python characters (safe with emoji and other astral characters).
    for piece in WordBreaker(text, "km"):
        end = position + len(piece)
        yield position, end, piece
        position = end


def token_spans(text):
    """[(start, end, token)] for each indexable word of `text`."""
    text = clean(text)
    spans = []
    for start, end, piece in _segments(text):
        token = normalize_word(piece)
        if token:
            spans.append((start, end, token))
    return spans


def tokens(text):
    """The index tokens of `text`, in order."""
    return [token for _s, _e, token in token_spans(text)]


def token_string(text):
    """Tokens joined by spaces: what the engines store and match."""
    return " ".join(tokens(text))


def is_latin(token):
    return token.isascii()
