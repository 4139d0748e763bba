"""Text analysis shared by every engine: the same words at index time and at query time.

Khmer, Thai, Lao and Burmese are written without spaces between words, so ICU's word breaker
(`icu4py`) splits all text into words first; the engines then only ever see space-separated
tokens and need no language knowledge of their own. Each token is:

- case-folded and NFKC-normalised;
- stripped of Latin diacritics (Phnum Pénh = Phnum Penh, Đà Nẵng = Da Nang), while the marks
  that Khmer, Thai, Lao and Burmese need are kept (they are part of the letters there);
- lightly stemmed when it is plain English (shelters = shelter, agencies = agency);
- spelt one way where a script has interchangeable spellings (see `fold_script`): the Khmer
  subscript da and ta (្ដ = ្ត), deprecated or invisible Khmer characters, the order of two
  subscripts or of a vowel and a sign typed either way;
- a number: Khmer, Thai, Lao and Burmese digits become ASCII digits (២០០៨ = 2008) and leading
  zeros go (012 = 12, "0" stays); digits glued to Khmer/Thai/Lao letters are cut off them
  (ឆ្នាំ២០០៨ = ឆ្នាំ 2008);
- split after an administrative word glued to a place name (ខេត្តបាត់ដំបង = ខេត្ត បាត់ដំបង), see
  `search.stopwords.ADMIN_WORDS`.

Words inside ICU's dictionary compounds are reached through the sub-word field
(`search.subwords`), which uses the same folding.

`tokens()` gives the tokens; `token_spans()` gives them with their place in the original text,
for highlighting.
"""

import re
import unicodedata
from functools import lru_cache

from icu4py.breakers import CharacterBreaker, WordBreaker

from .stopwords import NOT_ADMIN_COMPOUNDS, SCRIPT_ADMIN_WORDS

MAX_TOKEN_LENGTH = 60  # longer "words" are noise (base64, hashes) and bloat the index

# Characters that never belong in text we index or query: C0/C1 controls except tab/newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_LATIN_DIACRITIC = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff]")
_ASCII_WORD = re.compile(r"[a-z]+\Z")
_SPECIAL_FOLDS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
_INNER_PUNCT = re.compile(r"['’‘`\u00b7.]")  # O'Chrov, U.S. -> ochrov, us

# Interchangeable spellings, folded BEFORE word breaking so ICU sees one form. Each keeps the
# text's length (offsets of highlighted words stay exact); length-changing folds are per token.
_SCRIPT_FOLDS = (
    # Subscript da and subscript ta look the same and are typed either way (ស្ដី / ស្តី).
    (re.compile("\u17d2\u178a"), "\u17d2\u178f"),
    # Coeng ro belongs after the other subscript (ស្ត្រី); typed first it renders the same (ស្រ្តី).
    (re.compile("\u17d2\u179a(\u17d2[\u1780-\u17a2])"), "\\1\u17d2\u179a"),
    # Vowel u then nikahit (ុំ), not the reverse that renders the same.
    (re.compile("\u17c6\u17bb"), "\u17bb\u17c6"),
)
_CHAR_FOLDS = (
    ("\u17a3", "\u17a2"),  # deprecated independent vowel QAQ -> QA (Unicode recommends)
    ("\u17b2", "\u17b1"),  # QOO type two -> QOO type one (ឲ្យ = ឱ្យ)
)
# Per token: deprecated QAA -> QA + AA; invisible inherent vowels and zero-width characters go.
_TOKEN_FOLDS = str.maketrans(
    {"\u17a4": "\u17a2\u17b6", **dict.fromkeys("\u17b4\u17b5\u200b\u200c\u200d\u2060\ufeff")}
)
_DIGITS = str.maketrans(
    {chr(base + i): str(i) for base in (0x17E0, 0x0E50, 0x0ED0, 0x1040, 0x1090) for i in range(10)}
)
# Letters and marks of the scripts written without spaces (Thai, Lao, Burmese, Khmer).
SCRIPT_LETTERS = "\u0e01-\u0e4e\u0e81-\u0ecd\u1000-\u103f\u1050-\u108f\u1780-\u17d3\u17dc\u17dd"
_DIGIT_EDGE = re.compile(f"(?<=[{SCRIPT_LETTERS}])(?=\\d)|(?<=\\d)(?=[{SCRIPT_LETTERS}])")


# NFKC splits the Thai and Lao vowel AM (ำ, ຳ) into two characters, a form ICU's dictionaries do
# not hold (สำหรับ was cut in two); it is put back together: the same letter, as everyone types it.
_AM_PARTS = (("\u0e4d\u0e32", "\u0e33"), ("\u0ecd\u0eb2", "\u0eb3"))


def clean(text):
    """Text with control characters removed and Unicode normalised (NFKC, Thai and Lao AM kept whole)."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text or ""))
    for parts, whole in _AM_PARTS:
        if parts in text:
            text = text.replace(parts, whole)
    return text


def fold_script(text):
    """`text` with one spelling of interchangeable Khmer characters (same length, same offsets)."""
    for pattern, replacement in _SCRIPT_FOLDS:
        text = pattern.sub(replacement, text)
    for old, new in _CHAR_FOLDS:
        text = text.replace(old, new)
    return text


def fold_letters(text):
    """`fold_script` plus the folds that change length (for text that is not highlighted)."""
    return clean(fold_script(text).translate(_TOKEN_FOLDS))


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
    word = _INNER_PUNCT.sub("", _fold(fold_script(word).translate(_TOKEN_FOLDS)))
    if not _WORDLIKE.search(word):
        return ""
    word = "".join(ch for ch in word if ch.isalnum() or unicodedata.category(ch).startswith("M"))
    if not word or len(word) > MAX_TOKEN_LENGTH:
        return ""
    if word.isdigit():
        word = word.translate(_DIGITS)
        return (word.lstrip("0") or "0") if word.isascii() else word
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


def _admin_split(piece, token):
    """Where to cut `piece` after a Khmer/Thai/Lao administrative word glued to a name (the
    place name must have 2+ clusters left: ខេត្តបាត់ដំបង), or None."""
    if token.isascii() or token.startswith(tuple(NOT_ADMIN_COMPOUNDS)):
        return None
    for admin in SCRIPT_ADMIN_WORDS:
        if token.startswith(admin) and len(list(CharacterBreaker(token[len(admin) :], "km"))) >= 2:
            for cut in range(len(admin), len(piece)):
                at_cluster_start = not unicodedata.category(piece[cut]).startswith("M")
                if at_cluster_start and normalize_word(piece[:cut]) == admin:
                    return cut
    return None


@lru_cache(maxsize=20000)
def _pieces(piece):
    """((start, end, token), ...) of one non-ASCII ICU segment, offsets within it: cut where
    digits meet Khmer/Thai/Lao letters and after a glued administrative word."""
    edges = [0] + [m.start() for m in _DIGIT_EDGE.finditer(piece)] + [len(piece)]
    out = []
    for a, b in zip(edges, edges[1:], strict=False):
        part = piece[a:b]
        token = normalize_word(part)
        if not token:
            continue
        cut = _admin_split(part, token)
        if cut is None:
            out.append((a, b, token))
        else:
            out.append((a, a + cut, normalize_word(part[:cut])))
            rest = normalize_word(part[cut:])
            if rest:
                out.append((a + cut, b, rest))
    return tuple(out)


# Invisible characters inside words (Khmer inherent vowels, joiners) would make ICU cut the word:
# removed before breaking. The zero-width space stays: writers put it between words on purpose.
_INVISIBLE = frozenset("\u17b4\u17b5\u200c\u200d\u2060\ufeff")


def token_spans(text):
    """[(start, end, token)] for each indexable word of `text` (offsets in `clean(text)`)."""
    text = fold_script(clean(text))  # same length: offsets hold for the cleaned text
    positions = None
    if not _INVISIBLE.isdisjoint(text):
        positions = [i for i, ch in enumerate(text) if ch not in _INVISIBLE]
        text = "".join(text[i] for i in positions)
    spans = []
    for start, end, piece in _segments(text):
        if piece.isascii():  # the common case: no script digits to cut, no admin word to split
            token = normalize_word(piece)
            if token:
                spans.append((start, end, token))
        else:
            spans.extend((start + a, start + b, token) for a, b, token in _pieces(piece))
    if positions is not None:  # back to offsets in the text as it was
        spans = [(positions[s], positions[e - 1] + 1, t) for s, e, t in spans]
    return spans


def tokens(text):
    """The index tokens of `text`, in order."""
    return [token for _s, _e, token in token_spans(text)]


def token_string(text):
    """Tokens joined by spaces: what the engines store and match."""
    return " ".join(tokens(text))


def is_latin(token):
    return token.isascii()
