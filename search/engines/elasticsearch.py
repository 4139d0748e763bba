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
from ..planning import one_edit
from .base import (
    Engine,
    document_tokens,
    drop_invisible_filters,
    empty_result,
    make_facets,
    make_hit,
    prepare,
    sort_title,
)

logger = logging.getLogger(__name__)

TOKENS = analyzer("portal_tokens", tokenizer="whitespace", filter=["lowercase"])
FIELDS = ["title_t^10", "names_t^5", "body_t"]
FACET_SIZE = 500


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
        "facets": Object(properties=facet_fields),
        "Index": type("Index", (), {"name": alias, "settings": {"number_of_shards": 1}}),
    }
    return type(f"{kind.title().replace('_', '')}Document", (Document,), attrs)


def prepare_document(doc):
    """The _source of a search.contract.Document."""
    title, names, body = document_tokens(doc)
    facets = {name: [str(v)[:120] for v in values] for name, values in doc.facets.items()}
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
        "facets": facets,
    }


def clause_query(clause, names_only=False):
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
    if clause.fuzzy_token:
        # One edit away, same first letter: the database engine's rule (search.planning.one_edit).
        options.append(
            Q("multi_match", query=clause.fuzzy_token, fields=fields, fuzziness=1, prefix_length=1, boost=0.5)
        )
    return Q("bool", should=options, minimum_should_match=1)


class PortalSearch(FacetedSearch):
    """Owns the query: clauses from search.planning, the viewer's tiers, facets, highlighting."""

    def __init__(self, engine, prepared):
        self.prepared = prepared
        self.index = [engine.alias(k) for k in prepared.kinds]
        self.using = engine.client
        self.facets = {
            name: TermsFacet(field=f"facets.{name}", size=FACET_SIZE) for name in prepared.facet_fields
        }
        # Filters on fields without a facet still filter (FacetedSearch only filters facets).
        self._plain_filters = {k: v for k, v in prepared.filters.items() if k not in self.facets}
        order = prepared.query.sort
        if order == "title" or (order == "relevance" and not prepared.clauses):
            sort = ["sort_title", "object_id"]
        elif order == "recent":
            sort = [{"date": {"order": "desc", "missing": "_last"}}, "sort_title"]
        else:
            sort = ()
        super().__init__(
            query=prepared.clauses or None,
            filters={k: v for k, v in prepared.filters.items() if k in self.facets},
            sort=sort,
        )

    def query(self, search, query):
        if not query:
            return search
        return search.query(Q("bool", must=[clause_query(c) for c in query]))

    def search(self):
        s = super().search().filter("terms", tier=self.prepared.tiers)
        if self.prepared.kinds:
            s = s.filter("terms", kind=self.prepared.kinds)
        for name, values in self._plain_filters.items():
            s = s.filter("terms", **{f"facets.{name}": values})
        # A kind whose index does not exist yet (nothing published, no rebuild) has no hits.
        return (
            s.source(["kind", "object_id", "title", "url", "display", "date"])
            .extra(track_total_hits=True)
            .params(ignore_unavailable=True, allow_no_indices=True)
        )

    def highlight(self, search):
        # Only used to learn which index tokens a fuzzy clause matched, so the snippet (built
        # from the display text, identically for both engines) marks them too.
        return search.highlight(
            "title_t", "names_t", "body_t", number_of_fragments=0, pre_tags=["\x02"], post_tags=["\x03"]
        )


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
        self._known_corrections(prepared)
        faceted = PortalSearch(self, prepared)
        start = (query.page - 1) * query.per_page
        response = faceted[start : start + query.per_page].execute()
        # Words Elasticsearch matched by fuzziness (not known in advance) are marked too; other
        # highlighted tokens (parts of phrases) are not, so snippets match the database engine's.
        neighbours = set().union(*(one_edit(c.fuzzy_token) for c in prepared.clauses if c.fuzzy_token))
        hits = []
        for hit in response:
            meta = hit.meta
            source = hit.to_dict()
            marked = _marked_tokens(meta.highlight.to_dict()) if "highlight" in meta else set()
            extra = marked & neighbours
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
                )
            )
        counts = {}
        for name in prepared.facet_fields:
            counts[name] = {value: count for value, count, _selected in getattr(response.facets, name, [])}
        return Result(
            hits=hits,
            total=response.hits.total.value,
            facets=make_facets(prepared, counts),
            engine=self.name,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            query=query,
            corrections=prepared.corrections,
            ignored_filters=prepared.ignored,
        )

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

    def _known_corrections(self, prepared):
        """ "Did you mean": a word missing from the vocabulary with a neighbour one edit away.
        The vocabulary is the database index's, kept up to date beside this one and partitioned
        by tier, so only words of documents the viewer may see are offered."""
        from .database import DatabaseEngine

        try:
            DatabaseEngine()._fuzzy(prepared)
        except Exception:  # the database index is an aid here, never a reason to fail
            logger.warning("Spelling suggestions unavailable", exc_info=True)

    def suggest(self, text, locale="en", viewer=None, limit=8):
        prepared = prepare(Query(text=text, locale=locale, viewer=viewer), prefix=True)
        if not prepared.has_text or not prepared.tiers or not prepared.kinds:
            return []
        s = (
            PortalSearch(self, prepared)
            .search()
            .query(Q("bool", must=[clause_query(c, names_only=True) for c in prepared.clauses]))
            .extra(size=limit)
        )
        out = []
        for hit in s.execute():
            source = hit.to_dict()
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
