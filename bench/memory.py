"""Resident memory of one web worker with the search snapshot built (prints numbers; never asserts).

    .venv/bin/python bench/memory.py [--documents 25000 100000] [--keep DIR]

For each size, a throwaway SQLite database is filled with bench/search.py's synthetic directory
(4 services per organization: 25,000 documents = 5,000 organizations + 20,000 services) and
indexed through the real pipeline, in a process of its own. Then a *fresh* process, set up as a
web worker is (Django loaded, every URL module imported), reports its resident memory (VmRSS)
before the snapshot, after building it, and after 40 searches with facets (the snapshot's
per-tier caches filled), and the peak (VmHWM). The issue's limit: under 300 MB at 100,000.
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
    import django

    django.setup()


def build(db, documents):
    setup(db)
    from django.core.management import call_command

    from search import api
    from search.engines import database_engine

    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    search_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search_bench)
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


def measure(db):
    setup(db)
    from django.urls import get_resolver

    get_resolver().resolve("/")  # import every view module, as a worker does on its first request
    from search.contract import Query
    from search.engines import database_engine
    from search.engines import snapshot as snapshots

    before = rss_mb()
    t0 = time.perf_counter()
    snapshots.get()
    build_ms = (time.perf_counter() - t0) * 1000
    after_build = rss_mb()
    engine = database_engine()
    facets = ["kind", "country", "province", "type", "group", "language"]
    words = ["shelter", "legal", "support", "return", "health", "children", "women", "labour"]
    for i in range(40):
        filters = {"province": ["battambang"]} if i % 3 == 0 else {}
        engine.search(Query(text=words[i % len(words)], filters=filters, facets=facets))
    print(
        json.dumps(
            {
                "setup_mb": before,
                "snapshot_mb": after_build,
                "searched_mb": rss_mb(),
                "peak_mb": rss_mb("VmHWM"),
                "snapshot_ms": build_ms,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, nargs="+", default=[25_000, 100_000])
    parser.add_argument("--keep", help="directory for the databases (reused when they exist)")
    parser.add_argument("--step", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "build":
        return build(args.db, args.documents[0])
    if args.step == "measure":
        return measure(args.db)

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"{'documents':>10} {'setup MB':>9} {'snapshot MB':>12} {'after searches MB':>18} "
        f"{'peak MB':>8} {'build ms':>9}"
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
        out = subprocess.run([*me, "--step", "measure"], capture_output=True, text=True, check=True).stdout
        m = json.loads(out.strip().splitlines()[-1])
        print(
            f"{documents:>10} {m['setup_mb']:9.0f} {m['snapshot_mb']:12.0f} {m['searched_mb']:18.0f} "
            f"{m['peak_mb']:8.0f} {m['snapshot_ms']:9.0f}"
        )


if __name__ == "__main__":
    main()
