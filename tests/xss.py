"""The XSS payload corpus (tests/fixtures/xss_payloads.txt) and checks that a payload is shown
as text: escaped in HTML, a plain string in JSON."""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

CORPUS = Path(__file__).parent / "fixtures" / "xss_payloads.txt"


def load_payloads():
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("# ")]


PAYLOADS = load_payloads()


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}


class _Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def active_markup(page_html):
    """Elements or attributes in `page_html` that only a payload could have put there: event
    handlers, script elements running alert, javascript: URLs, elements loading xss.example."""
    parser = _Elements()
    parser.feed(page_html)
    found = []
    for tag, attrs in parser.tags:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            # A URL attribute that runs script or loads from the payloads' host. (Other
            # attributes may hold payload text: data-value='<a href="javascript:…">' is inert.)
            if name in URL_ATTRIBUTES and re.match(
                r"\s*((java|vb)\s*script\s*:|(https?:)?//xss\.example)", value, re.I
            ):
                found.append(f"<{tag} {name}={value!r}>")
        if tag in ("x", "mglyph", "marquee", "mtext"):
            found.append(f"<{tag}>")
    found += [m.group(0) for m in re.finditer(r"<script[^>]*>\s*alert", page_html, re.IGNORECASE)]
    return found


def shown_as_text(page_html, payload):
    """The payload appears in the page as escaped text (every markup character escaped)."""
    return html.escape(payload, quote=False) in page_html or html.escape(payload) in page_html
