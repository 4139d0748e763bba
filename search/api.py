"""What the rest of the portal calls: `run(query)`, `suggest(...)`, `refresh(keys)`, `rebuild(...)`.

`run` asks Elasticsearch when it is configured and falls back to the database engine when
Elasticsearch is unreachable, slow or broken: the page says so, the log has the details, and
the visitor never sees an error page.
"""

import logging

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import registry
from .engines import database_engine, elasticsearch_engine, write_engines

logger = logging.getLogger(__name__)


def run(query):
    es = elasticsearch_engine()
    if es is not None:
        try:
            return es.search(query)
        except Exception:
            logger.exception("Elasticsearch search failed; answering from the database engine")
            result = database_engine().search(query)
            result.notice = _(
                "The search server is not answering, so these results come from the portal's "
                "database search. They may differ slightly; try again later for the full search."
            )
            return result
    return database_engine().search(query)


def run_within_pages(query):
    """`run`, except that a stale link past the last page gets the last page."""
    result = run(query)
    if result.total and query.page > result.pages:
        query.page = result.pages
        result = run(query)
    return result


def current_language():
    """The interface language ("en", "km"), which picks each hit's title, link and snippet."""
    return (get_language() or "en").split("-")[0]


def suggest(text, locale="en", viewer=None, limit=8):
    es = elasticsearch_engine()
    if es is not None:
        try:
            return es.suggest(text, locale=locale, viewer=viewer, limit=limit)
        except Exception:
            logger.warning("Elasticsearch suggest failed; using the database engine", exc_info=True)
    return database_engine().suggest(text, locale=locale, viewer=viewer, limit=limit)


def refresh(keys):
    """Bring the documents named by `keys` ("kind:id") up to date in every engine: index the
    ones that are published, remove the rest. An engine that fails is logged and skipped, so
    the database index stays right even when Elasticsearch is down (a rebuild catches it up)."""
    by_kind = {}
    for key in keys:
        kind, _sep, object_id = str(key).partition(":")
        if kind in registry.kinds() and object_id:
            by_kind.setdefault(kind, set()).add(object_id)
    summary = {"indexed": 0, "removed": 0, "failed": []}
    for kind, ids in by_kind.items():
        documents = registry.get_kind(kind).documents(sorted(ids))
        gone = sorted(ids - set(documents))
        for engine in write_engines():
            try:
                engine.upsert(list(documents.values()))
                if gone:
                    engine.delete(kind, gone)
            except Exception:
                logger.exception(
                    "Index update of %s %s failed in the %s engine", kind, sorted(ids), engine.name
                )
                summary["failed"].append(engine.name)
        summary["indexed"] += len(documents)
        summary["removed"] += len(gone)
    return summary


def documents_of(kind_name, batch=200):
    """Every published document of a kind, fetched in batches."""
    kind = registry.get_kind(kind_name)
    ids = list(kind.all_ids())
    for start in range(0, len(ids), batch):
        yield from kind.documents(ids[start : start + batch]).values()


def rebuild(engine, kinds=None):
    """Rebuild the index of `kinds` (default: all) in `engine`; {kind: count}."""
    counts = {}
    for kind in kinds or registry.kinds():
        counts[kind] = engine.rebuild(kind, documents_of(kind))
    return counts
