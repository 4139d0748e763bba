"""How many occurrences of a Khmer domain word can be found by that word (prints; never asserts).

    .venv/bin/python bench/khmer_subwords.py [--misses 15]

Texts: the project's own Khmer strings (msgstr of portal/locale/km/LC_MESSAGES/django.po, the
Khmer names of demo organizations and the Khmer titles of demo library items).
Domain words: the Khmer words (two clusters or more) of the service taxonomy's labels, of the
seeded Khmer synonyms, and the compound examples of issue 10 (not grammatical words or affixes).

An occurrence is every place a word's letters appear in a text, starting and ending on a
cluster boundary (after the folding of `search.text`). It is found
- by whole words when the text's tokens at that place are exactly the word's tokens;
- by sub-words when the word's cluster pairs sit consecutively at that place in the sub-word
  field (`search.subwords`), which is what the engines match as a phrase.
"""

import argparse
import csv
import importlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KHMER = re.compile("[\u1780-\u17ff]")
# Grammatical words and affixes ("the act of", "-ity", "-ness", "person who", "in", "by"): not what
# anyone searches for, and everywhere inside compounds.
NOT_DOMAIN = {"ការ", "កម្ម", "ភាព", "អ្នក", "សេចក្តី", "ក្នុង", "ដោយ", "ពី", "នៃ", "និង"}
EXAMPLES = ["រងគ្រោះ", "ច្បាប់", "ស្វែងរក", "ភ្នាក់ងារ", "សមាហរណកម្ម", "ជួញដូរ", "មនុស្ស", "កុមារ", "ស្ត្រី"]


def khmer_texts():
    texts = []
    po = (ROOT / "portal/locale/km/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    for block in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', po, flags=re.M):
        text = "".join(json.loads(line) for line in block.splitlines() if line.startswith('"'))
        if KHMER.search(text):
            texts.append(text)
    names = json.loads((ROOT / "directory/demo/translations.json").read_text(encoding="utf-8"))
    texts += [v for v in names.get("km", {}).values() if KHMER.search(v)]
    titles = json.loads((ROOT / "library/demo/translated_titles.json").read_text(encoding="utf-8"))
    for key, value in titles.items():
        if not key.startswith("_"):
            texts += [t for t in (value if isinstance(value, list) else [value]) if KHMER.search(t)]
    return texts


def domain_words():
    from search.subwords import clusters
    from search.text import tokens

    words = set(EXAMPLES)
    with open(ROOT / "directory/reference/taxonomy.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            words.update(tokens(row.get("name_km", "")))
    seeds = importlib.import_module("search.migrations.0008_seed_language_synonyms").SEEDS
    for _key, variants, _note in seeds:
        for variant in variants.splitlines():
            if KHMER.search(variant):
                words.update(tokens(variant))
    from search.stopwords import STOPWORDS

    words -= NOT_DOMAIN | STOPWORDS
    return sorted(w for w in words if KHMER.fullmatch(w[0]) and len(clusters(w)) >= 2)


def occurrences(text, word):
    """(found by whole words, found by whole words or sub-words) for each occurrence."""
    from search.subwords import _RUN, clusters, query_subwords
    from search.text import fold_letters, token_spans, tokens

    text, word = fold_letters(text), fold_letters(word)
    spans = token_spans(text)  # offsets in `text` (already clean and folded)
    word_tokens = tokens(word)
    # cluster pairs of the sub-word field, by the offset where each pair starts
    pair_at = {}
    for run in _RUN.finditer(text):
        offset, parts = run.start(), clusters(run.group())
        starts = []
        for part in parts:
            starts.append(offset)
            offset += len(part)
        pairs = [parts[i] + parts[i + 1] for i in range(len(parts) - 1)]
        for i, start in enumerate(starts[:-1]):
            pair_at[start] = (i, pairs, starts)
    boundaries = {s for _i, _p, starts in pair_at.values() for s in starts} | {
        m.end() for m in _RUN.finditer(text)
    }
    wanted = list(query_subwords(word))
    results = []
    for match in re.finditer(re.escape(word), text):
        s, e = match.start(), match.end()
        if s not in pair_at or e not in boundaries:
            continue  # inside a cluster: not an occurrence of the word
        firsts = [i for i, span in enumerate(spans) if span[0] == s]
        whole = any([t for _a, b, t in spans[i:] if b <= e] == word_tokens for i in firsts)
        i, pairs, _starts = pair_at[s]
        sub = bool(wanted) and pairs[i : i + len(wanted)] == wanted
        results.append((whole, whole or sub))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", type=int, default=15, help="words most often missed to list")
    args = parser.parse_args()
    texts, words = khmer_texts(), domain_words()
    total = before = after = 0
    missed = Counter()
    for text in texts:
        for word in words:
            for whole, either in occurrences(text, word):
                total += 1
                before += whole
                after += either
                missed[word] += not whole
    print(f"Khmer texts: {len(texts)}, domain words: {len(words)}, occurrences: {total}")
    print(f"findable by whole words only:         {before / total:.1%} ({total - before} not findable)")
    print(f"findable by whole words or sub-words: {after / total:.1%} ({total - after} not findable)")
    print("words most often inside a compound (occurrences whole-word search misses):")
    for word, n in missed.most_common(args.misses):
        print(f"  {word}\t{n}")


if __name__ == "__main__":
    main()
