"""The public directory listing: /directory/ with facets, active filters, paging and, with
words, relevance order (A-Z on request), partial-match notice and suggestions when empty."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.directory import record_listing
from portal.device_position import has_position
from search.page_cache import index_state, public_page_cache
from search.suggestions import no_result_suggestions

from ..filters import DirectorySearch
from ..near_choices import near_choices


def _listing_state(request):
    """The index state and the minute, except for a page sorted from the device's position: that
    position is never stored, so such a page is not cached (its URL would be the key)."""
    if has_position(request):
        return None
    # Cards say whether each place is open now, and "open now" filters: answers of one minute.
    return f"{index_state(request)}:{timezone.now():%Y%m%d%H%M}"


@require_GET
@public_page_cache(_listing_state)
def directory_index(request):
    search = DirectorySearch(request.GET, viewer=request.user)
    paginator = Paginator(search.ordered_results(), settings.DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))  # "abc", 0 or 9999 fall back to a real page
    page_links = [
        (number, None if number == paginator.ELLIPSIS else search.query_string(page=number))
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    facets = search.facets()
    context = {
        "search": search,
        "q": search.q,
        "sort": search.sort,
        "sort_links": search.sort_links(),
        "partial": search.partial_notice(),
        "facets": facets,
        # A facet without values is not shown; with none at all there is no filter box.
        "shown_facets": [f for f in facets if f.values],
        "active_filters": search.active_filters(),
        "page_obj": page,
        "paginator": paginator,
        "page_links": page_links,
        "previous_url": search.query_string(page=page.previous_page_number()) if page.has_previous() else "",
        "next_url": search.query_string(page=page.next_page_number()) if page.has_next() else "",
        "share_url": request.build_absolute_uri(search.query_string(shared=True)),
        "near_choices": near_choices(),
    }
    # A card showing a partners-only or restricted line is noted in the access log.
    record_listing(request, page.object_list)
    if not paginator.count:
        context["suggestions"] = no_result_suggestions(search.q, request.user)
    return render(request, "directory/index.html", context)
