"""The listing's relevance order is sorted only as far as a page reads it
(directory/facets.py `_SortedOnDemand`); every way it is read must give the full sort's answer."""

import random

from directory.facets import _SortedOnDemand


def test_any_read_gives_what_the_full_sort_gives():
    rng = random.Random(13)
    pks = rng.sample(range(10_000), 2_000)
    key = lambda pk: (pk % 3, -(pk % 17), pk)  # noqa: E731 - ties broken by a unique last part
    expected = sorted(pks, key=key)
    for read in (
        lambda s: s[0:25],
        lambda s: s[25:50],
        lambda s: s[1975:2000],
        lambda s: s[-25:],
        lambda s: s[::-1][:5],
        lambda s: s[3000:3025],
        lambda s: [s[0], s[24], s[-1]],
        lambda s: list(s),
    ):
        assert read(_SortedOnDemand(list(pks), key)) == read(expected)
    lazy = _SortedOnDemand(list(pks), key)
    assert lazy[0:25] == expected[:25] and lazy[100:125] == expected[100:125] and len(lazy) == 2_000
