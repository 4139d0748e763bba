"""Services-map response times and sizes at 20,000 services (prints numbers; never asserts).

    .venv/bin/python bench/map.py [--services 20000] [--services-per-org 5] [--requests 30]
        [--database-url URL ...] [--only WORD ...] [--no-cache-on]

    # SQLite and PostgreSQL side by side (each database is filled once and kept):
    .venv/bin/python bench/map.py --database-url sqlite:////tmp/map.sqlite3 \
        --database-url postgres://postgres@127.0.0.1:5432/helper_map

Builds a database (a throwaway SQLite file unless --database-url names one; a named database
that already holds the synthetic data is reused) with synthetic organizations, locations (points spread
around every Cambodian province centre, one in ten a partners-only shelter, some abroad),
services with types, areas, phones and stewards, then times through Django's test client,
in-process and anonymous:

* the GeoJSON of all services, filtered by type, by province and type, and by bounding box
  (size raw and gzip-compressed, as sent);
* the map page (filters with facet counts, a list of 50);
* the coverage matrix, a province page, its referral pack and the CSV;

once with the map cache off (every request builds its answer: the cold case) and once with it
on (repeat requests within MAP_CACHE_SECONDS, until the data changes). Beside the cold figures,
a "SQL floor": the plain SQL a page cannot do without, timed alone through the same connection
(reading the tier's stored GeoJSON features, the matrix's GROUP BY, a province's rows with the
services' freshness fields), so what is left is Python, templates and compression. With several
--database-url, each runs in its own process and the figures are printed side by side.
"""

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(args, rng):
    from django.contrib.auth.models import User
    from django.utils import timezone
    from wagtail.models import Locale

    from directory.models import (
        Area,
        Location,
        Organization,
        OrganizationType,
        Service,
        ServiceArea,
        ServiceAtLocation,
        ServicePhone,
        ServiceTerm,
        TaxonomyTerm,
    )

    provinces = list(Area.objects.filter(kind="province", country__key="KH", latitude__isnull=False))
    abroad = {key: Area.objects.get(key=key) for key in ("TH", "VN", "MY")}
    abroad_points = {"TH": (13.75, 100.5), "VN": (10.8, 106.7), "MY": (3.14, 101.69)}
    cambodia = Area.objects.get(key="KH")
    terms = list(TaxonomyTerm.objects.exclude(parent=None))
    locale = Locale.get_default()
    stewards = [User(username=f"steward{i}", is_active=i % 10 != 0) for i in range(60)]
    User.objects.bulk_create(stewards)
    stewards = list(User.objects.filter(username__startswith="steward"))
    today = timezone.localdate()

    n_orgs = args.services // args.services_per_org
    orgs = []
    for i in range(n_orgs):
        foreign = rng.choice(list(abroad)) if i % 10 == 0 else None
        orgs.append(
            Organization(
                name=f"Synthetic organization {i} for services",
                slug=f"bench-map-org-{i}",
                org_type=rng.choice(OrganizationType.values),
                country=abroad[foreign] if foreign else cambodia,
                area=None if foreign else rng.choice(provinces),
                locale=locale,
                live=True,
            )
        )
    Organization.objects.bulk_create(orgs, batch_size=1000)
    orgs = list(
        Organization.objects.filter(slug__startswith="bench-map-org-").select_related("area", "country")
    )

    locations = []
    for org in orgs:
        for j in range(rng.choice((1, 1, 2))):
            shelter = rng.random() < 0.1
            if org.country.key == "KH":
                province = org.area if j == 0 else rng.choice(provinces)
                lat = province.latitude + rng.uniform(-0.15, 0.15)
                lng = province.longitude + rng.uniform(-0.15, 0.15)
                area = province
            else:
                lat, lng = abroad_points[org.country.key]
                lat, lng, area = lat + rng.uniform(-0.1, 0.1), lng + rng.uniform(-0.1, 0.1), org.country
            locations.append(
                Location(
                    organization=org,
                    name=f"{'Shelter' if shelter else 'Office'} {j} of {org.name}",
                    location_type="shelter" if shelter else "office",
                    area=area,
                    address=f"{rng.randrange(1, 400)} Street {rng.randrange(1, 600)}",
                    latitude=lat,
                    longitude=lng,
                    visibility="partners" if shelter else "public",
                    sort_order=j,
                )
            )
    Location.objects.bulk_create(locations, batch_size=1000)
    by_org = {}
    for location in Location.objects.filter(organization__slug__startswith="bench-map-org-"):
        by_org.setdefault(location.organization_id, []).append(location)

    services = []
    for org in orgs:
        for j in range(args.services_per_org):
            verified = rng.random() < 0.6
            steward = rng.choice(stewards) if rng.random() < 0.8 else None
            services.append(
                Service(
                    organization=org,
                    name=f"Synthetic service {j} of organization {org.pk}",
                    locale=locale,
                    live=True,
                    serves_men=rng.random() < 0.5,
                    serves_children=rng.random() < 0.6,
                    last_verified=today - timezone.timedelta(days=rng.randrange(0, 400))
                    if verified
                    else None,
                    steward=steward,
                )
            )
    Service.objects.bulk_create(services, batch_size=1000)
    services = list(Service.objects.filter(organization__slug__startswith="bench-map-org-"))
    ServiceTerm.objects.bulk_create([ServiceTerm(service=s, term=rng.choice(terms)) for s in services], 2000)
    ServiceArea.objects.bulk_create(
        [
            ServiceArea(service=s, area=cambodia if rng.random() < 0.02 else rng.choice(provinces))
            for s in services
        ],
        2000,
    )
    at = []
    for s in services:
        if rng.random() < 0.5:
            at.append(ServiceAtLocation(service=s, location=rng.choice(by_org[s.organization_id])))
    ServiceAtLocation.objects.bulk_create(at, 2000)
    ServicePhone.objects.bulk_create(
        [
            ServicePhone(
                service=s,
                number=f"+8551{rng.randrange(10_000_000, 99_999_999)}",
                channel="hotline",
                visibility=rng.choice(("public", "public", "partners", "restricted")),
            )
            for s in services
            if rng.random() < 0.2
        ],
        2000,
    )
    return len(orgs), len(services), len(locations), [p.slug for p in provinces]


def timed(client, url, n):
    times, cpu, raw_sizes, gz_sizes = [], [], [], []
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # warm-up
    for _ in range(n):
        start, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        body = response.content
        if response.get("Content-Encoding") == "gzip":
            gz_sizes.append(len(body))
            raw_sizes.append(len(gzip.decompress(body)))
        else:
            raw_sizes.append(len(body))
            gz_sizes.append(len(gzip.compress(body)))
    # The process's CPU time (SQLite included, not PostgreSQL's server): steadier on a busy machine.
    return summary(times) + (
        statistics.median(raw_sizes),
        statistics.median(gz_sizes),
        statistics.median(cpu),
    )


def summary(times):
    times = sorted(times)
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def floors(province_slug, n):
    """{label: (p50, p95)} of the plain SQL each page needs at least (fetched, not converted)."""
    from django.db import DatabaseError, connection

    from directory.models import Area

    province = Area.objects.get(slug=province_slug).pk
    queries = {
        "GeoJSON, all services": (
            "SELECT service_id, features FROM services_map_mapfeatures WHERE tier = %s ORDER BY service_id",
            ["public"],
        ),
        "coverage matrix": (
            "SELECT area_id, family, based, COUNT(service_id) FROM services_map_coveragerow "
            "GROUP BY area_id, family, based",
            [],
        ),
        "province page": (
            "SELECT r.service_id, r.family, r.based, s.name, s.last_verified, s.review_interval_days "
            "FROM services_map_coveragerow r JOIN directory_service s ON s.id = r.service_id "
            "WHERE r.area_id = %s",
            [province],
        ),
    }
    out = {}
    with connection.cursor() as cursor:
        for label, (sql, params) in queries.items():
            times = []
            for _ in range(n + 1):
                start = time.perf_counter()
                try:
                    cursor.execute(sql, params)
                except DatabaseError:  # an older schema (no stored features yet)
                    break
                cursor.fetchall()
                times.append((time.perf_counter() - start) * 1000)
            if len(times) > 1:
                out[label] = summary(times[1:])
    return out


def run(args):
    """Fill (or reuse) the database named by DATABASE_URL and time every request there."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from directory.models import Area, Organization

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(slug="bench-map-org-0").exists():
        call_command("load_reference_data", "--no-communes", verbosity=0)
        rng = random.Random(42)
        t0 = time.perf_counter()
        n_orgs, n_services, n_locations, _slugs = build(args, rng)
        log(
            f"built {n_orgs} organizations, {n_services} services, {n_locations} locations "
            f"in {time.perf_counter() - t0:.1f}s"
        )
    t0 = time.perf_counter()
    call_command(
        "rebuild_coverage", verbosity=0, stdout=open(os.devnull, "w")
    )  # bulk_create sends no signals
    log(f"stored rows rebuilt in {time.perf_counter() - t0:.1f}s")
    if django.db.connection.vendor == "postgresql":
        # A bulk-loaded database has no statistics yet, and the rebuild above replaced every
        # stored row: the dead ones are vacuumed, as autovacuum does on a live database (left,
        # they tripled the province page's heap reads).
        with django.db.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    province_slugs = list(
        Area.objects.filter(kind="province", country__key="KH", latitude__isnull=False).values_list(
            "slug", flat=True
        )
    )

    client = Client()
    province = "battambang" if "battambang" in province_slugs else province_slugs[0]
    heavy = max(args.requests // 3, 5)
    one_province = f"/map/services.geojson?province={province}&type=SHELTER"
    rows = [
        ("GeoJSON, all services", "/map/services.geojson", args.requests),
        ("GeoJSON, one type", "/map/services.geojson?type=LEGAL", args.requests),
        ("GeoJSON, province + type", one_province, args.requests),
        ("GeoJSON, bbox (Phnom Penh)", "/map/services.geojson?bbox=104.6,11.3,105.2,11.8", args.requests),
        ("map page (list of 50)", "/map/", heavy),
        ("coverage matrix", "/map/coverage/", heavy),
        ("province page", f"/map/coverage/{province}/", heavy),
        ("referral pack", f"/map/coverage/{province}/pack/", heavy),
        ("coverage CSV", "/map/coverage.csv", heavy),
    ]
    if args.only:
        rows = [row for row in rows if any(row[0].startswith(word) for word in args.only)]
    results = {"cold": {}, "warm": {}, "floor": floors(province, heavy)}
    passes = [("cold", 0)] + ([] if args.no_cache_on else [("warm", 300)])
    for name, seconds in passes:
        settings.MAP_CACHE_SECONDS = seconds
        for label, url, n in rows:
            results[name][label] = timed(client, url, n if seconds == 0 else max(n // 2, 5))
    results["vendor"] = django.db.connection.vendor
    return results


def log(text):
    print(text, file=sys.stderr, flush=True)


def print_one(results):
    titles = {"cold": "cache off (every request builds)", "warm": "cache on (repeat requests)"}
    for name in ("cold", "warm"):
        if not results[name]:
            continue
        print(f"\n{titles[name]} ({results['vendor']})")
        columns = ("p50 ms", "p95 ms", "CPU p50")
        print(
            f"{'request':30} "
            + " ".join(f"{c:>8}" for c in columns)
            + f" {'SQL floor':>10} {'raw KB':>9} {'gzip KB':>9}"
        )
        for label, (p50, p95, raw, gz, cpu) in results[name].items():
            floor = results["floor"].get(label) if name == "cold" else None
            floor = f"{floor[0]:10.1f}" if floor else f"{'':10}"
            print(f"{label:30} {p50:8.1f} {p95:8.1f} {cpu:8.1f} {floor} {raw / 1024:9.1f} {gz / 1024:9.1f}")


def print_side_by_side(named):
    """`named`: [(name, results)] printed as one cold table, p50 / p95 (SQL floor p50) each."""
    print("\ncache off (every request builds): p50 / p95 ms wall, [CPU p50 of this process], (SQL floor p50)")
    print(f"{'request':30} " + " ".join(f"{name:>34}" for name, _r in named))
    for label in named[0][1]["cold"]:
        cells = []
        for _name, results in named:
            p50, p95, _raw, _gz, cpu = results["cold"][label]
            floor = results["floor"].get(label)
            cells.append(
                f"{p50:7.1f} / {p95:7.1f} [{cpu:6.1f}]" + (f" ({floor[0]:5.1f})" if floor else " " * 8)
            )
        print(f"{label:30} " + " ".join(f"{cell:>34}" for cell in cells))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--services-per-org", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", action="append", help="kept and reused; repeat to compare")
    parser.add_argument("--only", nargs="*", help="requests whose label starts with one of these")
    parser.add_argument("--no-cache-on", action="store_true", help="only the cold figures")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one database, for the parent
    args = parser.parse_args()

    urls = args.database_url or []
    if len(urls) > 1:
        named = []
        for url in urls:
            command = [
                sys.executable,
                __file__,
                "--json",
                "--database-url",
                url,
                "--services",
                str(args.services),
                "--services-per-org",
                str(args.services_per_org),
                "--requests",
                str(args.requests),
                "--no-cache-on",
            ]
            if args.only:
                command += ["--only", *args.only]
            out = subprocess.run(command, check=True, capture_output=True, text=True)
            sys.stderr.write(out.stderr)
            results = json.loads(out.stdout.strip().splitlines()[-1])  # after what commands printed
            named.append((results["vendor"], results))
        print_side_by_side(named)
        return
    if urls:
        os.environ["DATABASE_URL"] = urls[0]
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-map-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    results = run(args)
    if args.json:
        print(json.dumps(results))
    else:
        print_one(results)


if __name__ == "__main__":
    main()
