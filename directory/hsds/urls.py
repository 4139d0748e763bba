"""/api/hsds/v3/: the HSDS 3.0 API. Paths as in the official OpenAPI file, without a trailing
slash (one is redirected away: `api.unknown`). Anything else under the prefix answers a JSON 404."""

from django.urls import path

from . import api

app_name = "hsds"


urlpatterns = [
    path("", api.root, name="root"),
    path("openapi.json", api.openapi, name="openapi"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<str:organization_id>", api.organization, name="organization"),
    path("services", api.services, name="services"),
    path("services/<str:service_id>", api.service, name="service"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path(
        "service_at_locations/<str:service_at_location_id>",
        api.service_at_location,
        name="service_at_location",
    ),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomies/<str:taxonomy_id>", api.taxonomy, name="taxonomy"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:taxonomy_term_id>", api.taxonomy_term, name="taxonomy_term"),
    path("tombstones", api.tombstones, name="tombstones"),
    path("<path:unknown_path>", api.unknown, name="unknown"),
]
