"""Library at scale: text extraction throughput, then indexing and faceted full-text search with
the database engine (prints numbers; never asserts).

    .venv/bin/python bench/library.py [--pdfs 40] [--pages 10] [--items 20000] [--text-kb 20]
                                      [--queries 200] [--skip-index]

1. Extraction: generates PDFs with fpdf2 (English pages in Helvetica, one Khmer page per file in
   Noto Sans Khmer from the project's npm fonts), then times library.extraction.extract over
   them: pages/s and MB/s (generation is not timed).
2. Index and search: a throwaway SQLite database with --items published library items, each
   with about --text-kb KB of extracted text (English and Khmer, words drawn Zipf-like from the
   demo library's titles and the taxonomy's Khmer names), countries, languages, topics, years
   and types spread like the demo records. Pages are written in bulk (rows, not 20,000
   add_child calls), then indexed through the real pipeline (library search kind -> documents
   -> database engine), then --queries full-text queries each with three facet filters
   (document type, decade, language or country) that also count all eight library facets.
"""

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FONT_WOFF = ROOT / "node_modules/@fontsource/noto-sans-khmer/files/noto-sans-khmer-khmer-400-normal.woff"


def percentile(values, p):
    values = sorted(values)
    return values[max(0, int(round(len(values) * p)) - 1)]


def vocabulary():
    """English words of the demo library's titles, Khmer words of the taxonomy, most frequent first."""
    import csv
    from collections import Counter

    from search.text import tokens

    english, khmer = Counter(), Counter()
    with open(ROOT / "library" / "demo" / "records.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for word in f"{row['title']} {row['notes']}".split():
                word = word.strip(".,;:()\"'").lower()
                if word.isalpha() and len(word) > 2:
                    english[word] += 1
    with open(ROOT / "directory" / "reference" / "taxonomy.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for word in tokens(row["name_km"]):
                khmer[word] += 1
    # Real text has a long tail of rare words (names, places, terms): 20,000 synthetic ones after
    # the real words, so a rare word is in few items, as it would be.
    rng = random.Random(3)
    syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
    tail = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(22000)})
    rng.shuffle(tail)
    common = [w for w, _n in english.most_common()]
    tail = [w for w in tail if w not in set(common)][:20000]
    return common + tail, [w for w, _n in khmer.most_common()]


def zipf(rng, words, k):
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return rng.choices(words, weights=weights, k=k)


# -- 1. extraction ------------------------------------------------------------------------------


def make_pdfs(count, pages, words_en, words_km, rng, font_path):
    from fpdf import FPDF

    files = []
    for _n in range(count):
        pdf = FPDF()
        pdf.set_font("helvetica", size=10)
        for _page in range(pages - 1):
            pdf.add_page()
            pdf.multi_cell(0, 5, " ".join(zipf(rng, words_en, 450)))
        pdf.add_page()
        if font_path:
            pdf.add_font("khmer", fname=str(font_path))
            pdf.set_font("khmer", size=12)
            pdf.multi_cell(0, 7, " ".join(zipf(rng, words_km, 200)))
        else:
            pdf.multi_cell(0, 5, " ".join(zipf(rng, words_en, 450)))
        files.append(bytes(pdf.output()))
    return files


def bench_extraction(args, words_en, words_km, rng):
    from library.extraction import extract

    font_path = None
    if FONT_WOFF.exists():
        from fontTools.ttLib import TTFont

        font = TTFont(str(FONT_WOFF))
        font.flavor = None
        font_path = Path(tempfile.mkdtemp(prefix="bench-font-")) / "NotoSansKhmer.ttf"
        font.save(str(font_path))
    files = make_pdfs(args.pdfs, args.pages, words_en, words_km, rng, font_path)
    if font_path:
        shutil.rmtree(font_path.parent, ignore_errors=True)
    megabytes = sum(len(f) for f in files) / (1024 * 1024)
    start = time.perf_counter()
    results = [extract(io.BytesIO(data), f"bench-{i}.pdf") for i, data in enumerate(files)]
    seconds = time.perf_counter() - start
    pages = sum(r.page_count or 0 for r in results)
    done = sum(r.status == "done" for r in results)
    chars = sum(len(r.text) for r in results)
    khmer_ok = font_path is not None and all(any("\u1780" <= c <= "\u17ff" for c in r.text) for r in results)
    print(
        f"extraction: {len(files)} PDFs, {pages} pages, {megabytes:.1f} MB, {chars:,} characters "
        f"({done} done{', Khmer text found in every file' if khmer_ok else ''}) in {seconds:.2f} s: "
        f"{pages / seconds:.0f} pages/s, {megabytes / seconds:.2f} MB/s, {len(files) / seconds:.1f} files/s"
    )


# -- 2. index and search ------------------------------------------------------------------------


def build_library(args, words_en, words_km, rng):
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from taggit.models import Tag
    from wagtail.models import Page

    from directory.models import Area, Language
    from library.demo.loader import index_page, read_records
    from library.models import LibraryDocumentPage, LibraryDocumentTag

    demo = read_records()
    types = [r["doc_type"] for r in demo]  # the demo's spread of types
    years = [int(r["year"]) for r in demo if r["year"].isdigit()]
    countries = {
        a.key: a for a in Area.objects.countries().filter(key__in=["KH", "TH", "VN", "LA", "MM", "MY", "CN"])
    }
    languages = {lang.code: lang for lang in Language.objects.filter(code__in=["en", "km", "th", "vi"])}
    topic_names = sorted({t.replace("-", " ") for r in demo for t in r["topics"].split(";") if t})
    tags = {
        name: Tag.objects.get_or_create(name=name, defaults={"slug": name.replace(" ", "-")})[0]
        for name in topic_names
    }

    paragraphs_en = [" ".join(zipf(rng, words_en, 120)) + "." for _ in range(4000)]
    paragraphs_km = [" ".join(zipf(rng, words_km, 80)) for _ in range(150)]
    target = args.text_kb * 1000

    def body(i):
        parts, size = [f"Library item {i}."], 0
        while size < target:
            part = rng.choice(paragraphs_km) if rng.random() < 0.2 else rng.choice(paragraphs_en)
            parts.append(part)
            size += len(part) + 1
        return "\n".join(parts)

    parent = index_page()
    content_type = ContentType.objects.get_for_model(LibraryDocumentPage)
    start_numchild = parent.numchild
    fields = [f for f in LibraryDocumentPage._meta.local_concrete_fields]
    t0 = time.perf_counter()
    with transaction.atomic():
        for batch_start in range(0, args.items, 500):
            numbers = range(batch_start, min(batch_start + 500, args.items))
            rows = []
            for i in numbers:
                title = f"{' '.join(zipf(rng, words_en, 6)).capitalize()} {i}"
                slug = f"bench-item-{i}"
                rows.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type=content_type,
                        path=Page._get_path(parent.path, parent.depth + 1, start_numchild + i + 1),
                        depth=parent.depth + 1,
                        numchild=0,
                        url_path=f"{parent.url_path}{slug}/",
                        live=True,
                        locale_id=parent.locale_id,
                        translation_key=uuid.uuid4(),
                    )
                )
            Page.objects.bulk_create(rows)
            docs = []
            for page, i in zip(rows, numbers, strict=True):
                doc_type = rng.choice(types)
                year = rng.choice(years)
                doc = LibraryDocumentPage(
                    page_ptr_id=page.pk,
                    document_type=doc_type,
                    year=year,
                    issuer_name=rng.choice(demo)["issuer"],
                    abstract=" ".join(zipf(rng, words_en, 60)),
                    extracted_text=body(i),
                    extraction_status="done",
                    access_level="public",
                )
                docs.append(doc)
            LibraryDocumentPage._base_manager._insert(docs, fields=fields, raw=True)
            through_c = LibraryDocumentPage.countries.through
            through_l = LibraryDocumentPage.languages.through
            through_c.objects.bulk_create(
                [
                    through_c(librarydocumentpage_id=d.pk, area_id=area.pk)
                    for d in docs
                    for area in rng.sample(list(countries.values()), rng.choice([1, 1, 2, 3]))
                ]
            )
            through_l.objects.bulk_create(
                [
                    through_l(librarydocumentpage_id=d.pk, language_id=lang.pk)
                    for d in docs
                    for lang in rng.sample(list(languages.values()), rng.choice([1, 1, 2]))
                ]
            )
            LibraryDocumentTag.objects.bulk_create(
                [
                    LibraryDocumentTag(content_object_id=d.pk, tag=tags[name])
                    for d in docs
                    for name in rng.sample(topic_names, 3)
                ]
            )
        Page.objects.filter(pk=parent.pk).update(numchild=start_numchild + args.items)
    total_mb = args.items * args.text_kb / 1000
    print(
        f"built {args.items} library items (~{total_mb:.0f} MB of extracted text) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return (
        sorted(set(types)),
        sorted({y // 10 * 10 for y in years}),
        sorted(countries),
        sorted(languages),
    )


def bench_search(args, words_en, words_km, rng):
    from library.searchable import LIBRARY_FACETS
    from search import api
    from search.contract import Query
    from search.engines import database_engine

    types, decades, countries, languages = build_library(args, words_en, words_km, rng)
    engine = database_engine()
    t0 = time.perf_counter()
    counts = api.rebuild(engine, ["document"])
    seconds = time.perf_counter() - t0
    n = counts["document"]
    print(
        f"indexed {n} library items with the database engine in {seconds:.1f} s: {n / seconds:.0f} items/s, "
        f"{n * args.text_kb / 1000 / seconds:.1f} MB of text/s"
    )

    from search.engines import snapshot as snapshots

    snapshots._snapshots.clear()
    t0 = time.perf_counter()
    snapshots.get()
    print(
        f"facet snapshot built in {(time.perf_counter() - t0) * 1000:.0f} ms "
        "(once per process after each change)"
    )

    country_slugs = {a: a.lower() for a in countries}

    def word(band, words=words_en):
        low, high = band
        return zipf(rng, words[low:high], 1)[0]

    def three_facets():
        third = (
            {"language": [rng.choice(languages)]}
            if rng.random() < 0.5
            else {"country": [country_slugs[rng.choice(countries)]]}
        )
        return {"doc_type": [rng.choice(types)], "decade": [str(rng.choice(decades))], **third}

    def queries_in(band):
        mixes = [
            lambda: word(band),
            lambda: f"{word(band)} {word(band)}",
            lambda: word((0, 60), words_km),
            lambda: f"{word(band)} {word((0, 60), words_km)}",
        ]
        return [(rng.choice(mixes)(), three_facets()) for _ in range(args.queries)]

    def run(batch):
        for text, filters in batch[:10]:
            engine.search(Query(text=text, filters=filters, facets=LIBRARY_FACETS, kinds=["document"]))
        times, hits = [], []
        for text, filters in batch:
            start = time.perf_counter()
            result = engine.search(
                Query(text=text, filters=filters, facets=LIBRARY_FACETS, kinds=["document"])
            )
            times.append((time.perf_counter() - start) * 1000)
            hits.append(result.total)
        return times, hits

    print(f"{args.queries} queries per line, each counting all {len(LIBRARY_FACETS)} library facets")
    print(f"{'':52} {'p50 ms':>8} {'p95 ms':>8} {'hits p50':>9}")
    # Content words (rank 100-5000, what people search for) and, as a worst case, the 200 most
    # frequent words (in nearly every item: every match is scored before the page is cut).
    for label, band in (("content words", (100, 5000)), ("most frequent words", (0, 200))):
        batch = queries_in(band)
        for suffix, queries in ((" + 3 facet filters", batch), (", no filter", [(t, {}) for t, _f in batch])):
            times, hits = run(queries)
            print(
                f"{label + suffix:52} {statistics.median(times):8.2f} "
                f"{percentile(times, 0.95):8.2f} {statistics.median(hits):9.0f}"
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=40)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--text-kb", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-index", action="store_true", help="only the extraction benchmark")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-library-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["ELASTICSEARCH_URL"] = ""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    rng = random.Random(11)
    words_en, words_km = vocabulary()
    print(f"vocabulary: {len(words_en)} English and {len(words_km)} Khmer words (Zipf-distributed)")
    bench_extraction(args, words_en, words_km, rng)
    if args.skip_index:
        return
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "--no-communes", verbosity=0)
    try:
        bench_search(args, words_en, words_km, rng)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
