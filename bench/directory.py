"""Directory response times at the planned scale (prints numbers; never asserts).

    .venv/bin/python bench/directory.py [--orgs 800] [--services-per-org 5] [--requests 200]

Builds a throwaway SQLite database with synthetic organizations and services (English and
Khmer names, realistic facet spread), then times the public directory with mixed filter
combinations, organization pages and vCards through Django's test client, in-process.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=800)
    parser.add_argument("--services-per-org", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-directory-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from wagtail.models import Locale

    from directory.models import (
        Area,
        Language,
        Organization,
        OrganizationType,
        Service,
        ServiceArea,
        ServiceLanguage,
        ServiceTerm,
        TaxonomyTerm,
    )

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "--no-communes", verbosity=0)

    rng = random.Random(42)
    provinces = list(Area.objects.filter(kind="province", country__key="KH"))
    countries = list(Area.objects.filter(key__in=["KH", "TH", "VN", "MY", "LA"]))
    terms = list(TaxonomyTerm.objects.exclude(parent=None))
    languages = list(Language.objects.all())
    locale = Locale.get_default()
    words_en = "shelter legal aid reintegration hotline migrant return counselling family livelihood".split()
    words_km = "សេវាកម្ម ជំនួយ ផ្លូវច្បាប់ ជម្រក ការធ្វើចំណាកស្រុក គ្រួសារ".split()

    t0 = time.perf_counter()
    orgs = []
    for i in range(args.orgs):
        country = countries[0] if i % 4 else rng.choice(countries)
        orgs.append(Organization(
            name=f"{rng.choice(words_en).title()} {rng.choice(words_km)} Organization {i}",
            slug=f"bench-org-{i}",
            org_type=rng.choice(OrganizationType.values),
            country=country,
            area=rng.choice(provinces) if country.key == "KH" else None,
            description=" ".join(rng.choices(words_en + words_km, k=30)),
            locale=locale,
            live=True,
        ))
    Organization.objects.bulk_create(orgs, batch_size=500)
    orgs = list(Organization.objects.filter(slug__startswith="bench-org-"))
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
    ServiceTerm.objects.bulk_create([ServiceTerm(service=s, term=rng.choice(terms)) for s in services])
    ServiceArea.objects.bulk_create([ServiceArea(service=s, area=rng.choice(provinces)) for s in services])
    ServiceLanguage.objects.bulk_create(
        [ServiceLanguage(service=s, language=rng.choice(languages)) for s in services]
    )
    build = time.perf_counter() - t0
    print(f"built {args.orgs} organizations, {args.orgs * args.services_per_org} services in {build:.1f}s")

    client = Client()
    province_slugs = [p.slug for p in provinces]
    top_codes = sorted({t.code.split('.')[0] for t in terms})
    queries = [
        "",
        "?country=kh",
        "?type=SHELTER",
        "?province={p}",
        "?province={p}&type={t}",
        "?province={p}&type={t}&group=children",
        "?country=kh&type={t}&language=km&group=men",
        "?q=legal",
        "?q=ជំនួយ&type={t}",
        "?page=3",
    ]

    def timed(url):
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed, len(response.content)

    client.get("/directory/")  # warm-up
    rows = []
    for kind, make_url in (
        ("listing (mixed filters)", lambda: "/directory/" + rng.choice(queries).format(
            p=rng.choice(province_slugs), t=rng.choice(top_codes))),
        ("organization page", lambda: f"/directory/bench-org-{rng.randrange(args.orgs)}/"),
        ("organization vCard", lambda: f"/directory/bench-org-{rng.randrange(args.orgs)}/vcard/"),
    ):
        samples = [timed(make_url()) for _ in range(args.requests)]
        times = sorted(s[0] for s in samples)
        p50 = statistics.median(times)
        p95 = times[int(len(times) * 0.95) - 1]
        size = statistics.median(s[1] for s in samples) / 1024
        rows.append((kind, p50, p95, size))
    print(f"{'request':28} {'p50 ms':>8} {'p95 ms':>8} {'median KB':>10}")
    for kind, p50, p95, size in rows:
        print(f"{kind:28} {p50:8.1f} {p95:8.1f} {size:10.1f}")


if __name__ == "__main__":
    main()
