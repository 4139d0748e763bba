"""The listing's SQL queries per page stay the same at any scale, and few: filters and facet
counts come from the search index's in-process bitmaps; only the page's own rows are read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.filters import _reference as reference_caches
from search.engines import snapshot as snapshots

INDEX = reverse("directory:index")


MIXED = [
    "",
    "?country=kh",
    "?province=battambang&type=SHELTER",
    "?province=battambang&type=SHELTER&group=children",
    "?country=kh&type=HELP&language=km&group=men",
    "?province=battambang&group=labour&language=en&page=2",
]


def build(make_org, make_service, start, n):
    for i in range(start, start + n):
        org = make_org(f"Scale Org {i:03d}", slug=f"scale-{i}", area_key="KH:02" if i % 2 else "KH:12")
        make_service(org, terms=["SHELTER.SHORT"], languages=["km"], areas=["KH:02"], serves_children=True)
        make_service(
            org, terms=["HELP.TIP"], languages=["en", "km"], serves_men=True, trafficking_labour=True
        )


@pytest.mark.parametrize("query", MIXED)
def test_at_most_eight_queries_per_page_at_two_scales(
    client, make_org, make_service, _index_follows_saves, query
):
    for start, n in ((0, 4), (4, 60)):  # 4 organizations, then 64 (more than a page)
        build(make_org, make_service, start, n)
        _index_follows_saves(None)  # indexed before the request, as publishing does
        # The same page once before: the process's snapshot and every reference cache the page
        # reads (provinces, types, languages: kept five minutes) are warm, as on a running site.
        # A different page (other words) may match nothing, render no card and leave a cache
        # this page reads to expire in between, adding a query at random. Emptied first, the
        # caches are all filled by the warm page and cannot expire before the measured one.
        reference_caches.clear()
        client.get(INDEX + query)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(INDEX + query)
        # The base template's demo-data banner asks its own three questions on every page.
        listing = [q["sql"] for q in captured.captured_queries if '"is_demo"' not in q["sql"]]
        assert len(listing) <= 8, "\n".join(listing)
        assert response.status_code == 200
        assert b'data-testid="result"' in response.content


WITH_WORDS = [
    "?q=scale",
    "?q=scale+org&province=battambang&type=SHELTER&group=children",
    "?q=legal+aid&language=en",  # a synonym phrase, also matched word by word
    "?q=shelter&sort=name&country=kh&type=HELP&group=men",
    "?q=scale+zzzzqx",  # partial results: one word matches nothing
    "?q=legal&province=battambang&group=labour&language=en&page=2",
]


def build_named(make_org, make_service, start, n):
    for i in range(start, start + n):
        org = make_org(f"Scale Org {i:03d}", slug=f"scale-{i}", area_key="KH:02" if i % 2 else "KH:12")
        make_service(
            org,
            "Shelter for children",
            terms=["SHELTER.SHORT"],
            languages=["km"],
            areas=["KH:02"],
            serves_children=True,
        )
        make_service(
            org,
            "Legal aid line",
            terms=["HELP.TIP"],
            languages=["en", "km"],
            serves_men=True,
            trafficking_labour=True,
        )


@pytest.mark.parametrize("query", WITH_WORDS)
def test_words_and_filters_cost_the_same_few_queries_at_three_times_the_scale(
    client, make_org, make_service, _index_follows_saves, query
):
    """With words the page asks no more than without: the text is matched in one statement
    (every word, field and synonym phrase), the name order in one, then the page's own rows;
    the count is the whole page's, site chrome included, and does not move when the directory
    triples."""
    counts = []
    for start, n in ((0, 30), (30, 60)):  # 30 organizations, then 90
        build_named(make_org, make_service, start, n)
        _index_follows_saves(None)
        reference_caches.clear()
        client.get(INDEX + query)  # warm, as above: snapshot, synonyms and reference caches
        # The text matches the warm page kept are let go: the page measured asks its text match,
        # as the first page after any publish does (the count is the page's full cost).
        for snap in snapshots._snapshots.values():
            snap.matches.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(INDEX + query)
        assert response.status_code == 200
        assert b'data-testid="result"' in response.content
        queries = [q["sql"] for q in captured.captured_queries]
        assert len(queries) <= 8, "\n".join(queries)
        counts.append(len(queries))
    assert counts[0] == counts[1]
