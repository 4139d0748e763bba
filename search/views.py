"""The portal-wide search page (/search/) and the name autocomplete (/search/suggest/)."""

import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import api, registry
from .contract import SORTS, Query
from .page_cache import database_index_state, public_page_cache
from .partial import split_typed, unmatched_tokens
from .suggestions import no_result_suggestions

logger = logging.getLogger(__name__)

# Directory facets, then the library's (registered by the library app); a facet with no value
# for the current results is not shown.
PAGE_FACETS = [
    "kind",
    "orgtype",
    "country",
    "province",
    "type",
    "group",
    "language",
    "doc_type",
    "decade",
    "topic",
    "issuer",
]
SORT_LABELS = {"relevance": _("Best match"), "title": _("Name (A–Z)"), "recent": _("Most recent")}
MAX_FILTER_VALUES = 20
MAX_CHILDREN_SHOWN = 3  # services of one organization on a page; the rest are summed up
SUGGEST_MIN_CHARS = 2


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool
    children: list = field(default_factory=list)


@dataclass
class FacetView:
    name: str
    label: str
    values: list


def _facet_views(result, selected):
    """Facets for the template; service types show families, and sub-types of chosen families."""
    views = []
    definitions = registry.facets()
    for name in PAGE_FACETS:
        if name not in definitions:
            continue
        values = result.facets.get(name, [])
        items = [FacetItem(v.value, v.label, v.count, v.selected) for v in values]
        if name == "type":
            families = {i.value: i for i in items if "." not in i.value}
            open_families = {v.split(".")[0] for v in selected.get("type", [])}
            for item in items:
                family = item.value.split(".")[0]
                if "." in item.value and family in open_families and family in families:
                    families[family].children.append(item)
            items = list(families.values())
        if items or selected.get(name):
            views.append(FacetView(name, definitions[name].label if name in definitions else name, items))
    return views


@dataclass
class HitView:
    """One line of the result list: a hit, or "and N more services of X" (`more` set)."""

    hit: object = None
    more: int = 0
    parent_title: str = ""
    parent_url: str = ""


def grouped(hits, locale):
    """The hits with at most MAX_CHILDREN_SHOWN per parent (services of one organization): the
    rest become one "and N more" line after the last one shown, linking to the parent's page.
    A kind tells its hits' parents through an optional `parents(ids, locale)` method."""
    parents = {}
    for kind in {h.kind for h in hits}:
        finder = getattr(registry.kinds().get(kind), "parents", None)
        if finder:
            found = finder([h.id for h in hits if h.kind == kind], locale)
            parents.update({(kind, i): p for i, p in found.items()})
    views, shown, summary = [], {}, {}
    for hit in hits:
        parent = parents.get((hit.kind, hit.id))
        if parent is None:
            views.append(HitView(hit))
            continue
        key, title, url = parent
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= MAX_CHILDREN_SHOWN:
            views.append(HitView(hit))
        elif key in summary:
            summary[key].more += 1
        else:
            summary[key] = HitView(more=1, parent_title=title, parent_url=url)
            views.append(summary[key])
    return views


def _read(request):
    params = request.GET
    text = params.get("q", "")
    filters = {}
    for name in PAGE_FACETS:
        values = [v for v in params.getlist(name)[:MAX_FILTER_VALUES] if v.strip()]
        if values:
            filters[name] = list(dict.fromkeys(v.strip()[:120] for v in values))
    sort = params.get("sort", "relevance")
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        page = 1
    return text, filters, (sort if sort in SORTS else "relevance"), page


def without_ignored(filters, ignored):
    """`filters` without the values the engine ignored (nothing the viewer may see has them):
    they are not listed as active, offered for removal or carried into links."""
    out = {}
    for name, values in filters.items():
        kept = [v for v in values if v not in ignored.get(name, ())]
        if kept:
            out[name] = kept
    return out


def _url(text, filters, sort="relevance", page=1, without=None, replace_text=None):
    params = []
    q = text if replace_text is None else replace_text
    if q.strip():
        params.append(("q", q))
    for name, values in filters.items():
        params += [(name, v) for v in values if (name, v) != without]
    if sort != "relevance":
        params.append(("sort", sort))
    if page > 1:
        params.append(("page", page))
    path = reverse("search:index")
    return f"{path}?{urlencode(params)}" if params else path


@require_GET
@public_page_cache(database_index_state)
def search_page(request):
    text, filters, sort, page = _read(request)
    context = {"q": text, "sort": sort, "sorts": SORT_LABELS.items(), "searched": False}
    if not text.strip() and not filters:
        return render(request, "search/index.html", context)

    query = Query(
        text=text,
        filters=filters,
        facets=PAGE_FACETS,
        sort=sort,
        page=page,
        per_page=settings.SEARCH_PAGE_SIZE,
        locale=api.current_language(),
        viewer=request.user,
    )
    result = api.run_within_pages(query)
    filters = without_ignored(filters, result.ignored_filters)
    labels = {name: {v.value: v.label for v in values} for name, values in result.facets.items()}
    active = [
        (
            name,
            registry.facets()[name].label,
            value,
            labels.get(name, {}).get(value, value),
            _url(text, filters, sort, without=(name, value)),
        )
        for name, values in filters.items()
        if name in registry.facets()
        for value in values
    ]
    relaxed = []
    if not result.total:
        # Say what removing each filter would give, so an empty page has a way out.
        for name, label, value, value_label, url in active[:6]:
            reduced = {k: [v for v in vals if (k, v) != (name, value)] for k, vals in filters.items()}
            count = api.run(
                Query(text=text, filters=reduced, per_page=1, locale=query.locale, viewer=request.user)
            ).total
            relaxed.append((label, value_label, url, count))
    page_links = [(n, _url(text, filters, sort, page=n)) for n in result.page_numbers()]
    partial = None
    unmatched = unmatched_tokens(result)
    if unmatched and result.total:
        words, reduced = split_typed(text, unmatched)
        partial = {"words": words, "url": _url(reduced, filters, sort) if reduced.strip() else ""}
    facets = _facet_views(result, filters)
    context.update(
        searched=True,
        result=result,
        hits=result.hits,
        hit_views=grouped(result.hits, query.locale)
        if sort == "relevance"
        else [HitView(h) for h in result.hits],
        partial=partial,
        suggestions=[] if result.total else no_result_suggestions(text, request.user),
        facets=facets,
        active_filters=active,
        relaxed=relaxed,
        page=result.query.page,
        start_index=(result.query.page - 1) * result.query.per_page + 1,
        pages=result.pages,
        page_links=page_links,
        previous_url=_url(text, filters, sort, page=result.query.page - 1) if result.query.page > 1 else "",
        next_url=_url(text, filters, sort, page=result.query.page + 1)
        if result.query.page < result.pages
        else "",
        corrections=[
            (typed, fixed, _url(_replace_word(text, typed, fixed), filters, sort))
            for typed, fixed in result.corrections.items()
        ],
        share_url=request.build_absolute_uri(_url(text, filters, sort)),
        sort_urls=[(key, label, _url(text, filters, key)) for key, label in SORT_LABELS.items()],
        kind_labels={name: kind.label for name, kind in registry.kinds().items()},
    )
    response = render(request, "search/index.html", context)
    response["X-Search-Engine"] = result.engine
    return response


def _replace_word(text, typed, fixed):
    words = text.split()
    out = [fixed if w.casefold().strip(".,;:!?") == typed else w for w in words]
    return " ".join(out) if out != words else fixed


@require_GET
@cache_control(private=True, max_age=60)
def suggest(request):
    """Up to 8 names starting with what was typed: {"results": [{"title", "url", "kind"}]}."""
    text = request.GET.get("q", "")[:100]
    if len(text.strip()) < SUGGEST_MIN_CHARS:
        return JsonResponse({"results": []})
    try:
        results = api.suggest(text, locale=api.current_language(), viewer=request.user)
        labels = {name: str(kind.label) for name, kind in registry.kinds().items()}
        for item in results:
            item["kind_label"] = labels.get(item["kind"], item["kind"])
    except Exception:
        logger.exception("Autocomplete failed for %r", text)
        results = []
    return JsonResponse({"results": results})
