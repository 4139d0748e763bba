"""What the access log costs a page (prints numbers; never asserts).

    .venv/bin/python bench/access_log.py [--requests 200] [--database-url postgres://...]

On a throwaway database (SQLite file by default, with real commits), a partner opens an
organization page that shows partners-tier phones, contacts and a shelter address:
- end to end through the test client, with the log on and with it off (the view's record call
  replaced by a no-op), in interleaved rounds so drift affects both alike. The test client
  closes the response before returning, so this includes the write, which in production runs
  when the server closes the response, after the page has been sent;
- the part inside the request: deciding whether the page showed data above public and noting
  the entry (`audit.directory.record_organization`), for that organization (the answer is
  found at once) and for a public-only one (every check runs, with its queries);
- the part after the response: writing the entries (`audit.middleware.flush`, one bulk
  insert, committed) for 1 entry and for 20 (an HSDS page of 20 organizations);
- the queries the log adds to the request.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def show(label, times):
    times = sorted(times)
    print(
        f"{label:<58} median {statistics.median(times):8.3f} ms   p90 "
        f"{times[int(len(times) * 0.9) - 1]:8.3f} ms   n={len(times)}"
    )


def timed(fn, n):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def build_org(public_only=False):
    from wagtail.models import Locale

    from directory.models import (
        Area,
        Location,
        Organization,
        OrganizationContact,
        OrganizationPhone,
        Service,
        ServicePhone,
    )

    org = Organization(
        name="Bench Public Office" if public_only else "Bench Shelter Network",
        slug="bench-public-office" if public_only else "bench-shelter-network",
        org_type="national_ngo",
        country=Area.objects.get(key="KH"),
        area=Area.objects.get(key="KH:02"),
        locale=Locale.get_default(),
        email="info@example.org",
        email_visibility="public",
        live=True,
    )
    org.save()
    tiers = ("public",) if public_only else ("public", "partners", "restricted")
    for tier, number in zip(tiers, ("+85523000101", "+85523000202", "+85523000303"), strict=False):
        OrganizationPhone.objects.create(organization=org, number=number, channel="voice", visibility=tier)
        OrganizationContact.objects.create(organization=org, role=f"{tier} desk", visibility=tier)
    Location.objects.create(
        organization=org,
        name="Office",
        location_type="office",
        area=Area.objects.get(key="KH:02"),
        address="1 Road",
        latitude=13.1,
        longitude=103.2,
        visibility="public",
    )
    Location.objects.create(
        organization=org,
        name="Second office" if public_only else "Shelter",
        location_type="office" if public_only else "shelter",
        area=Area.objects.get(key="KH:02"),
        address="2 Street",
        latitude=13.09,
        longitude=103.21,
        visibility="public" if public_only else "partners",
    )
    for n in range(3):
        service = Service(organization=org, name=f"Service {n}", locale=org.locale, live=True)
        service.save()
        ServicePhone.objects.create(
            service=service, number=f"+8551200040{n}", channel="hotline", visibility="public"
        )
    return org


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database to use instead of a new SQLite file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-access-log-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    import directory.views.detail as detail
    from audit import record
    from audit.directory import shows_above_public
    from audit.middleware import flush
    from audit.models import AccessLogEntry
    from directory.visibility import viewer_tier

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "--no-communes", verbosity=0)
    org = build_org()
    partner = User.objects.create_user("partner", password="partner-password-1")
    partner.groups.add(Group.objects.get_or_create(name="Partners")[0])
    client = Client()
    client.force_login(partner)
    url = f"/directory/{org.slug}/"
    assert client.get(url).status_code == 200
    logged = detail.record_organization

    def page():
        client.get(url)

    on, off = [], []
    rounds = 20  # short interleaved rounds: load from other work on the machine hits both alike
    for _ in range(rounds):
        detail.record_organization = logged
        on += timed(page, args.requests // rounds)
        detail.record_organization = lambda *a, **k: None
        off += timed(page, args.requests // rounds)
    detail.record_organization = logged
    print(f"{connection.vendor}; {AccessLogEntry.objects.count()} entries written")
    show("organization page, partner, log on", on)
    show("organization page, partner, log off", off)
    print(f"{'difference of medians':<58} {statistics.median(on) - statistics.median(off):+7.2f} ms")

    factory = RequestFactory()
    tier = viewer_tier(partner, org)
    plain = build_org(public_only=True)
    for label, shown in (("partners-tier data", org), ("public data only", plain)):
        context = detail.organization_context(shown, tier, shown.slug)
        assert shows_above_public(context) == (shown is org)
        request = factory.get(url)
        request.user = partner
        show(
            f"in the request: deciding and noting ({label})",
            timed(lambda r=request, c=context: logged(r, "organization_page", c), args.requests),
        )

    def write(n):
        request = factory.get(url)
        request.user = partner
        for _ in range(n):
            record(request, "organization_page", org.pk, tier, organization=org, label=org.name)
        return lambda: flush(request)

    times = []
    for _ in range(args.requests):
        fn = write(1)
        times += timed(fn, 1)
    show("after the response: writing 1 entry (one bulk insert, committed)", times)
    times = []
    for _ in range(args.requests // 4):
        fn = write(20)
        times += timed(fn, 1)
    show("after the response: writing 20 entries (one bulk insert, committed)", times)

    detail.record_organization = lambda *a, **k: None
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    detail.record_organization = logged
    with CaptureQueriesContext(connection) as with_log:
        client.get(url)
    print(f"queries: page without the log {len(without)}, with it {len(with_log)}")


if __name__ == "__main__":
    main()
