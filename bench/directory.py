"""Directory response times at national scale, beside the search page and a raw SQL floor
(prints numbers; never asserts).

    .venv/bin/python bench/directory.py [--orgs 5000] [--services-per-org 4] [--requests 200]
        [--database-url postgres://postgres@127.0.0.1:5432/helper_facets [--reuse] | --keep /tmp/dir.sqlite3]

Builds a throwaway database (SQLite in a temporary directory by default; with --database-url a
PostgreSQL database that is DROPPED and created afresh) with synthetic organizations and
services (English and Khmer names, realistic facet spread), indexes them through the real
pipeline (`--keep FILE`: a SQLite database kept at FILE and reused when it exists; `--reuse`:
the PostgreSQL database is kept when it holds a bench already; so two versions of the code can
be timed on the same data), then, in one run and through Django's test
client in-process (the load average is printed beside each figure: the machine may be shared):

- `/directory/` with mixed filters (p50/p95 ms, SQL queries per page, median KB);
- `/search/` with the same filters (organizations only), so the two pages compare directly;
- a raw SQL floor: one SQL statement per request for the same filters' first 20 names;
- organization pages and vCards;
- the first `/directory/` and `/search/` request after one organization is re-published
  (the index refreshed for it, as the publish signal does) against the steady state.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values, p):
    values = sorted(values)
    return values[max(0, int(round(len(values) * p)) - 1)]


def fresh_postgres(url):
    """Drop and create the database named in `url` (a bench database, never a real one)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith(("helper_", "bench")):
        raise SystemExit(f"refusing to drop {name!r}: bench databases are named helper_* or bench*")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def holds_bench(url):
    """Whether the database at `url` exists and holds a built bench (its organizations indexed)."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM search_indexentry WHERE kind = 'organization'"
            ).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


def build(args, rng):
    from wagtail.models import Locale

    from directory.models import (
        Area,
        Language,
        Location,
        Organization,
        OrganizationPhone,
        OrganizationType,
        Schedule,
        Service,
        ServiceArea,
        ServiceLanguage,
        ServicePhone,
        ServiceTerm,
        TaxonomyTerm,
    )

    provinces = list(Area.objects.filter(kind="province", country__key="KH"))
    countries = list(Area.objects.filter(key__in=["KH", "TH", "VN", "MY", "LA"]))
    kh = countries[[c.key for c in countries].index("KH")]
    terms = list(TaxonomyTerm.objects.exclude(parent=None))
    languages = list(Language.objects.all())
    locale = Locale.get_default()
    words_en = "shelter legal aid reintegration hotline migrant return counselling family livelihood".split()
    words_km = "សេវាកម្ម ជំនួយ ផ្លូវច្បាប់ ជម្រក ការធ្វើចំណាកស្រុក គ្រួសារ".split()
    orgs = []
    for i in range(args.orgs):
        country = kh if i % 4 else rng.choice(countries)
        orgs.append(
            Organization(
                name=f"{rng.choice(words_en).title()} {rng.choice(words_km)} Organization {i}",
                slug=f"bench-org-{i}",
                org_type=rng.choice(OrganizationType.values),
                country=country,
                area=rng.choice(provinces) if country.key == "KH" else None,
                description=" ".join(rng.choices(words_en + words_km, k=30)),
                locale=locale,
                live=True,
            )
        )
    Organization.objects.bulk_create(orgs, batch_size=500)
    orgs = list(Organization.objects.filter(slug__startswith="bench-org-").select_related("area"))
    services = [
        Service(
            organization=org,
            name=f"{rng.choice(words_en).title()} service {j}",
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
    # One service in 50 is nationwide (a hotline for the whole country).
    ServiceArea.objects.bulk_create(
        [ServiceArea(service=s, area=kh if rng.random() < 0.02 else rng.choice(provinces)) for s in services],
        batch_size=500,
    )
    ServiceLanguage.objects.bulk_create(
        [ServiceLanguage(service=s, language=rng.choice(languages)) for s in services], batch_size=500
    )
    # What the cards read since issue 16: phones of each tier (fictional numbers in the 023 99x
    # range), office hours on weekdays and 24-hour services, one public office per organization.
    tiers = ["public", "public", "partners", "restricted"]
    OrganizationPhone.objects.bulk_create(
        [
            OrganizationPhone(
                organization=org,
                number=f"+8552399{i % 10000:04d}",
                channel="voice",
                visibility=rng.choice(tiers),
            )
            for i, org in enumerate(orgs)
        ],
        batch_size=500,
    )
    ServicePhone.objects.bulk_create(
        [
            ServicePhone(
                service=s,
                number=f"+8552398{i % 10000:04d}",
                channel=rng.choice(["hotline", "voice", "whatsapp"]),
                visibility=rng.choice(tiers),
            )
            for i, s in enumerate(services)
            if i % 2 == 0
        ],
        batch_size=500,
    )
    schedules = []
    for s in services:
        if rng.random() < 0.1:
            schedules += [Schedule(service=s, weekday=day, open_24h=True) for day in WEEK]
        elif rng.random() < 0.7:
            schedules += [
                Schedule(service=s, weekday=day, opens_at=datetime.time(8), closes_at=datetime.time(17))
                for day in WEEK[:5]
            ]
    Schedule.objects.bulk_create(schedules, batch_size=1000)
    Location.objects.bulk_create(
        [
            Location(
                organization=org,
                name="Office",
                location_type="office",
                area=org.area,
                latitude=org.area.latitude,
                longitude=org.area.longitude,
                point_is_approximate=True,
            )
            for org in orgs
            if org.area is not None
        ],
        batch_size=500,
    )
    return [p.slug for p in provinces], sorted({t.code.split(".")[0] for t in terms})


WEEK = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def filter_values():
    """(Cambodia's province slugs, the top service type codes) of a built bench database."""
    from directory.models import Area, TaxonomyTerm

    provinces = [a.slug for a in Area.objects.filter(kind="province", country__key="KH")]
    return provinces, sorted({t.code.split(".")[0] for t in TaxonomyTerm.objects.exclude(parent=None)})


# The listing's mixed filters: organization and service level, with and without words.
LISTING_MIXES = [
    "",
    "country=kh",
    "type=SHELTER",
    "province={p}",
    "province={p}&type={t}",
    "province={p}&type={t}&group=children",
    "country=kh&type={t}&language=km&group=men",
    "q=legal",
    "q=ជំនួយ&type={t}",
    "province={p}&group=labour&language=en",
]


def listing_queries(rng, count, province_slugs, top_codes):
    """`count` query strings drawn from LISTING_MIXES (bench/memory.py serves them too)."""
    return [
        rng.choice(LISTING_MIXES).format(p=rng.choice(province_slugs), t=rng.choice(top_codes))
        for _ in range(count)
    ]


GROUP_COLUMNS = {"children": "serves_children", "men": "serves_men", "labour": "trafficking_labour"}


def floor_sql(params, locale_id):
    """One SQL statement for the first 20 names under the same filters (no facets, no text
    index): what any implementation must at least pay."""
    sql = ["SELECT o.id, o.name FROM directory_organization o WHERE o.live AND o.locale_id = %s"]
    args = [locale_id]
    service = []
    for key, value in params:
        if key == "country":
            sql.append("AND o.country_id IN (SELECT id FROM directory_area WHERE slug = %s)")
            args.append(value)
        elif key == "province":
            sql.append(
                "AND (o.area_id IN (SELECT id FROM directory_area WHERE slug = %s) OR EXISTS ("
                "SELECT 1 FROM directory_service s2 JOIN directory_servicearea sa ON sa.service_id = s2.id "
                "JOIN directory_area a ON a.id = sa.area_id JOIN directory_area p ON p.id = a.province_id "
                "WHERE s2.organization_id = o.id AND s2.live AND p.slug = %s))"
            )
            args += [value, value]
        elif key == "type":
            service.append(
                "EXISTS (SELECT 1 FROM directory_serviceterm st JOIN directory_taxonomyterm t "
                "ON t.id = st.term_id WHERE st.service_id = s.id AND t.code LIKE %s)"
            )
            args.append(f"{value}%")
        elif key == "language":
            service.append(
                "EXISTS (SELECT 1 FROM directory_servicelanguage sl JOIN directory_language l "
                "ON l.id = sl.language_id WHERE sl.service_id = s.id AND l.code = %s)"
            )
            args.append(value)
        elif key == "group" and value in GROUP_COLUMNS:
            service.append(f"s.{GROUP_COLUMNS[value]}")
        elif key == "q":
            sql.append("AND o.name LIKE %s")
            args.append(f"%{value}%")
    if service:
        # Only the constant fragments above are joined; every value is a query parameter.
        sql.append(
            "AND EXISTS (SELECT 1 FROM directory_service s WHERE s.organization_id = o.id AND s.live AND "  # noqa: S608
            + " AND ".join(service)
            + ")"
        )
    sql.append("ORDER BY o.name LIMIT 20")
    return " ".join(sql), args


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=5000)
    parser.add_argument("--services-per-org", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--publishes", type=int, default=10)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="SQLite file to build once and reuse")
    parser.add_argument("--reuse", action="store_true", help="keep a PostgreSQL bench database")
    args = parser.parse_args()

    reuse = False
    if args.database_url.startswith("postgres"):
        reuse = args.reuse and holds_bench(args.database_url)
        if not reuse:
            fresh_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    elif args.keep:
        reuse = Path(args.keep).exists()
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.keep).resolve()}"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-directory-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["ELASTICSEARCH_URL"] = ""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Locale

    from directory.models import Organization
    from search import api
    from search.engines import database_engine

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    rng = random.Random(42)
    if reuse:
        province_slugs, top_codes = filter_values()
        args.orgs = Organization.objects.filter(slug__startswith="bench-org-").count()
        print(f"{connection.vendor}: reusing {args.keep or args.database_url} ({args.orgs} organizations)")
    else:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", "--no-communes", verbosity=0)
        t0 = time.perf_counter()
        province_slugs, top_codes = build(args, rng)
        print(
            f"{connection.vendor}: built {args.orgs} organizations, "
            f"{args.orgs * args.services_per_org} services in {time.perf_counter() - t0:.1f} s"
        )
        t0 = time.perf_counter()
        counts = api.rebuild(database_engine())
        print(f"indexed {sum(counts.values())} documents ({counts}) in {time.perf_counter() - t0:.1f} s")

    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum keeps them on a live database after a bulk load
        # (without them a partial index on a handful of demo rows loses to a scan of 20,000).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    queries = listing_queries(rng, args.requests, province_slugs, top_codes)

    cpu = {}  # url kind: CPU ms of this process per request (SQLite's work included, not PostgreSQL's)

    def timed(url, kind=None):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if kind:
            cpu.setdefault(kind, []).append((time.process_time() - start_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed, len(response.content)

    def directory_url(query):
        return f"/directory/?{query}" if query else "/directory/"

    def search_url(query):
        return "/search/?" + urlencode([*parse_qsl(query), ("kind", "organization")])

    for query in queries[:10]:  # warm-up (snapshot, label caches)
        client.get(directory_url(query))
        client.get(search_url(query))

    # The three are timed query by query, one after the other, so a change in the machine's load
    # falls on all three alike.
    rows, sql_counts = [], []
    directory_times, sizes, search_samples, floor = [], [], [], []
    locale_id = Locale.get_default().pk
    load_before = os.getloadavg()[0]
    for query in queries:
        with CaptureQueriesContext(connection) as captured:
            elapsed, size = timed(directory_url(query), "/directory/ (mixed filters)")
        directory_times.append(elapsed)
        sizes.append(size)
        sql_counts.append(len(captured.captured_queries))
        search_samples.append(timed(search_url(query), "/search/ (same filters)"))
        sql, params = floor_sql(parse_qsl(query), locale_id)
        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            floor.append((time.perf_counter() - start) * 1000)
    load_after = os.getloadavg()[0]
    rows.append(("/directory/ (mixed filters)", directory_times, sizes))
    rows.append(("/search/ (same filters)", [s[0] for s in search_samples], [s[1] for s in search_samples]))
    rows.append(("raw SQL floor (20 names)", floor, [0]))
    for kind, make_url in (
        ("organization page", lambda: f"/directory/bench-org-{rng.randrange(args.orgs)}/"),
        ("organization vCard", lambda: f"/directory/bench-org-{rng.randrange(args.orgs)}/vcard/"),
    ):
        samples = [timed(make_url()) for _ in range(max(20, args.requests // 4))]
        rows.append((kind, [s[0] for s in samples], [s[1] for s in samples]))

    print(f"load average (1 min) while timing the listing: {load_before:.2f} -> {load_after:.2f}")
    print(f"{'request':30} {'p50 ms':>8} {'p95 ms':>8} {'median KB':>10}")
    for kind, times, page_sizes in rows:
        print(
            f"{kind:30} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
            f"{statistics.median(page_sizes) / 1024:10.1f}"
        )
    print(
        f"SQL queries per /directory/ page: min {min(sql_counts)}, "
        f"median {statistics.median(sql_counts):.0f}, max {max(sql_counts)}"
    )
    d95, s95 = percentile(directory_times, 0.95), percentile([s[0] for s in search_samples], 0.95)
    print(f"directory / search p95: {d95 / s95:.2f}x")
    # On a shared machine the wall times above wait for the cores; the process's CPU time does not.
    for kind, times in cpu.items():
        print(f"{kind:30} CPU p50 {statistics.median(times):6.1f} ms, p95 {percentile(times, 0.95):6.1f} ms")
    d95, s95 = (percentile(cpu[k], 0.95) for k in cpu)
    print(f"directory / search CPU p95: {d95 / s95:.2f}x")

    # The first request after one publish (index refreshed for one organization, as the
    # publish signal's task does) against the same request in the steady state.
    keys = list(Organization.objects.filter(live=True).values_list("translation_key", flat=True)[:200])
    filters = f"province={province_slugs[0]}&type={top_codes[0]}"
    probes = [
        ("/directory/", directory_url(filters)),
        ("/directory/ with words", directory_url(f"q=legal&{filters}")),
        ("/search/", search_url(filters)),
        ("/search/ with words", search_url(f"q=legal&{filters}")),
    ]
    results = {name: ([], []) for name, _url in probes}
    for _ in range(args.publishes):
        for name, url in probes:
            api.refresh([f"organization:{rng.choice(keys)}"])
            results[name][0].append(timed(url)[0])
            results[name][1].append(statistics.median(timed(url)[0] for _ in range(5)))
    load = os.getloadavg()[0]
    print(f"{'after one publish':30} {'first ms':>8} {'steady':>8} {'ratio':>6}  (load {load:.2f})")
    for name, (first, steady) in results.items():
        f, s = statistics.median(first), statistics.median(steady)
        print(f"{name:30} {f:8.1f} {s:8.1f} {f / s:6.1f}x")


if __name__ == "__main__":
    main()
