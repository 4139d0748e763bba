"""Open Referral HSDS 3.0 JSON of one organization, filtered by the viewer's tier exactly like
the HTML page: what the viewer may not see is left out entirely, not nulled.

Locations come from the page's projection (`visibility.project_location`). A location the
viewer may not see exactly (every confidential place, for the public) is emitted one way only,
area only: `id`, `location_type`, `name` set to its kind ("Shelter or residential centre"),
`description` set to its district (or province) and country; no `addresses`, no `latitude` or
`longitude`, no `transportation`, no name of its own.

Alternate names: acronyms, aliases and former names; a recorded misspelling (kept to help
search) is never published as a name."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from audit.directory import record_organization

from ..hsds import serialize
from ..hsds.serialize import alternate_names  # noqa: F401  (kept for importers)
from ..visibility import viewer_tier
from .detail import get_published_organization, organization_context


def _base_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def _request_language(request):
    return getattr(request, "LANGUAGE_CODE", None)


def organization_as_hsds(context, request):
    return serialize.organization(
        context["org"], context["tier"], _request_language(request), _base_url(request), context=context
    )


@require_GET
def organization_hsds(request, slug):
    shown = get_published_organization(slug)
    org = serialize.published_organizations().filter(translation_key=shown.translation_key).first() or shown
    context = organization_context(org, viewer_tier(request.user, org), org.slug)
    record_organization(request, "hsds", context)
    response = JsonResponse(
        organization_as_hsds(context, request), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Vary"] = "Cookie, Accept-Language"
    return response
