"""The public directory listing: /directory/ with facets, active filters and paging."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..filters import DirectorySearch
from ..translations import localize_organizations


@require_GET
def directory_index(request):
    search = DirectorySearch(request.GET)
    paginator = Paginator(search.results(), settings.DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))  # "abc", 0 or 9999 fall back to a real page
    page.object_list = localize_organizations(page.object_list)
    page_links = [
        (number, None if number == paginator.ELLIPSIS else search.query_string(page=number))
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    context = {
        "search": search,
        "q": search.q,
        "facets": search.facets(),
        "active_filters": search.active_filters(),
        "page_obj": page,
        "paginator": paginator,
        "page_links": page_links,
        "previous_url": search.query_string(page=page.previous_page_number()) if page.has_previous() else "",
        "next_url": search.query_string(page=page.next_page_number()) if page.has_next() else "",
        "share_url": request.build_absolute_uri(search.query_string()),
    }
    return render(request, "directory/index.html", context)
