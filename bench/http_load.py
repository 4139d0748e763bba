"""Requests per second through gunicorn (prints numbers; never asserts). Named http_load, not http:
a bench/http.py would stand in for the standard library's `http` in every script run from bench/.

    .venv/bin/python bench/http_load.py [--clients 50] [--seconds 30] [--workers 2] [--port 8112]
                                        [--database-url URL] [--keep DIR]

Serves the portal as production does (portal.settings.production, gunicorn with 2 sync workers,
static files collected with whitenoise's manifest, Redis as the shared cache) on loopback, with
the demo data (setup_portal --demo) in a throwaway SQLite database, or in --database-url
(PostgreSQL: a database of its own, emptied first). Requests come as they would through the
proxy (docker/Caddyfile): X-Forwarded-Proto https from a trusted address, gzip accepted.

Each page in turn gets a bounded load: `--clients` clients, each sending its next request
when the previous one is answered, for `--seconds`. Printed per page: requests/s, p50 and p99
latency, bytes per answer as sent, and errors (any answer but 200, or a failed connection).
The load generator is plain asyncio (one new connection per request: gunicorn's sync workers do
not keep connections alive) and shares the machine's cores with the server.
"""

import argparse
import asyncio
import itertools
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def percentile(values, p):
    values = sorted(values)
    return values[max(0, int(round(len(values) * p)) - 1)] if values else float("nan")


async def fetch(host, port, path, timeout=60, body=False):
    """(status, size of the body as sent) of one GET over a fresh connection; with `body`, the
    body too."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n"
                "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    head, _sep, content = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    if body:
        return status, len(content), head, content
    return status, len(content)


def page_weight(port, path):
    """Bytes sent for `path` and the style sheets and scripts it loads, gzip accepted (the
    collected static files have .gz copies, as the proxy serves them)."""
    import gzip

    status, size, head, content = asyncio.run(fetch("127.0.0.1", port, path, body=True))
    html = gzip.decompress(content) if b"content-encoding: gzip" in head.lower() else content
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    parts = [(path, size)]
    for asset in dict.fromkeys(a.decode() for a in assets):
        parts.append((asset, asyncio.run(fetch("127.0.0.1", port, asset))[1]))
    return parts


async def load(host, port, path, clients, seconds):
    """Bounded load on `path` (a string, or a function of the request's number giving each
    request its own path)."""
    latencies, sizes, errors = [], [], []
    stop = time.perf_counter() + seconds
    numbers = itertools.count()

    async def client():
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                status, size = await fetch(host, port, path(next(numbers)) if callable(path) else path)
            except (TimeoutError, OSError, ValueError, IndexError) as exc:
                errors.append(type(exc).__name__)
                continue
            if status != 200:
                errors.append(str(status))
                continue
            latencies.append((time.perf_counter() - start) * 1000)
            sizes.append(size)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    return latencies, sizes, errors, elapsed


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8112)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--keep", help="directory for the database and static files (reused)")
    parser.add_argument("--only", nargs="*", help="labels of the pages to load (default: all)")
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=60,
        help="PUBLIC_PAGE_CACHE_SECONDS for the server (production's 60; 0 renders every page)",
    )
    args = parser.parse_args()

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-http-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="localhost,127.0.0.1",
        TRUSTED_PROXIES="127.0.0.1,::1",
        DATABASE_URL=args.database_url or f"sqlite:///{workdir / 'http.sqlite3'}",
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX=f"bench-http-{os.getpid()}",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        ELASTICSEARCH_URL="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PORTAL_REQUIRE_2FA="0",
        LOG_LEVEL="WARNING",
        MAP_TILE_URL="",
        PUBLIC_PAGE_CACHE_SECONDS=str(args.page_cache_seconds),
        PATH=f"{Path(PYTHON).parent}:{env.get('PATH', '')}",
    )
    manage = [PYTHON, "manage.py"]
    fresh = not (workdir / "ready").exists()
    if fresh:
        t0 = time.perf_counter()
        if args.database_url.startswith("postgres"):
            run([*manage, "flush", "--noinput"], env, stdout=subprocess.DEVNULL)
        run([*manage, "migrate", "--noinput", "-v", "0"], env)
        run([*manage, "setup_portal", "--demo", "--no-communes"], env, stdout=subprocess.DEVNULL)
        run([*manage, "collectstatic", "--noinput", "-v", "0"], env)
        (workdir / "ready").write_text("")
        print(f"set up with the demo data in {time.perf_counter() - t0:.0f} s ({workdir})")
    slug = run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from directory.models import Organization; "
            "print(Organization.objects.filter(live=True).order_by('pk').values_list('slug', flat=True)[0])",
        ],
        env,
        capture_output=True,
        text=True,
    ).stdout.strip().splitlines()[-1]

    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "60",
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "w"),  # noqa: SIM115 -- lives as long as the server
        start_new_session=True,
    )
    # The listing and search pages anonymous visitors get come from the shared page cache once
    # rendered (search/page_cache.py); the "new URL" rows give every request a URL of its own
    # (a filter combination and an ignored parameter), so each is rendered: the cost of a miss.
    filters = ["", "type=LEGAL", "country=kh", "province=battambang", "group=children", "language=km"]
    pages = [
        ("directory", "/directory/"),
        ("directory new URL", lambda n: f"/directory/?{filters[n % len(filters)]}&n={n}"),
        ("search", "/search/?q=shelter"),
        ("search new URL", lambda n: f"/search/?q=shelter&n={n}"),
        ("organization", f"/directory/{slug}/"),
        ("map data", "/map/services.geojson"),
    ]
    if args.only:
        pages = [page for page in pages if page[0] in args.only]
    try:
        for _ in range(120):
            try:
                if asyncio.run(fetch("127.0.0.1", args.port, "/healthz"))[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit(f"gunicorn did not answer; see {workdir / 'gunicorn.log'}")
        # Warm both workers (search snapshot, templates, caches) before timing.
        for _label, path in pages:
            for number in range(args.workers * 3):
                warm = path(-1 - number) if callable(path) else path
                status, _size = asyncio.run(fetch("127.0.0.1", args.port, warm))
                if status != 200:
                    raise SystemExit(f"{path} answered {status}; see {workdir / 'gunicorn.log'}")
        parts = page_weight(args.port, "/directory/?type=LEGAL")
        print("weight of a directory results page, gzip accepted:")
        for name, size in parts:
            print(f"  {size / 1024:7.1f} KB  {name}")
        print(f"  {sum(size for _n, size in parts) / 1024:7.1f} KB  in all")
        print(
            f"gunicorn, {args.workers} workers, production settings, demo data; "
            f"{args.clients} clients for {args.seconds:.0f} s per page; "
            f"page cache {args.page_cache_seconds} s"
        )
        print(f"{'page':18} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'KB sent':>8} {'errors':>7}")
        for label, path in pages:
            latencies, sizes, errors, elapsed = asyncio.run(
                load("127.0.0.1", args.port, path, args.clients, args.seconds)
            )
            kinds = ", ".join(sorted(set(errors)))
            print(
                f"{label:18} {len(latencies) / elapsed:7.1f} {percentile(latencies, 0.5):8.0f} "
                f"{percentile(latencies, 0.99):8.0f} "
                f"{(statistics.median(sizes) if sizes else 0) / 1024:8.1f} {len(errors):>7}"
                + (f" ({kinds})" if kinds else "")
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        import redis

        shared = redis.Redis.from_url(args.redis_url)
        for key in shared.scan_iter(f"bench-http-{os.getpid()}:*"):
            shared.delete(key)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
