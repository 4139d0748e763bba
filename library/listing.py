"""/library/: the library searched and browsed through the `search` contract, and exports of
the current result list. A plain GET form: every combination of words, filters, sort and page
is a shareable URL, and the page works without JavaScript."""

from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal.content_languages import localize_page
from search import api, registry
from search.contract import Query
from search.views import without_ignored

from . import citations
from .detail import export_response
from .models import LibraryDocumentPage
from .searchable import LIBRARY_FACETS

PER_PAGE = 20
EXPORT_LIMIT = 1000  # items per export of a result list
MAX_FILTER_VALUES = 20
SORTS = {"relevance": _("Best match"), "recent": _("Newest first"), "title": _("Title (A–Z)")}


def read(request):
    params = request.GET
    text = params.get("q", "")[:200]
    filters = {}
    for name in LIBRARY_FACETS:
        values = [v.strip()[:120] for v in params.getlist(name)[:MAX_FILTER_VALUES] if v.strip()]
        if values:
            filters[name] = list(dict.fromkeys(values))
    sort = params.get("sort") or ("relevance" if text.strip() else "recent")
    if sort not in SORTS:
        sort = "relevance"
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    return text, filters, sort, page


def url_for(base, text, filters, sort, page=1, without=None, suffix=""):
    params = []
    if text.strip():
        params.append(("q", text))
    for name, values in filters.items():
        params += [(name, v) for v in values if (name, v) != without]
    default_sort = "relevance" if text.strip() else "recent"
    if sort != default_sort:
        params.append(("sort", sort))
    if page > 1:
        params.append(("page", page))
    path = base + suffix
    return f"{path}?{urlencode(params)}" if params else path


def _query(request, text, filters, sort, page, per_page=PER_PAGE, facets=LIBRARY_FACETS):
    return Query(
        text=text,
        filters=filters,
        facets=list(facets),
        sort=sort,
        page=page,
        per_page=per_page,
        locale=api.current_language(),
        viewer=request.user,
        kinds=["document"],
    )


def listing_view(request, index_page):
    text, filters, sort, page = read(request)
    base = index_page.get_url(request)
    query = _query(request, text, filters, sort, page)
    result = api.run_within_pages(query)
    filters = without_ignored(filters, result.ignored_filters)
    definitions = registry.facets()
    facets = [
        {"name": name, "label": definitions[name].label, "values": result.facets.get(name, [])}
        for name in LIBRARY_FACETS
    ]
    for facet in facets:
        if facet["name"] in ("year", "decade"):
            facet["values"] = sorted(facet["values"], key=lambda v: v.value, reverse=True)
    labels = {name: {v.value: v.label for v in values} for name, values in result.facets.items()}
    active = [
        (
            definitions[name].label,
            labels.get(name, {}).get(value, value),
            url_for(base, text, filters, sort, without=(name, value)),
        )
        for name, values in filters.items()
        for value in values
    ]
    current = result.query.page
    localize_page(index_page, ("title", "intro"))
    context = index_page.get_context(request)
    context.update(
        q=text,
        sort=sort,
        explicit_sort=request.GET.get("sort") if request.GET.get("sort") in SORTS else "",
        result=result,
        hits=result.hits,
        facets=facets,
        active_filters=active,
        page_number=current,
        pages=result.pages,
        start_index=(current - 1) * PER_PAGE + 1,
        page_links=[(n, url_for(base, text, filters, sort, page=n)) for n in result.page_numbers()],
        previous_url=url_for(base, text, filters, sort, page=current - 1) if current > 1 else "",
        next_url=url_for(base, text, filters, sort, page=current + 1) if current < result.pages else "",
        sort_urls=[(key, label, url_for(base, text, filters, key)) for key, label in SORTS.items()],
        share_url=request.build_absolute_uri(url_for(base, text, filters, sort)),
        export_urls=[
            (label, url_for(base, text, filters, sort, suffix=f"export/{fmt}/"))
            for fmt, label in (("ris", "RIS"), ("bib", "BibTeX"), ("json", "CSL-JSON"))
        ],
    )
    response = TemplateResponse(request, index_page.get_template(request), context)
    response["X-Search-Engine"] = result.engine
    return response


def result_pages(request, text, filters, sort, limit=EXPORT_LIMIT):
    """The pages of the whole result list (up to `limit`), in result order, that the viewer may
    see: the search contract filters by tier, and each page is checked again."""
    ids, page = [], 1
    while len(ids) < limit:
        result = api.run(_query(request, text, filters, sort, page, per_page=100, facets=()))
        ids += [int(h.id) for h in result.hits if h.kind == "document" and h.id.isdigit()]
        if page >= result.pages:
            break
        page += 1
    pages = LibraryDocumentPage.objects.live().filter(pk__in=ids[:limit]).select_related("issuer")
    by_pk = {
        p.pk: p
        for p in pages.prefetch_related("languages", "tagged_items__tag")
        if p.tier_allows(request.user)
    }
    return [by_pk[pk] for pk in ids if pk in by_pk]


def export_view(request, index_page, fmt):
    text, filters, sort, _page = read(request)
    items = [
        citations.citable(p, request.build_absolute_uri(p.get_url(request)))
        for p in result_pages(request, text, filters, sort)
    ]
    return export_response(items, fmt, "library")
