"""Cold figures at 20,000 services: coverage matrix, province page, referral pack, the map's
list and the full GeoJSON (prints numbers; never asserts).

    .venv/bin/python bench/coverage.py [--services 20000] [--requests 15] [--db PATH | --database-url URL]
        [--profile URL]

Builds the same synthetic data as bench/map.py (kept in --db, a SQLite file, or the database
of --database-url when given, e.g. postgres://postgres@127.0.0.1:5432/helper_map: a database
bench/map.py filled is reused as it is, so a second run starts at once), then times each
page through Django's test client, anonymous and as a partner, *cold*: the shared cache is
emptied before every request, as after a publish. The issue's targets: p95 at most 100 ms for
the coverage pages and the map list, 250 ms for the GeoJSON.
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


def percentile(times, q):
    times = sorted(times)
    return times[max(int(round(len(times) * q)) - 1, 0)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--services-per-org", type=int, default=5)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--db", help="SQLite file to keep the data in (reused when it exists)")
    parser.add_argument("--database-url", help="or any database to keep it in (reused when it holds it)")
    parser.add_argument("--profile", help="profile one cold request of this URL instead")
    parser.add_argument("--only", nargs="*", help="requests whose label starts with one of these words")
    args = parser.parse_args()

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        db = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="bench-coverage-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from directory.models import Organization

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    settings.MAP_CACHE_SECONDS = 300
    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(slug="bench-map-org-0").exists():  # as bench/map.py checks
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_map", ROOT / "bench" / "map.py")
        map_bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(map_bench)

        call_command("load_reference_data", "--no-communes", verbosity=0)
        t0 = time.perf_counter()
        n_orgs, n_services, n_locations, _slugs = map_bench.build(args, random.Random(42))
        print(f"built {n_orgs} organizations, {n_services} services in {time.perf_counter() - t0:.1f}s")
    partner, _created = User.objects.get_or_create(username="bench-partner")
    partner.groups.add(Group.objects.get_or_create(name=settings.DIRECTORY_PARTNER_GROUP)[0])

    # A kept database may predate the stored coverage rows; bulk_create sends no signals.
    call_command("rebuild_coverage")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a bulk-loaded database has no statistics yet
            cursor.execute("ANALYZE")

    from directory.models import Service

    print(f"{Service.objects.filter(live=True).count()} live services")
    anonymous = Client()
    partner_client = Client()
    partner_client.force_login(partner)
    rows = [
        ("coverage matrix", "/map/coverage/"),
        ("province page", "/map/coverage/battambang/"),
        ("referral pack", "/map/coverage/battambang/pack/"),
        ("map list (page of 50)", "/map/"),
        ("GeoJSON, all services", "/map/services.geojson"),
    ]

    if args.only:
        rows = [row for row in rows if row[0].split()[0] in args.only]

    def cold(client, url):
        """Wall and CPU milliseconds of one request after emptying the cache (the CPU time
        is the server's work alone, SQLite included: it still means something on a busy machine)."""
        cache.clear()
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        elapsed, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed, cpu

    if args.profile:
        import cProfile
        import pstats

        cold(anonymous, args.profile)
        profiler = cProfile.Profile()
        cache.clear()
        profiler.enable()
        anonymous.get(args.profile, HTTP_ACCEPT_ENCODING="gzip")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return

    print(f"\ncold (cache emptied before each request), {args.requests} requests each")
    print(f"{'request':26} {'viewer':9} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8}")
    for label, url in rows:
        for who, client in (("anonymous", anonymous), ("partner", partner_client)):
            cold(client, url)  # warm the process (imports, templates), not the cache
            runs = [cold(client, url) for _ in range(args.requests)]
            wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
            print(
                f"{label:26} {who:9} {statistics.median(wall):8.1f} {percentile(wall, 0.95):8.1f} "
                f"{statistics.median(cpu):8.1f} {percentile(cpu, 0.95):8.1f}"
            )


if __name__ == "__main__":
    main()
