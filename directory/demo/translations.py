"""Khmer, Thai and Lao names of demo organizations (`translations.json` next to this module).

The portal's content locales are English and Khmer, and every demo organization is one record
per slug, so these names are stored as names of kind "alias" with a note naming the language:
they are shown under "Also known as" and indexed with the organization's other names (and on
each of its services). Each is a translation of the English name, nothing more.
"""

import json
from functools import cache
from pathlib import Path

FILE = Path(__file__).resolve().parent / "translations.json"
LANGUAGE_NOTES = {"km": "Khmer name", "th": "Thai name", "lo": "Lao name"}


@cache
def _table():
    with open(FILE, encoding="utf-8") as handle:
        return json.load(handle)


def names(slug):
    """Name rows (as in a fixture record's "names") for the organization `slug`."""
    table = _table()
    return [
        {"name": table[code][slug], "kind": "alias", "note": note}
        for code, note in LANGUAGE_NOTES.items()
        if slug in table.get(code, {})
    ]
