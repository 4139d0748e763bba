"""The directory listing counts on the search index (directory/facets.py). Tests build records
with plain saves, which the index never hears of (only publishing reaches it), so here the index
is rebuilt before a request whenever directory records changed since the last one: each request
sees the published records as a live site would after their publish."""

import pytest

from tests.index_sync import index_follows_saves


@pytest.fixture(autouse=True)
def _index_follows_saves(db):
    with index_follows_saves() as rebuild:
        yield rebuild
