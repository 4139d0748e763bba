"""Search at scale with the database engine (prints numbers; never asserts).

    .venv/bin/python bench/search.py [--orgs 5000] [--services-per-org 4] [--queries 200]

Builds a throwaway SQLite database with a synthetic directory (English and Khmer text), indexes
it through the real pipeline (the directory's search kinds -> documents -> database engine),
then times 200 mixed queries (one word, two words, Khmer, with facet filters; every query also
counts all six facets) and the same queries as raw FTS5 MATCH statements on the same index,
so the cost of our engine over the raw floor is visible.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def vocabulary():
    """English and Khmer words of the service taxonomy (names and descriptions), most frequent
    first: the words a directory of these services is written in."""
    import csv
    from collections import Counter

    from search.text import tokens

    english, khmer = Counter(), Counter()
    with open(ROOT / "directory" / "reference" / "taxonomy.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for word in f"{row['name_en']} {row['description']}".split():
                word = word.strip(".,;:()\"'").lower()
                if word.isalpha() and len(word) > 3:
                    english[word] += 1
            for word in tokens(row["name_km"]):
                khmer[word] += 1
    return [w for w, _n in english.most_common()], [w for w, _n in khmer.most_common()]


WORDS_EN, WORDS_KM = [], []


def zipf_choice(rng, words, k=1):
    """Words drawn with frequency ~ 1/rank, like words in real text."""
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return rng.choices(words, weights=weights, k=k)


def percentile(values, p):
    values = sorted(values)
    return values[max(0, int(round(len(values) * p)) - 1)]


def build(args, rng):
    from wagtail.models import Locale

    from directory.models import (
        Area,
        Language,
        Organization,
        OrganizationName,
        OrganizationType,
        Service,
        ServiceArea,
        ServiceLanguage,
        ServiceTerm,
        TaxonomyTerm,
    )

    provinces = list(Area.objects.filter(kind="province", country__key="KH"))
    countries = list(Area.objects.filter(key__in=["KH", "TH", "VN", "MY", "LA"]))
    terms = list(TaxonomyTerm.objects.exclude(parent=None))
    languages = list(Language.objects.all())
    locale = Locale.get_default()

    def text(n):
        return " ".join(zipf_choice(rng, WORDS_EN, k=n - n // 5) + zipf_choice(rng, WORDS_KM, k=n // 5))

    orgs = []
    for i in range(args.orgs):
        country = countries[0] if i % 4 else rng.choice(countries)
        orgs.append(
            Organization(
                name=" ".join(
                    [rng.choice(WORDS_EN).title(), rng.choice(WORDS_EN).title(), rng.choice(WORDS_KM)]
                    + [f"Centre {i}"]
                ),
                slug=f"bench-org-{i}",
                org_type=rng.choice(OrganizationType.values),
                country=country,
                area=rng.choice(provinces) if country.key == "KH" else None,
                description=text(40),
                locale=locale,
                live=True,
            )
        )
    Organization.objects.bulk_create(orgs, batch_size=500)
    orgs = list(Organization.objects.filter(slug__startswith="bench-org-"))
    OrganizationName.objects.bulk_create(
        [OrganizationName(organization=o, name=f"ORG{o.pk}", kind="acronym", sort_order=0) for o in orgs],
        batch_size=500,
    )
    services = [
        Service(
            organization=org,
            name=f"{rng.choice(WORDS_EN).title()} {rng.choice(WORDS_KM)} service {j}",
            description=text(25),
            locale=locale,
            live=True,
            serves_men=rng.random() < 0.5,
            serves_children=rng.random() < 0.6,
            trafficking_labour=rng.random() < 0.4,
        )
        for org in orgs
        for j in range(args.services_per_org)
    ]
    Service.objects.bulk_create(services, batch_size=500)
    services = list(Service.objects.filter(organization__slug__startswith="bench-org-"))
    ServiceTerm.objects.bulk_create(
        [ServiceTerm(service=s, term=rng.choice(terms)) for s in services], batch_size=500
    )
    ServiceArea.objects.bulk_create(
        [ServiceArea(service=s, area=rng.choice(provinces)) for s in services], batch_size=500
    )
    ServiceLanguage.objects.bulk_create(
        [ServiceLanguage(service=s, language=rng.choice(languages)) for s in services], batch_size=500
    )
    return [p.slug for p in provinces], sorted({t.code.split(".")[0] for t in terms})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=5000)
    parser.add_argument("--services-per-org", type=int, default=4)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print where the engine's time goes")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["ELASTICSEARCH_URL"] = ""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from search import api
    from search.contract import Query
    from search.engines import database_engine
    from search.engines.dialects import SQLiteFTS5
    from search.planning import plan

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "--no-communes", verbosity=0)
    WORDS_EN[:], WORDS_KM[:] = vocabulary()
    print(f"vocabulary: {len(WORDS_EN)} English and {len(WORDS_KM)} Khmer words (Zipf-distributed)")
    rng = random.Random(7)
    t0 = time.perf_counter()
    province_slugs, families = build(args, rng)
    print(
        f"built {args.orgs} organizations and {args.orgs * args.services_per_org} services "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    engine = database_engine()
    t0 = time.perf_counter()
    counts = api.rebuild(engine)
    seconds = time.perf_counter() - t0
    total_docs = sum(counts.values())
    print(
        f"indexed {total_docs} documents ({counts}) in {seconds:.1f} s: "
        f"{total_docs / seconds:.0f} documents/s"
    )

    from search.engines import snapshot as snapshots

    snapshots._snapshots.clear()
    t0 = time.perf_counter()
    snapshots.get()
    print(
        f"facet snapshot built in {(time.perf_counter() - t0) * 1000:.0f} ms "
        "(once per process after each index change)"
    )

    facets = ["kind", "country", "province", "type", "group", "language"]

    def word(words=WORDS_EN):
        return zipf_choice(rng, words[:200])[0]  # people type the common words most

    mixes = [
        lambda: (word(), {}),
        lambda: (f"{word()} {word()}", {}),
        lambda: (word(WORDS_KM), {}),
        lambda: (word(), {"province": [rng.choice(province_slugs)]}),
        lambda: (f"{word()} {word(WORDS_KM)}", {"type": [rng.choice(families)]}),
        lambda: (f"ORG{rng.randrange(1, args.orgs)}", {}),
        lambda: (word()[:-1] + "x", {}),  # a misspelling: fuzzy
    ]
    queries = [rng.choice(mixes)() for _ in range(args.queries)]
    for text, filters in queries[:10]:  # warm-up
        engine.search(Query(text=text, filters=filters, facets=facets))

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for text, filters in queries[:50]:
            engine.search(Query(text=text, filters=filters, facets=facets))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    ours, hits = [], []
    for text, filters in queries:
        start = time.perf_counter()
        result = engine.search(Query(text=text, filters=filters, facets=facets))
        ours.append((time.perf_counter() - start) * 1000)
        hits.append(result.total)

    # The floor: the same token expressions as plain FTS5 MATCH, top 20 by bm25, no facets.
    dialect = SQLiteFTS5()
    raw = []
    with connection.cursor() as cursor:
        for text, _filters in queries:
            expression = dialect.match_expression(plan(text, synonyms=False))
            start = time.perf_counter()
            cursor.execute(
                "SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH %s "
                "ORDER BY bm25(search_fts) LIMIT 20",
                [expression],
            )
            cursor.fetchall()
            raw.append((time.perf_counter() - start) * 1000)

    print(
        f"{len(queries)} queries; matching documents: median {statistics.median(hits):.0f}, "
        f"p95 {percentile(hits, 0.95):.0f}, max {max(hits)}"
    )
    print(f"{'':32} {'p50 ms':>8} {'p95 ms':>8}")
    print(
        f"{'database engine (hits+6 facets)':32} {statistics.median(ours):8.2f} {percentile(ours, 0.95):8.2f}"
    )
    print(f"{'raw FTS5 MATCH (top 20)':32} {statistics.median(raw):8.2f} {percentile(raw, 0.95):8.2f}")
    print(
        f"ratio engine / raw floor: p50 {statistics.median(ours) / statistics.median(raw):.1f}x, "
        f"p95 {percentile(ours, 0.95) / percentile(raw, 0.95):.1f}x"
    )


if __name__ == "__main__":
    main()
