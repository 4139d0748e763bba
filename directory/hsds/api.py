"""The HSDS 3.0 API (mounted at /api/hsds/v3/; README "Open Referral API").

Every endpoint of the official OpenAPI file, read-only. Lists answer the OpenAPI `Page` envelope;
filters combine with AND; a parameter an endpoint does not take, or a value it cannot use,
answers 400 with a JSON error; unknown ids and paths answer a JSON 404; a page past the last is
empty. `format=ndjson` streams every matching record, one JSON document a line, unpaged.

Records come from `serialize`, which builds them only from the viewer-tier projection
(`directory.visibility`), so the API shows what the organization page shows to the same viewer.
Deletions and unpublications are listed at /tombstones (see `models.Tombstone`).
"""

import datetime
import json
import math
import uuid

from django.db.models import Max, Q
from django.http import HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from audit import record as audit_record
from audit.directory import record_hsds_summary, record_organization
from audit.models import AccessKind

from ..models import ServiceAtLocation, ServiceTerm, TaxonomyTerm, Visibility
from ..views.detail import organization_context
from ..visibility import can_see, locations_offering_confidential_services, project_location, viewer_tier
from . import serialize
from .http import api_view, bad_request, json_response, not_found, request_language, streaming_response
from .models import Tombstone

DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 100
FULL_PER_PAGE = 20  # the default page of fully nested records, which are large
MAX_PROXIMITY_METRES = 500_000
SEARCH_PAGES = 10  # at most 1,000 search hits are filtered further

PAGING = {"page", "per_page", "format", "lang"}
PARAMETERS = {
    "root": {"lang"},
    "one": {"lang"},
    "organization": {"full_service", "lang"},
    "organizations": PAGING | {"search", "full", "full_service", "modified_after"},
    "services": PAGING
    | {"search", "taxonomy_term_id", "taxonomy_id", "organization_id"}
    | {"modified_after", "minimal", "full"},
    "service_at_locations": PAGING
    | {"search", "taxonomy_term_id", "taxonomy_id", "organization_id"}
    | {"modified_after", "full", "proximity", "latitude", "longitude"},
    "taxonomies": PAGING | {"search"},
    "taxonomy_terms": PAGING | {"search", "taxonomy_id", "top_only", "parent_id"},
    "tombstones": PAGING | {"modified_after", "record_type"},
}


# -- parameters ---------------------------------------------------------------------------------


class Params:
    """The query string of one request, checked against what its endpoint takes."""

    def __init__(self, request, endpoint):
        self.request = request
        self.get = request.GET
        unknown = sorted(set(self.get) - PARAMETERS[endpoint])
        if unknown:
            raise bad_request(f"Unsupported parameter(s): {', '.join(unknown)}.")
        for key in self.get:
            if len(self.get.getlist(key)) > 1:
                raise bad_request(f"{key} is given more than once.")
        self.language = request_language(request)

    def text(self, name):
        return self.get.get(name, "").strip()

    def boolean(self, name, default=False):
        if name not in self.get:
            return default
        value = self.get[name].strip().lower()
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise bad_request(f"{name} must be true or false.")

    def integer(self, name, default, low, high):
        if name not in self.get:
            return default
        try:
            value = int(self.get[name])
        except ValueError:
            raise bad_request(f"{name} must be a whole number.")
        if not low <= value <= high:
            raise bad_request(f"{name} must be between {low} and {high}.")
        return value

    def number(self, name, low, high):
        try:
            value = float(self.get[name])
        except ValueError:
            raise bad_request(f"{name} must be a number.")
        if not (math.isfinite(value) and low <= value <= high):
            raise bad_request(f"{name} must be between {low} and {high}.")
        return value

    def uuid(self, name):
        value = self.text(name)
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise bad_request(f"{name} must be a UUID.")

    def modified_after(self):
        value = self.text("modified_after")
        if not value:
            return None
        try:
            moment = parse_datetime(value)
            if moment is None:
                day = parse_date(value)
                moment = datetime.datetime.combine(day, datetime.time()) if day else None
        except ValueError:
            moment = None
        if moment is None:
            raise bad_request("modified_after must be an ISO 8601 date or date-time.")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        try:
            # In UTC: the database need not take any offset (PostgreSQL refuses beyond ±15:59).
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise bad_request("modified_after is out of range.")

    def format(self):
        value = self.get.get("format", "json")
        if value not in ("json", "ndjson"):
            raise bad_request("format must be json or ndjson.")
        return value

    def paging(self, default=DEFAULT_PER_PAGE):
        per_page = self.integer("per_page", default, 1, MAX_PER_PAGE)
        page = self.integer("page", 1, 1, 1_000_000)
        return page, per_page


# -- lists --------------------------------------------------------------------------------------


def _base_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def _page(request, params, items, render, last_modified=None, per_page=DEFAULT_PER_PAGE):
    """The HSDS Page of `items` (a list), each rendered by `render(item)` (None: left out)."""
    if params.format() == "ndjson":
        return _ndjson(items, render, params.language)
    page, per_page = params.paging(per_page)
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    chosen = items[(page - 1) * per_page : page * per_page]
    contents = [record for record in (render(item) for item in chosen) if record is not None]
    data = {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }
    return json_response(request, data, last_modified)


def _ndjson(items, render, language):
    def lines():
        for item in items:
            record = render(item)
            if record is not None:
                yield json.dumps(record, ensure_ascii=False) + "\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    return streaming_response(response)


def _search_keys(request, kind, text, language):
    """Translation keys of `kind` records matching every word of `text`, best first, through the
    search contract (the viewer's tier applies there too)."""
    from search import api as search_api
    from search.contract import MAX_PER_PAGE as SEARCH_PAGE_SIZE
    from search.contract import Query

    keys, page = [], 1
    while page <= SEARCH_PAGES:
        query = Query(
            text=text,
            kinds=[kind],
            page=page,
            per_page=SEARCH_PAGE_SIZE,
            locale=language,
            viewer=request.user,
        )
        result = search_api.run(query)
        if result.partial:  # no record has every word: an API search then finds nothing
            return []
        keys += [hit.id for hit in result.hits if not hit.missing]
        if page >= result.pages:
            break
        page += 1
    return keys


def _in_search_order(queryset, keys):
    order = {key: index for index, key in enumerate(keys)}
    rows = list(queryset.filter(translation_key__in=keys))
    return sorted(rows, key=lambda row: order.get(str(row.translation_key), len(order)))


def _latest(rows, *fields):
    moments = [getattr(row, f) for row in rows for f in fields if getattr(row, f, None)]
    return max(moments) if moments else None


def _terms_matching(params):
    """TaxonomyTerm pks meant by taxonomy_term_id (the term and its sub-types) and taxonomy_id;
    None when neither is given."""
    wanted_term, wanted_taxonomy = params.text("taxonomy_term_id"), params.text("taxonomy_id")
    if not (wanted_term or wanted_taxonomy):
        return None
    terms = list(TaxonomyTerm.objects.all())
    chosen = terms
    if wanted_term:
        roots = [t.code for t in terms if serialize.term_id(t) == wanted_term]
        chosen = [t for t in chosen if any(t.code == r or t.code.startswith(f"{r}.") for r in roots)]
    if wanted_taxonomy:
        chosen = [t for t in chosen if serialize.taxonomy_id(t.taxonomy) == wanted_taxonomy]
    return [t.pk for t in chosen]


def _services_filtered(request, params):
    services = serialize.published_services().select_related("organization", "organization__locale")
    org_id = params.uuid("organization_id")
    if org_id:
        services = services.filter(organization__translation_key=org_id)
    terms = _terms_matching(params)
    if terms is not None:
        services = services.filter(pk__in=ServiceTerm.objects.filter(term_id__in=terms).values("service_id"))
    since = params.modified_after()
    if since:
        services = services.filter(Q(updated_at__gte=since) | Q(organization__updated_at__gte=since))
    text = params.text("search")
    if text:
        return _in_search_order(services, _search_keys(request, "service", text, params.language))
    return list(services.order_by("organization__name", "name", "pk"))


def record_service_summary(request, svc, tier):
    """A service_list record carries one tier-dependent field, the e-mail: log it when it was
    sent above the public tier (as `record_hsds_summary` does for organizations)."""
    if svc.email and svc.email_visibility != Visibility.PUBLIC and can_see(tier, svc.email_visibility):
        org = svc.organization
        audit_record(request, AccessKind.HSDS, org.pk, tier, organization=org, label=org.name)


class _Contexts:
    """organization_context per organization, per request: a page of services or
    service_at_locations of one organization projects it once."""

    def __init__(self, request):
        self.request, self.cache = request, {}

    def get(self, org):
        if org.pk not in self.cache:
            tier = viewer_tier(self.request.user, org)
            self.cache[org.pk] = organization_context(org, tier, org.slug)
        return self.cache[org.pk]


# -- endpoints ----------------------------------------------------------------------------------


def _url(request, name, **kwargs):
    return request.build_absolute_uri(reverse(f"hsds:{name}", kwargs=kwargs))


@api_view
def root(request):
    Params(request, "root")
    return json_response(
        request,
        {
            "version": "3.0",
            "profile": "https://docs.openreferral.org/en/latest/hsds/",
            "openapi_url": _url(request, "openapi"),
            # Not in HSDS: where this portal's records are listed, and what left them.
            "organizations": _url(request, "organizations"),
            "services": _url(request, "services"),
            "service_at_locations": _url(request, "service_at_locations"),
            "taxonomies": _url(request, "taxonomies"),
            "taxonomy_terms": _url(request, "taxonomy_terms"),
            "tombstones": _url(request, "tombstones"),
        },
    )


@api_view
def openapi(request):
    from .openapi import document

    Params(request, "root")
    return json_response(request, document(_base_url(request) + reverse("hsds:root").rstrip("/")))


@api_view
def organizations(request):
    params = Params(request, "organizations")
    full = params.boolean("full")
    full_service = params.boolean("full_service")
    orgs = (
        serialize.published_organizations()
        .select_related("parent_organization")
        .prefetch_related("names", "identifiers")
    )
    since = params.modified_after()
    if since:
        orgs = orgs.filter(Q(updated_at__gte=since) | Q(services__updated_at__gte=since)).distinct()
    text = params.text("search")
    rows = (
        _in_search_order(orgs, _search_keys(request, "organization", text, params.language))
        if text
        else list(orgs.order_by("name", "pk"))
    )
    language, base_url = params.language, _base_url(request)

    def render(org):
        tier = viewer_tier(request.user, org)
        if full or full_service:
            context = organization_context(org, tier, org.slug)
            record_organization(request, "hsds", context)
            return serialize.organization(
                org, tier, language, base_url, full_service=full_service or full, context=context
            )
        record_hsds_summary(request, org, tier)
        return serialize.organization_basic(org, tier, language, base_url)

    limit = FULL_PER_PAGE if (full or full_service) else DEFAULT_PER_PAGE
    return _page(request, params, rows, render, _latest(rows, "updated_at"), per_page=limit)


def _published_organization(id):
    try:
        key = uuid.UUID(str(id))
    except ValueError:
        raise not_found("No published organization has this id.")
    org = serialize.published_organizations().filter(translation_key=key).first()
    if org is None:
        raise not_found("No published organization has this id.")
    return org


@api_view
def organization(request, organization_id=None, id=None):  # `id`: the old /directory/hsds/ route
    params = Params(request, "organization")
    full_service = params.boolean("full_service")
    org = _published_organization(organization_id or id)
    context = organization_context(org, viewer_tier(request.user, org), org.slug)
    record_organization(request, "hsds", context)
    data = serialize.organization(
        org, context["tier"], params.language, _base_url(request), full_service=full_service, context=context
    )
    code, _texts = serialize.organization_language(org, params.language)
    return json_response(request, data, org.updated_at, language=code)


@api_view
def services(request):
    params = Params(request, "services")
    full, minimal = params.boolean("full"), params.boolean("minimal")
    if full and minimal:
        raise bad_request("full and minimal exclude each other.")
    rows = _services_filtered(request, params)
    contexts = _Contexts(request)
    language, base_url = params.language, _base_url(request)

    def render(svc):
        if minimal:
            # id and last_modified, with the name and status HSDS requires of a service.
            return {
                "id": str(svc.translation_key),
                "name": svc.name,
                "status": svc.status,
                "last_modified": svc.updated_at.isoformat(),
            }
        if full:
            context = contexts.get(svc.organization)
            record_organization(request, "hsds", context)
            return serialize.service(svc, context["tier"], language, base_url, context=context)
        tier = viewer_tier(request.user, svc.organization)
        record_service_summary(request, svc, tier)
        return serialize.service_basic(svc, tier, language)

    limit = FULL_PER_PAGE if full else DEFAULT_PER_PAGE
    return _page(request, params, rows, render, _latest(rows, "updated_at"), per_page=limit)


def _published_service(id):
    try:
        key = uuid.UUID(str(id))
    except ValueError:
        raise not_found("No published service has this id.")
    svc = serialize.published_services().select_related("organization").filter(translation_key=key).first()
    if svc is None:
        raise not_found("No published service has this id.")
    return svc


@api_view
def service(request, service_id):
    params = Params(request, "one")
    svc = _published_service(service_id)
    context = _Contexts(request).get(svc.organization)
    data = serialize.service(svc, context["tier"], params.language, _base_url(request), context=context)
    if data is None:
        raise not_found("No published service has this id.")
    record_organization(request, "hsds", context)
    code, _texts = serialize.service_language(svc, params.language)
    return json_response(request, data, svc.updated_at, language=code)


def _links(request, params):
    services = _services_filtered(request, params)
    links = list(
        ServiceAtLocation.objects.filter(service__in=[s.pk for s in services])
        .select_related("service", "service__organization", "location", "location__area")
        .order_by("service__organization__name", "service__name", "sort_order", "pk")
    )
    if services and params.text("search"):
        order = {s.pk: index for index, s in enumerate(services)}
        links.sort(key=lambda link: order[link.service_id])
    proximity = params.get.get("proximity")
    near = {"latitude", "longitude"} & set(params.get)
    if proximity is None and near:
        raise bad_request("latitude and longitude go with proximity (metres).")
    if proximity is not None:
        if len(near) < 2:
            raise bad_request("proximity needs latitude and longitude (the point to measure from).")
        metres = params.number("proximity", 1, MAX_PROXIMITY_METRES)
        point = (params.number("latitude", -90, 90), params.number("longitude", -180, 180))
        links = _near(request, links, point, metres)
    return links


def _metres(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _near(request, links, point, metres):
    """Links whose location the viewer may see exactly lies within `metres` of `point`. A
    location shown as its area only (a confidential place, for the public) has no point for
    this viewer, so it is never found by distance: distance would reveal where it is."""
    confidential = locations_offering_confidential_services([link.location_id for link in links])
    kept = []
    for link in links:
        tier = viewer_tier(request.user, link.service.organization)
        shown = project_location(link.location, tier, link.location_id in confidential)
        if shown.exact and shown.latitude is not None and shown.longitude is not None:
            if _metres(point, (shown.latitude, shown.longitude)) <= metres:
                kept.append(link)
    return kept


@api_view
def service_at_locations(request):
    params = Params(request, "service_at_locations")
    full = params.boolean("full")
    rows = _links(request, params)
    contexts = _Contexts(request)
    language, base_url = params.language, _base_url(request)

    def render(link):
        context = contexts.get(link.service.organization)
        if full:
            record_organization(request, "hsds", context)
        return serialize.service_at_location(
            link, context["tier"], language, base_url, full=full, context=context
        )

    limit = FULL_PER_PAGE if full else DEFAULT_PER_PAGE
    services_seen = [link.service for link in rows]
    return _page(request, params, rows, render, _latest(services_seen, "updated_at"), per_page=limit)


def _published_link(id):
    try:
        key = str(uuid.UUID(str(id)))
    except ValueError:
        raise not_found("No service_at_location has this id.")
    # Ids are name-based under the organization's key; find the link among the few candidates.
    links = ServiceAtLocation.objects.filter(service__in=serialize.published_services()).select_related(
        "service", "service__organization", "location"
    )
    for link in links.iterator():
        if serialize.service_at_location_id(link.service.organization, link.pk) == key:
            return link
    raise not_found("No service_at_location has this id.")


@api_view
def service_at_location(request, service_at_location_id):
    params = Params(request, "one")
    link = _published_link(service_at_location_id)
    context = _Contexts(request).get(link.service.organization)
    data = serialize.service_at_location(
        link, context["tier"], params.language, _base_url(request), context=context
    )
    if data is None:
        raise not_found("No service_at_location has this id.")
    record_organization(request, "hsds", context)
    return json_response(request, data, link.service.updated_at)


@api_view
def taxonomies(request):
    params = Params(request, "taxonomies")
    rows = serialize.taxonomies(params.language)
    text = params.text("search").casefold()
    if text:
        rows = [t for t in rows if text in f"{t['name']} {t['description']} {t['uri']}".casefold()]
    return _page(request, params, rows, lambda row: row)


@api_view
def taxonomy(request, taxonomy_id):
    params = Params(request, "one")
    for row in serialize.taxonomies(params.language):
        if row["id"] == taxonomy_id:
            return json_response(request, row)
    raise not_found("No taxonomy has this id.")


@api_view
def taxonomy_terms(request):
    params = Params(request, "taxonomy_terms")
    terms = list(TaxonomyTerm.objects.select_related("parent").order_by("code"))
    wanted_taxonomy = params.text("taxonomy_id")
    if wanted_taxonomy:
        terms = [t for t in terms if serialize.taxonomy_id(t.taxonomy) == wanted_taxonomy]
    if params.boolean("top_only"):
        terms = [t for t in terms if t.parent_id is None]
    parent = params.text("parent_id")
    if parent:
        terms = [t for t in terms if t.parent_id and serialize.term_id(t.parent) == parent]
    text = params.text("search").casefold()
    if text:
        terms = [t for t in terms if text in f"{t.code} {t.name_en} {t.name_km} {t.description}".casefold()]
    language = params.language
    return _page(request, params, terms, lambda term: serialize.taxonomy_term(term, language))


@api_view
def taxonomy_term(request, taxonomy_term_id):
    params = Params(request, "one")
    for term in TaxonomyTerm.objects.select_related("parent"):
        if serialize.term_id(term) == taxonomy_term_id:
            return json_response(request, serialize.taxonomy_term(term, params.language))
    raise not_found("No taxonomy term has this id.")


@api_view
def tombstones(request):
    """Records that left the API (deleted or unpublished), oldest first: an incremental client
    asks with the `modified_after` it used last and deletes these ids on its side."""
    params = Params(request, "tombstones")
    rows = Tombstone.objects.all()
    kind = params.text("record_type")
    if kind:
        if kind not in Tombstone.RecordType.values:
            raise bad_request(f"record_type must be one of: {', '.join(Tombstone.RecordType.values)}.")
        rows = rows.filter(record_type=kind)
    since = params.modified_after()
    if since:
        rows = rows.filter(removed_at__gte=since)
    rows = list(rows)
    # Published again since (e.g. a draft id re-used by an import) : not a deletion any more.
    live = {
        Tombstone.RecordType.ORGANIZATION: set(
            map(str, serialize.published_organizations().values_list("translation_key", flat=True))
        ),
        Tombstone.RecordType.SERVICE: set(
            map(str, serialize.published_services().values_list("translation_key", flat=True))
        ),
    }
    rows = [row for row in rows if str(row.record_id) not in live.get(row.record_type, ())]
    latest = Tombstone.objects.aggregate(latest=Max("removed_at"))["latest"]

    def render(row):
        return {
            "id": str(row.record_id),
            "record_type": row.record_type,
            "reason": row.reason,
            "removed_at": row.removed_at.isoformat(),
        }

    return _page(request, params, rows, render, latest)


@api_view
def unknown(request, unknown_path=""):
    """A JSON 404; an API path written with a trailing slash is redirected to the official one."""
    if unknown_path.endswith("/"):
        target = request.path.rstrip("/")
        try:
            match = resolve(target)
        except Resolver404:
            match = None
        if match is not None and match.namespace == "hsds" and match.url_name != "unknown":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    raise not_found()
