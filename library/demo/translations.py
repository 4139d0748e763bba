"""Khmer, Thai and Lao titles of demo library items (`translated_titles.json` next to this
module), stored as the item's alternative titles: one per line, indexed with its other names."""

import json
from functools import cache
from pathlib import Path

FILE = Path(__file__).resolve().parent / "translated_titles.json"


@cache
def _table():
    with open(FILE, encoding="utf-8") as handle:
        return json.load(handle)


def alternative_titles(slug):
    return "\n".join(_table().get(slug, []))
