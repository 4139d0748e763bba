"""Services-map response times and sizes at 20,000 services (prints numbers; never asserts).

    .venv/bin/python bench/map.py [--services 20000] [--services-per-org 5] [--requests 30]

Builds a throwaway SQLite database with synthetic organizations, locations (points spread
around every Cambodian province centre, one in ten a partners-only shelter, some abroad),
services with types, areas, phones and stewards, then times through Django's test client,
in-process and anonymous:

* the GeoJSON of all services, filtered by type, by province and type, and by bounding box
  (size raw and gzip-compressed, as sent);
* the map page (filters with facet counts, a list of 50);
* the coverage matrix, a province page, its referral pack and the CSV;

once with the map cache off (every request builds its answer: the cold case) and once with it
on (repeat requests within MAP_CACHE_SECONDS, until the data changes).
"""

import argparse
import gzip
import os
import random
import statistics
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
    times, raw_sizes, gz_sizes = [], [], []
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # warm-up
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        body = response.content
        if response.get("Content-Encoding") == "gzip":
            gz_sizes.append(len(body))
            raw_sizes.append(len(gzip.decompress(body)))
        else:
            raw_sizes.append(len(body))
            gz_sizes.append(len(gzip.compress(body)))
    times.sort()
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    return statistics.median(times), p95, statistics.median(raw_sizes), statistics.median(gz_sizes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--services-per-org", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-map-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "--no-communes", verbosity=0)

    rng = random.Random(42)
    t0 = time.perf_counter()
    n_orgs, n_services, n_locations, province_slugs = build(args, rng)
    print(
        f"built {n_orgs} organizations, {n_services} services, {n_locations} locations "
        f"in {time.perf_counter() - t0:.1f}s"
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
    for title, seconds in (("cache off (every request builds)", 0), ("cache on (repeat requests)", 300)):
        settings.MAP_CACHE_SECONDS = seconds
        print(f"\n{title}")
        print(f"{'request':30} {'p50 ms':>8} {'p95 ms':>8} {'raw KB':>9} {'gzip KB':>9}")
        for label, url, n in rows:
            p50, p95, raw, gz = timed(client, url, n if seconds else max(n // 2, 5))
            print(f"{label:30} {p50:8.1f} {p95:8.1f} {raw / 1024:9.1f} {gz / 1024:9.1f}")


if __name__ == "__main__":
    main()
