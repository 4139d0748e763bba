"""The `elasticsearch` engine: the official client (9.x) and its bundled `elasticsearch.dsl`.

Three layers, as in cfpb's consumerfinance.gov:

- `document_class(kind)`: one dsl `Document` per kind, mapping and preparation only;
- `PortalSearch`: a `FacetedSearch` that owns the query, the tier filter, facets and highlighting;
- `ElasticsearchEngine`: the thin part the portal calls (search, suggest, upsert, delete, rebuild).

Each kind has its own index behind an alias `<prefix>-<kind>` (the prefix names the environment,
e.g. `portal-prod`). `rebuild` fills a new timestamped index with the bulk helper and then swaps
the alias in one atomic `update_aliases` call, so searches never see a half-built index.

Text arrives already segmented and normalised by `search.text` (ICU for Khmer, Thai, Lao and
Burmese), so the analyzer only splits on whitespace; the same tokens as the database engine.

Scoring is the database engine's, not BM25 (see engines/base.py, "Scoring"): each clause is a
`dis_max` of `constant_score` queries, one per field level, boosted by the clause's rarity
weight, which one `filters` aggregation counts over the viewer's tiers first (BM25's statistics
would include documents the viewer may not see). A search asks for every required clause
(`bool.must`) and, when that finds nothing, for any clause (`bool.should`,
`minimum_should_match: 1`): the database engine's two steps, so both give the same hits,
order and `unmatched` words. Clauses are named, so each hit says which ones it matched.
Spelling neighbours, splits and joins come from the database index's vocabulary of the
viewer's tiers (search.engines.spelling), so both engines widen a word to the same terms;
if that vocabulary is unavailable, `fuzziness: AUTO:4,7` stands in.
"""

import logging
import time
from datetime import UTC, datetime

from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Date,
    Document,
    FacetedSearch,
    Keyword,
    Object,
    Q,
    Search,
    TermsFacet,
    Text,
    analyzer,
)

from .. import registry
from ..contract import Query, Result
from . import snapshot as snapshots
from . import spelling
from .base import (
    Engine,
    clause_points,
    document_subwords,
    document_tokens,
    drop_invisible_filters,
    empty_result,
    make_facets,
    make_hit,
    prepare,
    rarity,
    sort_title,
    suggestion_key,
    unmatched_words,
)

logger = logging.getLogger(__name__)

TOKENS = analyzer("portal_tokens", tokenizer="whitespace", filter=["lowercase"])
FIELDS = ["title_t^10", "names_t^5", "body_t"]
WORD_FIELDS = ("title_t", "names_t", "body_t")
FACET_SIZE = 500
SUGGEST_CANDIDATES = 200
RELEVANCE_ORDER = ["_score", "sort_title", "kind", "object_id"]  # _score: best first


def document_class(kind, alias):
    """The dsl Document for one kind: its mapping (facet fields from the registry) and index."""
    facet_fields = {name: Keyword() for name in [*registry.facets(), "kind"]}
    attrs = {
        "kind": Keyword(),
        "object_id": Keyword(),
        "tier": Keyword(),
        "title": Keyword(index=False),
        "url": Keyword(index=False),
        "sort_title": Keyword(),
        "date": Date(),
        "display": Object(enabled=False),
        "title_t": Text(analyzer=TOKENS),
        "names_t": Text(analyzer=TOKENS),
        "body_t": Text(analyzer=TOKENS),
        "subwords_t": Text(analyzer=TOKENS),
        "facets": Object(properties=facet_fields),
        "Index": type("Index", (), {"name": alias, "settings": {"number_of_shards": 1}}),
    }
    return type(f"{kind.title().replace('_', '')}Document", (Document,), attrs)


def prepare_document(doc):
    """The _source of a search.contract.Document."""
    title, names, body = document_tokens(doc)
    facets = {
        name: [str(v)[:120] for v in values]
        for name, values in doc.facets.items()
        if not name.startswith("_")  # links between documents (the database engine's snapshot)
    }
    facets["kind"] = [doc.kind]
    return {
        "kind": doc.kind,
        "object_id": doc.id,
        "tier": doc.tier,
        "title": doc.title[:500],
        "url": doc.url[:500],
        "sort_title": sort_title(doc.title),
        "date": doc.date.isoformat() if doc.date else None,
        "display": doc.display,
        "title_t": title,
        "names_t": names,
        "body_t": body,
        "subwords_t": document_subwords(doc),
        "facets": facets,
    }


def clause_query(clause, names_only=False):
    """Autocomplete: the clause in the name fields, the last word as a prefix."""
    fields = FIELDS[:2] if names_only else FIELDS
    options = []
    for alternative in clause.alternatives:
        text = " ".join(alternative)
        if clause.prefix:
            options.append(Q("multi_match", query=text, fields=fields, type="phrase_prefix"))
        elif len(alternative) > 1:
            options.append(Q("multi_match", query=text, fields=fields, type="phrase"))
        else:
            options.append(Q("multi_match", query=text, fields=fields))
    return Q("bool", should=options, minimum_should_match=1)


def _phrases(alternatives, fields):
    """Any of `alternatives` (token tuples) as a whole word or phrase in any of `fields`."""
    options = []
    for field in fields:
        for alternative in alternatives:
            if len(alternative) == 1:
                options.append(Q("term", **{field: alternative[0]}))
            else:
                options.append(Q("match_phrase", **{field: " ".join(alternative)}))
    return Q("bool", should=options, minimum_should_match=1)


def _near(clause, fuzzy):
    """What counts as a near match of the clause: spelling neighbours (or, without the
    vocabulary, Elasticsearch's own fuzziness) and the sub-word phrase."""
    options = []
    if clause.approximate_alternatives():
        options.append(_phrases(clause.approximate_alternatives(), WORD_FIELDS))
    if fuzzy and clause.fuzzy_token:
        options += [
            Q("fuzzy", **{f: {"value": clause.fuzzy_token, "fuzziness": "AUTO:4,7", "prefix_length": 1}})
            for f in WORD_FIELDS
        ]
    if clause.subwords:
        options.append(Q("match_phrase", subwords_t=" ".join(clause.subwords)))
    return options


def clause_any(clause, fuzzy=False):
    """The clause matched anywhere (whole words, near matches, sub-words): its document count."""
    options = [_phrases(clause.exact_alternatives(), WORD_FIELDS), *_near(clause, fuzzy)]
    return Q("bool", should=options, minimum_should_match=1)


def clause_scored(clause, weight, name, fuzzy=False):
    """The clause scored by the best field it matches (engines/base.py, "Scoring")."""
    exact = clause.exact_alternatives()
    levels = [
        Q("constant_score", filter=_phrases(exact, ["title_t"]), boost=clause_points(weight, "title")),
        Q("constant_score", filter=_phrases(exact, ["names_t"]), boost=clause_points(weight, "names")),
        Q("constant_score", filter=_phrases(exact, ["body_t"]), boost=clause_points(weight, "body")),
    ]
    near = _near(clause, fuzzy)
    if near:
        near_filter = Q("bool", should=near, minimum_should_match=1)
        levels.append(Q("constant_score", filter=near_filter, boost=clause_points(weight, "near")))
    return Q("dis_max", queries=levels, tie_breaker=0, _name=name)


class PortalSearch(FacetedSearch):
    """Owns the query: clauses from search.planning, the viewer's tiers, facets, highlighting."""

    def __init__(self, engine, prepared, weights=None, partial=False, fuzzy=False):
        self.prepared = prepared
        self.weights = weights or {}  # clause index -> rarity weight
        self.partial = partial  # any clause, not every required one
        self.fuzzy = fuzzy  # no vocabulary: Elasticsearch's own fuzziness
        self.index = [engine.alias(k) for k in prepared.kinds]
        self.using = engine.client
        self.facets = {
            name: TermsFacet(field=f"facets.{name}", size=FACET_SIZE) for name in prepared.facet_fields
        }
        # Filters on fields without a facet still filter (FacetedSearch only filters facets).
        self._plain_filters = {k: v for k, v in prepared.filters.items() if k not in self.facets}
        order = prepared.query.sort
        if order == "title" or (order == "relevance" and not prepared.clauses):
            sort = ["sort_title", "kind", "object_id"]
        elif order == "recent":
            sort = [{"date": {"order": "desc", "missing": "_last"}}, "sort_title"]
        else:
            sort = RELEVANCE_ORDER
        super().__init__(
            query=prepared.clauses or None,
            filters={k: v for k, v in prepared.filters.items() if k in self.facets},
            sort=sort,
        )

    def query(self, search, query):
        if not query:
            return search
        scored = [
            (c, clause_scored(c, self.weights.get(i, 0), f"c{i}", self.fuzzy)) for i, c in enumerate(query)
        ]
        if self.partial:
            # Any required word (an administrative word alone never makes a hit), scored with
            # the optional ones as on the database engine.
            required = [q for c, q in scored if not c.optional]
            optional = [q for c, q in scored if c.optional]
            if not required:
                return search.query(Q("bool", should=optional, minimum_should_match=1))
            return search.query(
                Q("bool", must=[Q("bool", should=required, minimum_should_match=1)], should=optional)
            )
        return search.query(
            Q(
                "bool",
                must=[q for c, q in scored if not c.optional],
                should=[q for c, q in scored if c.optional],
            )
        )

    def search(self):
        s = super().search().filter("terms", tier=self.prepared.tiers)
        if self.prepared.kinds:
            s = s.filter("terms", kind=self.prepared.kinds)
        for name, values in self._plain_filters.items():
            s = s.filter("terms", **{f"facets.{name}": values})
        # A kind whose index does not exist yet (nothing published, no rebuild) has no hits.
        return (
            s.source(["kind", "object_id", "title", "url", "display", "date"])
            .extra(track_total_hits=True, track_scores=True)
            .params(ignore_unavailable=True, allow_no_indices=True)
        )

    def highlight(self, search):
        if self.fuzzy:  # words matched by fuzziness are not known in advance: learn them
            return search.highlight(
                "title_t", "names_t", "body_t", number_of_fragments=0, pre_tags=["\x02"], post_tags=["\x03"]
            )
        return search


def _marked_tokens(highlight):
    found = set()
    for fragments in (highlight or {}).values():
        for fragment in fragments:
            for part in fragment.split("\x02")[1:]:
                found.add(part.split("\x03", 1)[0])
    return found


class ElasticsearchEngine(Engine):
    name = "elasticsearch"

    def __init__(self, url, prefix="portal", timeout=3.0, refresh=False):
        self.client = Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)
        self.prefix = prefix
        self.refresh = refresh

    def alias(self, kind):
        return f"{self.prefix}-{kind}"

    # -- writing ----------------------------------------------------------------------------
    def ensure_index(self, kind):
        """Create the kind's first index and alias if there is none yet."""
        alias = self.alias(kind)
        if not self.client.indices.exists_alias(name=alias):
            self._create_index(kind)

    def _create_index(self, kind, swap=True):
        alias = self.alias(kind)
        name = f"{alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
        doc_class = document_class(kind, alias)
        doc_class._index.clone(name).create(using=self.client)
        if swap:
            self._swap(alias, name)
        return name

    def _swap(self, alias, new_index):
        actions = []
        try:
            current = list(self.client.indices.get_alias(name=alias))
        except NotFoundError:
            current = []
        if self.client.indices.exists(index=alias) and alias not in current and not current:
            actions.append({"remove_index": {"index": alias}})  # a stray concrete index named like the alias
        actions += [{"remove": {"index": old, "alias": alias}} for old in current if old != new_index]
        actions.append({"add": {"index": new_index, "alias": alias}})
        self.client.indices.update_aliases(actions=actions)
        for old in current:
            if old != new_index:
                self.client.indices.delete(index=old, ignore_unavailable=True)

    def upsert(self, documents):
        documents = list(documents)
        for kind in {d.kind for d in documents}:
            self.ensure_index(kind)
        actions = [
            {"_op_type": "index", "_index": self.alias(d.kind), "_id": d.id, "_source": prepare_document(d)}
            for d in documents
        ]
        if actions:
            helpers.bulk(self.client, actions, refresh="wait_for" if self.refresh else False)
        return len(actions)

    def delete(self, kind, ids):
        if not self.client.indices.exists_alias(name=self.alias(kind)):
            return 0
        actions = [{"_op_type": "delete", "_index": self.alias(kind), "_id": str(i)} for i in ids]
        ok, _errors = helpers.bulk(
            self.client, actions, raise_on_error=False, refresh="wait_for" if self.refresh else False
        )
        return ok

    def rebuild(self, kind, documents):
        """Fill a new index with the bulk helper, then swap the alias to it atomically."""
        name = self._create_index(kind, swap=False)
        actions = (
            {"_op_type": "index", "_index": name, "_id": d.id, "_source": prepare_document(d)}
            for d in documents
        )
        count, _errors = helpers.bulk(self.client, actions, chunk_size=500)
        self.client.indices.refresh(index=name)
        self._swap(self.alias(kind), name)
        return count

    def drop(self, kinds):
        """Delete the indexes of these kinds (tests and `search_rebuild --drop`)."""
        for kind in kinds:
            try:
                for index in self.client.indices.get_alias(name=self.alias(kind)):
                    self.client.indices.delete(index=index, ignore_unavailable=True)
            except NotFoundError:
                pass
            self.client.indices.delete(index=self.alias(kind), ignore_unavailable=True)

    # -- reading ----------------------------------------------------------------------------
    def search(self, query):
        started = time.perf_counter()
        prepared = prepare(query)
        drop_invisible_filters(prepared, lambda name, values: self._visible_values(prepared, name, values))
        if prepared.unsearchable or not prepared.tiers or not prepared.kinds:
            return empty_result(prepared, self.name, started)
        fuzzy = not self._expand(prepared)
        start = (query.page - 1) * query.per_page
        weights = self._weights(prepared, fuzzy) if prepared.clauses else {}
        faceted = PortalSearch(self, prepared, weights, fuzzy=fuzzy)
        response = faceted[start : start + query.per_page].execute()
        if prepared.clauses and response.hits.total.value == 0:
            # No document has every word: the best partial matches instead.
            faceted = PortalSearch(self, prepared, weights, partial=True, fuzzy=fuzzy)
            response = faceted[start : start + query.per_page].execute()
        partial = faceted.partial
        hits, missing_per_hit = [], []
        for hit in response:
            meta = hit.meta
            source = hit.to_dict()
            extra = _marked_tokens(meta.highlight.to_dict()) if fuzzy and "highlight" in meta else set()
            matched = set(getattr(meta, "matched_queries", None) or ())
            missing = (
                [c.typed for i, c in enumerate(prepared.clauses) if not c.optional and f"c{i}" not in matched]
                if partial
                else []
            )
            missing_per_hit.append(set(missing))
            hits.append(
                make_hit(
                    prepared,
                    source.get("kind"),
                    source.get("object_id"),
                    source.get("title", ""),
                    source.get("url", ""),
                    source.get("display"),
                    meta.score if prepared.has_text else 0,
                    _date(source.get("date")),
                    extra_terms=extra,
                    missing=missing,
                )
            )
        counts = {}
        for name in prepared.facet_fields:
            counts[name] = {value: count for value, count, _selected in getattr(response.facets, name, [])}
        total = response.hits.total.value
        return Result(
            hits=hits,
            total=total,
            facets=make_facets(prepared, counts),
            engine=self.name,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            query=query,
            corrections=prepared.corrections,
            ignored_filters=prepared.ignored,
            partial=partial and total > 0,
            unmatched=unmatched_words(prepared.clauses, missing_per_hit) if partial else [],
            absent=[c.typed for i, c in enumerate(prepared.clauses) if not weights.get(i) and not c.optional],
        )

    def _expand(self, prepared):
        """Spelling neighbours, splits, joins and "did you mean" from the database index's
        vocabulary (kept beside this one and partitioned by tier). False when unavailable."""
        if not prepared.clauses:
            return True
        try:
            spelling.expand(prepared, snapshots.get())
            return True
        except Exception:  # the database index is an aid here, never a reason to fail
            logger.warning("Spelling vocabulary unavailable; using Elasticsearch fuzziness", exc_info=True)
            return False

    def _weights(self, prepared, fuzzy):
        """Each clause's rarity weight, counted over what the viewer may see (tiers, kinds)."""
        s = (
            Search(using=self.client, index=[self.alias(k) for k in prepared.kinds])
            .filter("terms", tier=prepared.tiers)
            .filter("terms", kind=prepared.kinds)
            .extra(size=0, track_total_hits=True)
            .params(ignore_unavailable=True, allow_no_indices=True)
        )
        filters = {f"c{i}": clause_any(c, fuzzy).to_dict() for i, c in enumerate(prepared.clauses)}
        s.aggs.bucket("clauses", "filters", filters=filters)
        response = s.execute()
        visible = response.hits.total.value
        buckets = response.aggregations.clauses.buckets if visible else {}
        return {
            i: rarity(buckets[f"c{i}"].doc_count if visible else 0, visible)
            for i in range(len(prepared.clauses))
        }

    def _visible_values(self, prepared, name, values):
        """Which of `values` of facet `name` some document in the viewer's tiers has."""
        field = f"facets.{name}"
        s = (
            Search(using=self.client, index=[self.alias(k) for k in prepared.kinds])
            .filter("terms", tier=prepared.tiers)
            .filter("terms", kind=prepared.kinds)
            .filter("terms", **{field: values})
            .extra(size=0)
            .params(ignore_unavailable=True, allow_no_indices=True)
        )
        s.aggs.bucket("visible", "terms", field=field, size=len(values), include=list(values))
        response = s.execute()
        return {bucket.key for bucket in response.aggregations.visible.buckets} & set(values)

    def suggest(self, text, locale="en", viewer=None, limit=8):
        """As the database engine: organizations, then services, then library titles; exact and
        prefix name matches first in each."""
        prepared = prepare(Query(text=text, locale=locale, viewer=viewer), prefix=True)
        if not prepared.has_text or not prepared.tiers or not prepared.kinds:
            return []
        s = (
            PortalSearch(self, prepared)
            .search()
            .query(Q("bool", must=[clause_query(c, names_only=True) for c in prepared.clauses]))
            .source(["kind", "object_id", "title", "url", "display", "sort_title", "title_t", "names_t"])
            .extra(size=SUGGEST_CANDIDATES)
        )
        typed = [" ".join(a) for c in prepared.clauses for a in c.alternatives[:1]]
        rows = [hit.to_dict() for hit in s.execute()]
        rows.sort(
            key=lambda r: suggestion_key(
                r.get("kind"),
                r.get("title_t", ""),
                [r.get("names_t", "")],
                typed,
                (r.get("sort_title", ""), r.get("kind", ""), r.get("object_id", "")),
            )
        )
        out = []
        for source in rows[:limit]:
            display = (
                (source.get("display") or {}).get(locale) or (source.get("display") or {}).get("en") or {}
            )
            out.append(
                {
                    "kind": source.get("kind"),
                    "title": display.get("title") or source.get("title"),
                    "url": display.get("url") or source.get("url"),
                }
            )
        return out


def _date(value):
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)[:10]).date()
    except ValueError:
        return None


__all__ = ["ElasticsearchEngine", "PortalSearch", "document_class", "empty_result"]
