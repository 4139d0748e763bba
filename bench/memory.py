"""Resident memory of one web worker with the search snapshot built and the directory listing
in use (prints numbers; never asserts).

    .venv/bin/python bench/memory.py [--documents 25000 100000] [--pages 40] [--keep DIR]

For each size, a throwaway SQLite database is filled with bench/search.py's synthetic directory
(4 services per organization: 25,000 documents = 5,000 organizations + 20,000 services) and
indexed through the real pipeline, in a process of its own. Then a *fresh* process, set up as a
web worker is (Django loaded with DEBUG off, every URL module imported), reports its resident
memory (VmRSS) before the snapshot, after building it, after 40 searches with facets (the
snapshot's per-tier caches filled), after `--pages` /directory/ pages with bench/directory.py's
mixed filters and words (the listing's per-snapshot data: owners, facet values, folded names),
and the peak (VmHWM). The issue's limit: under 300 MB at 100,000, with the listing in use. (The
map page's list reads the same selection; its stored features are not built here.)
"""

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb(field="VmRSS"):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def setup(db):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["ELASTICSEARCH_URL"] = ""
    os.environ["DEBUG"] = "0"  # as in production: no log of every SQL statement
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"  # every page computed (and no bodies kept in locmem)
    import django

    django.setup()


def load_bench(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(db, documents):
    setup(db)
    from django.core.management import call_command

    from search import api
    from search.engines import database_engine

    search_bench = load_bench("search")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "--no-communes", verbosity=0)
    search_bench.WORDS_EN[:], search_bench.WORDS_KM[:] = search_bench.vocabulary()
    args = argparse.Namespace(orgs=documents // 5, services_per_org=4)
    t0 = time.perf_counter()
    search_bench.build(args, random.Random(7))
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    counts = api.rebuild(database_engine())
    indexed = time.perf_counter() - t0
    print(json.dumps({"built_s": built, "indexed_s": indexed, "documents": sum(counts.values())}))


def measure(db, pages):
    setup(db)
    from django.test import Client
    from django.urls import get_resolver

    get_resolver().resolve("/")  # import every view module, as a worker does on its first request
    from search.contract import Query
    from search.engines import database_engine
    from search.engines import snapshot as snapshots

    out = {"setup_mb": rss_mb()}
    t0 = time.perf_counter()
    snapshots.get()
    out["snapshot_ms"] = (time.perf_counter() - t0) * 1000
    out["snapshot_mb"] = rss_mb()
    engine = database_engine()
    facets = ["kind", "country", "province", "type", "group", "language"]
    words = ["shelter", "legal", "support", "return", "health", "children", "women", "labour"]
    for i in range(40):
        filters = {"province": ["battambang"]} if i % 3 == 0 else {}
        engine.search(Query(text=words[i % len(words)], filters=filters, facets=facets))
    out["searched_mb"] = rss_mb()
    out["searched_peak_mb"] = rss_mb("VmHWM")

    # The listing with bench/directory.py's mixed filters and words.
    directory_bench = load_bench("directory")
    queries = directory_bench.listing_queries(random.Random(42), pages, *directory_bench.filter_values())
    client = Client()
    t0 = time.perf_counter()
    for query in queries:
        response = client.get(f"/directory/?{query}")
        if response.status_code != 200:
            raise SystemExit(f"/directory/?{query} answered {response.status_code}")
    out["listed_ms"] = (time.perf_counter() - t0) * 1000 / len(queries)
    out["listed_mb"] = rss_mb()
    out["peak_mb"] = rss_mb("VmHWM")
    print(json.dumps(out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, nargs="+", default=[25_000, 100_000])
    parser.add_argument("--keep", help="directory for the databases (reused when they exist)")
    parser.add_argument("--pages", type=int, default=40, help="/directory/ pages served")
    parser.add_argument("--step", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "build":
        return build(args.db, args.documents[0])
    if args.step == "measure":
        return measure(args.db, args.pages)

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print("resident MB after each phase (and the peak after the searches); ms per listing page")
    print(
        f"{'documents':>10} {'setup':>6} {'snapshot':>9} {'searches':>9} {'(peak)':>7} {'listing':>8} "
        f"{'peak':>6} {'build ms':>9} {'ms/page':>8}"
    )
    for documents in args.documents:
        db = workdir / f"memory-{documents}.sqlite3"
        me = [sys.executable, __file__, "--documents", str(documents), "--db", str(db)]
        if not db.exists():
            out = subprocess.run([*me, "--step", "build"], capture_output=True, text=True, check=True).stdout
            info = json.loads(out.strip().splitlines()[-1])
            print(
                f"  (built {info['documents']} documents in {info['built_s']:.0f} s, "
                f"indexed in {info['indexed_s']:.0f} s)"
            )
        me += ["--pages", str(args.pages), "--step", "measure"]
        out = subprocess.run(me, capture_output=True, text=True, check=True).stdout
        m = json.loads(out.strip().splitlines()[-1])
        print(
            f"{documents:>10} {m['setup_mb']:6.0f} {m['snapshot_mb']:9.0f} {m['searched_mb']:9.0f} "
            f"{m['searched_peak_mb']:7.0f} {m['listed_mb']:8.0f} {m['peak_mb']:6.0f} "
            f"{m['snapshot_ms']:9.0f} {m['listed_ms']:8.0f}"
        )


if __name__ == "__main__":
    main()
