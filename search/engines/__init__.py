"""The engines: `database` always (it is also the fallback), `elasticsearch` when configured."""

from functools import lru_cache

from django.conf import settings


def database_engine():
    from .database import DatabaseEngine

    return DatabaseEngine()


@lru_cache(maxsize=4)
def _elasticsearch(url, prefix, timeout, refresh):
    from .elasticsearch import ElasticsearchEngine

    return ElasticsearchEngine(url, prefix=prefix, timeout=timeout, refresh=refresh)


def elasticsearch_engine():
    """The Elasticsearch engine when ELASTICSEARCH_URL is set, else None."""
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if not url:
        return None
    return _elasticsearch(
        url,
        settings.SEARCH_INDEX_PREFIX,
        float(settings.SEARCH_ELASTICSEARCH_TIMEOUT),
        bool(settings.SEARCH_ELASTICSEARCH_REFRESH),
    )


def write_engines():
    """Every engine an index change goes to: the database index is kept even beside
    Elasticsearch, because it answers when Elasticsearch cannot."""
    engines = [database_engine()]
    es = elasticsearch_engine()
    if es is not None:
        engines.append(es)
    return engines
