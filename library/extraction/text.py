"""Plain text and HTML.

    decode_text(data: bytes, declared=None) -> (str, encoding, guessed: bool)
    read_txt(data, max_chars) -> Extracted
    read_html(data, max_chars) -> Extracted      (visible text only: no script, style, head)

Decoding: a byte-order mark (UTF-8, UTF-16 and UTF-32) wins; then strict UTF-8; then UTF-16
without a mark when every other byte is zero; then a charset declared in the HTML; then
charset-normalizer's guess (e.g. Windows-1252, TIS-620/cp874 for Thai, cp1258 for Vietnamese),
reported in the extraction message because a guess can be wrong.
"""

import codecs
import re
from html.parser import HTMLParser

from .normalise import has_words, normalise_text
from .problems import Extracted, Problem

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
DETECTION_SAMPLE = 256 * 1024
LATIN_SINGLE_BYTE = {
    "cp1250",
    "cp1252",
    "cp1257",
    "cp850",
    "cp852",
    "cp775",
    "latin_1",
    "iso8859_2",
    "iso8859_15",
    "mac_latin2",
    "mac_roman",
    "mac_iceland",
}


def _known(encoding):
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError):
        return None


def decode_text(data, declared=None):
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding.replace("-sig", ""), False
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if len(sample) >= 4:
        even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
        if odd_zeros > 0.3 * len(sample) / 2 and even_zeros < odd_zeros / 4:
            return data.decode("utf-16-le", errors="replace"), "utf-16-le", False
        if even_zeros > 0.3 * len(sample) / 2 and odd_zeros < even_zeros / 4:
            return data.decode("utf-16-be", errors="replace"), "utf-16-be", False
    declared = _known(declared) if declared else None
    if declared and declared not in ("utf-8", "utf-16", "utf-32"):
        try:
            return data.decode(declared), declared, False
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:DETECTION_SAMPLE]))
    best = matches[0] if matches else None
    # Short Latin-script texts fit several Windows code pages equally well; Windows-1252 is by far
    # the most common (Word's "plain text" on Western Windows), so it wins a near tie.
    if best is not None and best.encoding in LATIN_SINGLE_BYTE:
        western = next((m for m in matches if m.encoding == "cp1252"), None)
        if western is not None and western.chaos - best.chaos <= 0.15:
            best = western
    if best is None or not _known(best.encoding):
        raise Problem(
            "failed",
            "The text's character encoding could not be recognised. Save it as UTF-8 and upload it again.",
            "charset-normalizer found no match",
        )
    return data.decode(best.encoding, errors="replace"), _known(best.encoding), True


def _encoding_note(encoding, guessed):
    if guessed:
        return (
            f"The file is not UTF-8; its encoding was recognised as {encoding}. "
            "Check the text if it looks wrong."
        )
    return None


def read_txt(data, max_chars):
    text, encoding, guessed = decode_text(data)
    text = normalise_text(text)
    if not has_words(text):
        raise Problem("no_text_layer", "The text file is empty.", f"{len(data)} bytes, encoding {encoding}")
    note = _encoding_note(encoding, guessed)
    return Extracted(text=text, notes=[note] if note else [])


SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object"}
BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
    "caption",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    """Collects text a reader would see. The <title> is kept (it names the document)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.title = []
        self._skip_tag = None
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if self._skip_tag:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if tag == "title":
            self._in_title = True
            return
        hidden = any(name == "hidden" or (name == "aria-hidden" and value == "true") for name, value in attrs)
        if (tag in SKIP or hidden) and tag not in VOID:
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in BLOCK:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_startendtag(self, tag, attrs):
        if not self._skip_tag and tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self._skip_tag:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth <= 0:
                    self._skip_tag = None
            return
        if tag == "title":
            self._in_title = False
        elif tag in BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._skip_tag:
            self.parts.append(data)


def read_html(data, max_chars):
    match = META_CHARSET.search(data[:4096])
    text, encoding, guessed = decode_text(data, declared=match.group(1).decode("ascii") if match else None)
    parser = _VisibleText()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser is lenient; this is very broken markup
        raise Problem("failed", "The HTML file is too broken to read.", repr(exc))
    title = normalise_text("".join(parser.title))
    body = normalise_text("".join(parser.parts))
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}" if body else title
    if not has_words(body):
        raise Problem("no_text_layer", "The HTML page has no visible text.", f"{len(data)} bytes")
    note = _encoding_note(encoding, guessed)
    return Extracted(text=body, notes=[note] if note else [])
