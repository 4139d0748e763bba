"""What both engines share: validating a query against the registry, scoring, and turning
stored document data into hits and facets the same way.

Scoring (one rule, computed identically by both engines)
--------------------------------------------------------
Every clause (a typed word, or a synonym phrase) gets a rarity weight from 1 to 10 from how
many documents the viewer may see (their tiers, the kinds searched) contain it:
`1 + floor(log2(visible documents / documents with the word))`. Hidden documents never count.

A document earns, for each clause it matches, `weight x (COVERAGE + points of the best field
where it matches)`: title 20, names (acronyms, aliases, former names) 10, body 4, near 2 (a
spelling neighbour of a word that is in the vocabulary, or a Khmer/Thai/Lao word found only
inside a compound through the sub-word field). COVERAGE dwarfs the field points, so the
rarity-weighted number of matched clauses decides first and the fields second. All numbers
are small integers, exact in Elasticsearch's 32-bit scores; equal scores are ordered by title
(then kind and id), never by index order.

Matching: when documents have every clause (administrative words excepted: they only add to
the score), only those are results; otherwise every document with some clause is, and the
result is `partial`, with `unmatched` naming the typed words that hits on the page lack.
"""

import math
import time
from dataclasses import dataclass, field

from django.utils.html import conditional_escape

from .. import registry
from ..contract import FacetValue, Hit, Result
from ..highlight import mark_title, snippet
from ..planning import plan
from ..subwords import subword_string
from ..text import clean, token_string, tokens

BODY_TOKEN_LIMIT = 200_000  # tokens of body text indexed per document
VOCABULARY_TOKEN_LIMIT = 2_000  # body tokens per document that feed "did you mean"
VOCABULARY_MIN_LENGTH = 3  # short words count as halves of split compounds ("sub decree")

COVERAGE = 2_500  # > 10 (max weight) x 12 (max clauses) x 20 (title points)
MAX_WEIGHT = 10
POINTS = {"title": 20, "names": 10, "body": 4, "near": 2}
LEVELS = tuple(POINTS)  # best first


def rarity(documents, visible):
    """A clause's weight from its document count among what the viewer may see (0: no match)."""
    if documents <= 0 or visible <= 0:
        return 0
    return min(MAX_WEIGHT, 1 + int(math.log2(max(1.0, visible / documents))))


def clause_points(weight, level):
    return weight * (COVERAGE + POINTS[level])


def unmatched_words(clauses, missing_per_hit):
    """The typed words (in query order) that at least one hit lacks."""
    lacking = set().union(*missing_per_hit) if missing_per_hit else set()
    return [c.typed for c in clauses if c.typed in lacking]


def suggestion_key(kind, title_tokens, name_tokens, typed, sort_key):
    """Autocomplete order: organizations, then services, then the rest (library); within a
    kind, a name that is exactly what was typed, then names that start with it, then others."""
    wanted = " ".join(typed)
    kind_order = {"organization": 0, "service": 1}.get(kind, 2)
    names = [title_tokens, *name_tokens]
    if wanted in names:
        quality = 0
    elif any(n.startswith(wanted) for n in names):
        quality = 1
    else:
        quality = 2
    return (kind_order, quality, sort_key)


@dataclass
class Prepared:
    """A query checked against the registry, with everything an engine needs."""

    query: object
    clauses: list
    tiers: list
    kinds: list
    filters: dict  # only registered facet fields, values capped
    facet_fields: list
    terms: set = field(default_factory=set)  # tokens to mark in snippets
    phrases: set = field(default_factory=set)  # token tuples to mark only as a whole
    prefixes: list = field(default_factory=list)
    corrections: dict = field(default_factory=dict)
    ignored: dict = field(default_factory=dict)  # chosen facet values that nothing visible has

    @property
    def has_text(self):
        return bool(self.clauses)

    @property
    def unsearchable(self):
        """Text was typed but none of it is searchable (only punctuation, symbols or emoji)."""
        return bool(self.query.text.strip()) and not self.clauses


def prepare(query, prefix=False):
    known = registry.facets()
    filters = {}
    for name, values in query.filters.items():
        if name in known:
            cleaned = []
            for value in values[:40]:
                value = clean(str(value))[:120].strip()
                if value and value not in cleaned:
                    cleaned.append(value)
            if cleaned:
                filters[name] = cleaned
    facet_fields = [f for f in (query.facets or []) if f in known]
    kinds = [k for k in (query.kinds or registry.kinds()) if k in registry.kinds()]
    clauses = plan(query.text, prefix=prefix)
    prepared = Prepared(query, clauses, registry.viewer_tiers(query.viewer), kinds, filters, facet_fields)
    for clause in clauses:
        if clause.prefix:
            prepared.prefixes.append(clause.alternatives[0][0])
        else:
            for alternative in clause.alternatives:
                if len(alternative) == 1:
                    prepared.terms.add(alternative[0])
                else:
                    prepared.phrases.add(alternative)
    return prepared


def drop_invisible_filters(prepared, visible_values):
    """Ignore chosen values of facets whose labels come from records (topics, issuers) when no
    document the viewer may see carries them, exactly like values that exist nowhere: a hidden
    topic's slug then shows neither its name nor a different result from a made-up slug.
    `visible_values(name, values)` is the engine's: the values some visible document has."""
    definitions = registry.facets()
    for name in list(prepared.filters):
        definition = definitions.get(name)
        if definition is None or definition.reference_labels:
            continue
        values = prepared.filters[name]
        seen = visible_values(name, values) if prepared.tiers and prepared.kinds else set()
        ignored = [v for v in values if v not in seen]
        if ignored:
            prepared.ignored[name] = ignored
            kept = [v for v in values if v in seen]
            if kept:
                prepared.filters[name] = kept
            else:
                del prepared.filters[name]
    return prepared


def document_tokens(doc):
    """(title, names, body) token strings of a Document: every language's title counts as title."""
    titles = [doc.title] + [d.get("title", "") for d in doc.display.values()]
    title = " ".join(dict.fromkeys(token_string(t) for t in titles if t))
    names = token_string(" \n ".join(doc.names))
    body = " ".join(tokens(doc.body)[:BODY_TOKEN_LIMIT])
    return title, names, body


def document_subwords(doc):
    """The sub-word field of a Document: cluster pairs of its Khmer, Thai, Lao and Burmese runs
    (title in every language, names, body), see `search.subwords`."""
    titles = [doc.title] + [d.get("title", "") for d in doc.display.values()]
    return subword_string(" \n ".join([*dict.fromkeys(t for t in titles if t), *doc.names, doc.body or ""]))


def vocabulary(title, names, body):
    """The words of a document that "did you mean", spelling neighbours and compound splits may
    use (stored per kind and tier)."""
    words = set(title.split()) | set(names.split()) | set(body.split()[:VOCABULARY_TOKEN_LIMIT])
    return {w for w in words if w.isascii() and w.isalpha() and VOCABULARY_MIN_LENGTH <= len(w) <= 60}


def sort_title(title):
    return " ".join(token_string(title).split())[:200] or "~"


def display_for(display, locale):
    """The display data in the viewer's language, else English, else any."""
    return display.get(locale) or display.get("en") or next(iter(display.values()), {})


def make_hit(prepared, kind, object_id, title, url, display, score, date=None, extra_terms=(), missing=()):
    """A Hit with the title and the best snippet marked (the viewer's language first)."""
    terms = prepared.terms | set(extra_terms)
    display = display or {}
    chosen = display_for(display, prepared.query.locale)
    shown_title, shown_url = chosen.get("title") or title, chosen.get("url") or url
    phrases = prepared.phrases
    html, matched = snippet(chosen.get("text", ""), terms, prepared.prefixes, phrases=phrases)
    if not matched:  # the match may be in another language's text (a Khmer word, English UI)
        for other in (d.get("text", "") for d in display.values() if d is not chosen):
            other_html, other_matched = snippet(other, terms, prepared.prefixes, phrases=phrases)
            if other_matched:
                html = other_html
                break
    return Hit(
        kind=kind,
        id=object_id,
        # Escaped HTML either way: a browse hit (no words) shows the raw title as text too.
        title=mark_title(shown_title, terms, prepared.prefixes, phrases)
        if prepared.has_text
        else conditional_escape(shown_title),
        url=shown_url,
        snippet=html,
        score=round(float(score or 0), 4),
        date=date,
        note=chosen.get("note", ""),
        note_url=chosen.get("note_url", ""),
        missing=list(missing),
        untranslated=_untranslated(display, prepared.query.locale),
    )


def _untranslated(display, locale):
    """True when the viewer reads another language than English and the record has no display
    data in it (the English one is shown, with a "not yet translated" note)."""
    language = (locale or "en").split("-")[0]
    return bool(display) and language != "en" and language not in display


def make_facets(prepared, counts):
    """{field: [FacetValue]} from {field: {value: count}}; chosen values are always listed."""
    facets = {}
    for name in prepared.facet_fields:
        field_counts = dict(counts.get(name, {}))
        selected = set(prepared.filters.get(name, []))
        for value in selected:
            field_counts.setdefault(value, 0)
        labels = registry.facet_labels(name, list(field_counts), prepared.query.locale)
        values = [
            FacetValue(value, labels[value], count, value in selected)
            for value, count in field_counts.items()
            if count or value in selected
        ]
        values.sort(key=lambda v: (-v.count, v.label.casefold()))
        facets[name] = values
    return facets


def empty_result(prepared, engine, started):
    return Result(
        hits=[],
        total=0,
        facets=make_facets(prepared, {}),
        engine=engine,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        query=prepared.query,
        ignored_filters=prepared.ignored,
    )


class Engine:
    name = ""

    def search(self, query):
        raise NotImplementedError

    def suggest(self, text, locale="en", viewer=None, limit=8):
        raise NotImplementedError

    def upsert(self, documents):
        raise NotImplementedError

    def delete(self, kind, ids):
        raise NotImplementedError

    def rebuild(self, kind, documents):
        """Replace everything of `kind` with `documents` (an iterable); returns the count."""
        raise NotImplementedError
