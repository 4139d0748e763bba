"""Relevance of the public search, measured on the project's evaluation set (prints numbers; never asserts).

    .venv/bin/python bench/relevance.py [--es URL | --no-es] [--postgres URL] [--verbose]

Loads the demo directory and library into a fresh temporary database (SQLite; PostgreSQL with
`--postgres postgres://postgres@127.0.0.1:5432/<scratch name>`, created and dropped here), indexes
them on the database engine and on Elasticsearch (`--es URL`, else the ES-API emulator the test
suite uses, started on a free loopback port and stopped at the end), then runs every query of
`bench/relevance/queries.json` as the anonymous (public) viewer through `search.api.run`, with
the query /search/ builds. For each engine it prints recall@10, MRR and the zero-result rate per
category, per language and overall, and counts natural queries of three or more words that share
a word with an expected entry yet return nothing. `--verbose` lists every miss with the top 3.

Keys in the set: org:<organization slug>, service:<organization slug>/<top-level service type
code>, doc:<library item slug> (stable across demo loads; index ids are not). An expected service
is also satisfied by its organization's result (which lists the service).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUERIES = ROOT / "bench" / "relevance" / "queries.json"
TOP = 10


def load_set(path=QUERIES):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["queries"]


# -- set-up -----------------------------------------------------------------------------------
def _scratch_postgres(url):
    """Create the database named in `url` afresh; return a function that drops it."""
    import psycopg

    base, _sep, name = url.rpartition("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit("--postgres: end the URL with a plain scratch database name, e.g. /relevance_bench")

    def run(sql):
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    run(f"DROP DATABASE IF EXISTS {name}")
    run(f"CREATE DATABASE {name}")
    return lambda: run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _start_emulator():
    """The ES-API emulator of the test suite (noida-db) on a free port: (url, stop)."""
    import socket
    from importlib.resources import files

    binary = files("noida_db").joinpath("noida-db")
    os.chmod(str(binary), 0o755)  # noqa: S103 (an executable shipped in a wheel)
    data_dir = tempfile.mkdtemp(prefix="relevance-es-")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(Path(data_dir) / "server.log", "wb")  # noqa: SIM115 (closed in stop())
    proc = subprocess.Popen(
        [str(binary), "start", "--data-dir", data_dir, "--host", "127.0.0.1", "--only", "elasticsearch",
         "--elasticsearch-port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)

    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return url, stop
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop()
            sys.exit("The Elasticsearch emulator did not start.")
        time.sleep(0.1)


def load_demo_data():
    from django.core.management import call_command

    from directory.demo.loader import load_demo
    from library.demo.loader import load_library_demo

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "--no-communes", verbosity=0)
    load_demo(update_reference_index=False)
    load_library_demo()


def stable_keys():
    """{(kind, index id): stable key} for every published record."""
    from directory.models import Organization, Service
    from library.models import LibraryDocumentPage

    keys = {}
    default = {o.translation_key: o.slug for o in Organization.objects.filter(live=True)}
    for key, slug in default.items():
        keys[("organization", str(key))] = f"org:{slug}"
    services = Service.objects.filter(live=True).select_related("organization")
    services = services.prefetch_related("term_links__term")
    for service in services:
        codes = sorted(link.term.code.split(".")[0] for link in service.term_links.all())
        top = codes[0] if codes else "NONE"
        keys[("service", str(service.translation_key))] = f"service:{service.organization.slug}/{top}"
    for pk, slug in LibraryDocumentPage.objects.live().values_list("pk", "slug"):
        keys[("document", str(pk))] = f"doc:{slug}"
    return keys


def entry_words(keys):
    """{stable key: set of words in its title and names}: what "shares a word" is measured on."""
    from search import api, registry
    from search.text import tokens

    words = {}
    for kind in registry.kinds():
        for doc in api.documents_of(kind):
            key = keys.get((doc.kind, doc.id))
            if key:
                titles = [doc.title] + [d.get("title", "") for d in doc.display.values()] + list(doc.names)
                words[key] = set(tokens(" ".join(titles)))
    return words


# -- measuring --------------------------------------------------------------------------------
def run_set(queries, keys, words):
    """Run every query as the public viewer the way /search/ does; one outcome per query."""
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser

    from search import api
    from search.contract import Query
    from search.text import tokens
    from search.views import PAGE_FACETS

    outcomes = []
    for item in queries:
        query = Query(
            text=item["q"],
            facets=PAGE_FACETS,
            per_page=settings.SEARCH_PAGE_SIZE,
            locale="en",
            viewer=AnonymousUser(),
        )
        result = api.run(query)
        found = [keys.get((h.kind, str(h.id)), f"{h.kind}:{h.id}") for h in result.hits[:TOP]]
        ranks = [r for r in (rank(k, found) for k in item["expect"]) if r]
        query_words = set(tokens(item["q"]))
        shares = any(query_words & words.get(k, set()) for k in item["expect"])
        outcomes.append(
            {
                **item,
                "found": found,
                "titles": [h.title for h in result.hits[:3]],
                "total": result.total,
                "recall": len(ranks) / len(item["expect"]),
                "rr": 1 / min(ranks) if ranks else 0.0,
                "natural_empty": len(item["q"].split()) >= 3 and shares and result.total == 0,
                "engine": result.engine,
            }
        )
    return outcomes


def rank(key, found):
    """1-based rank of `key` in `found`, or None. An expected service also counts as found when
    its organization is listed (the organization's result names its services, and ranking may
    group an organization's services under it)."""
    accepted = [key]
    if key.startswith("service:"):
        accepted.append("org:" + key.removeprefix("service:").split("/")[0])
    ranks = [found.index(k) + 1 for k in accepted if k in found]
    return min(ranks) if ranks else None


def summarise(outcomes, field):
    groups = defaultdict(list)
    for o in outcomes:
        groups[o[field]].append(o)
    return {name: _stats(items) for name, items in sorted(groups.items())}


def _stats(items):
    n = len(items)
    return {
        "n": n,
        "recall": sum(o["recall"] for o in items) / n,
        "mrr": sum(o["rr"] for o in items) / n,
        "zero": sum(1 for o in items if o["total"] == 0) / n,
    }


def print_tables(results):
    engines = list(results)
    header = f"{'':22} {'n':>4}" + "".join(f" | {e[:13]:>13} R@10   MRR  zero" for e in engines)
    for field, title in (("category", "per category"), ("lang", "per language")):
        print(f"\n{title}\n{header}")
        tables = {e: summarise(results[e], field) for e in engines}
        for name in tables[engines[0]]:
            row = f"{name:22} {tables[engines[0]][name]['n']:4}"
            for e in engines:
                s = tables[e][name]
                row += f" | {'':13} {s['recall']:4.2f} {s['mrr']:5.2f} {s['zero']:5.2f}"
            print(row)
    row = f"{'OVERALL':22} {len(results[engines[0]]):4}"
    for e in engines:
        s = _stats(results[e])
        row += f" | {'':13} {s['recall']:4.2f} {s['mrr']:5.2f} {s['zero']:5.2f}"
    print(row)
    for e in engines:
        count = sum(1 for o in results[e] if o["natural_empty"])
        print(f"{e}: natural queries of 3+ words sharing a word with an entry that return nothing: {count}")
        # Recall means little if every query returns most of the index: show how many come back.
        totals = sorted(o["total"] for o in results[e])
        print(f"{e}: results per query: median {totals[len(totals) // 2]}, max {totals[-1]}")


def print_misses(results):
    for engine, outcomes in results.items():
        print(f"\nmisses on {engine}:")
        for o in outcomes:
            if o["recall"] < 1:
                missing = [k for k in o["expect"] if not rank(k, o["found"])]
                print(f"  [{o['category']}/{o['lang']}] {o['q']!r} total={o['total']} missing={missing}")
                for title in o["titles"]:
                    print(f"      - {title}")
                if o["natural_empty"]:
                    print("      (3+ words sharing a word with an expected entry, nothing returned)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--es", default="", help="Elasticsearch URL (default: start the emulator)")
    parser.add_argument("--no-es", action="store_true", help="measure the database engine only")
    parser.add_argument("--postgres", default="", help="PostgreSQL URL of a scratch database to create")
    parser.add_argument("--verbose", action="store_true", help="list misses with the top 3 returned")
    parser.add_argument("--queries", default=str(QUERIES))
    args = parser.parse_args()

    cleanups = []
    if args.postgres:
        cleanups.append(_scratch_postgres(args.postgres))
        os.environ["DATABASE_URL"] = args.postgres
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-relevance-"))
        cleanups.append(lambda: shutil.rmtree(workdir, ignore_errors=True))
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["ELASTICSEARCH_URL"] = ""  # nothing is indexed while the demo loads
    try:
        measure(args, cleanups)
    finally:
        for cleanup in reversed(cleanups):
            cleanup()


def measure(args, cleanups):
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from search import api
    from search.engines import database_engine
    from search.engines.elasticsearch import ElasticsearchEngine

    queries = load_set(args.queries)
    t0 = time.perf_counter()
    load_demo_data()
    keys = stable_keys()
    seconds = time.perf_counter() - t0
    print(f"demo data loaded on {connection.vendor} in {seconds:.0f} s: {len(keys)} public records")
    counts = api.rebuild(database_engine())
    print(f"database engine indexed {counts}")
    words = entry_words(keys)

    results = {}
    settings.ELASTICSEARCH_URL = ""
    results["database"] = run_set(queries, keys, words)

    if not args.no_es:
        url = args.es
        if not url:
            url, stop = _start_emulator()
            cleanups.append(stop)
        prefix = f"relevance-{uuid.uuid4().hex[:8]}"
        es = ElasticsearchEngine(url, prefix=prefix, timeout=30, refresh=True)
        cleanups.append(lambda: es.drop(list(counts)))
        print(f"elasticsearch ({url}) indexed {api.rebuild(es)}")
        settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX = url, prefix
        settings.SEARCH_ELASTICSEARCH_TIMEOUT = 30
        outcomes = run_set(queries, keys, words)
        fallbacks = sum(1 for o in outcomes if o["engine"] != "elasticsearch")
        if fallbacks:
            print(f"WARNING: {fallbacks} queries fell back to the database engine")
        results["elasticsearch"] = outcomes

    print(f"\n{len(queries)} queries, top {TOP}, public viewer, via search.api.run (as /search/)")
    print_tables(results)
    if args.verbose:
        print_misses(results)


if __name__ == "__main__":
    main()
