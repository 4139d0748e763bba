"""This portal's own OpenAPI 3.1 document, generated from the official HSDS 3.0 OpenAPI file
(schema/openapi_official.json) and what this API does differently:

- the official schemas are inlined under components/schemas (the official file points at
  github URLs; a client or a test here reads one self-contained document);
- `/service_at_locations` takes `proximity` in metres around `latitude`/`longitude` (HSDS
  measures from a `postcode`, which the directory does not record: `postcode` answers 400);
- `/organizations` takes `modified_after`; every endpoint takes `lang`;
- `/service_at_locations/{id}` answers a service_at_location (the official file says service);
- `/tombstones` lists deleted and unpublished records (not in HSDS);
- 400, 404 and 429 answer a JSON `Error`.
"""

import copy
import json
from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schema"
OFFICIAL_PREFIX = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
SCHEMAS = {
    "organization": "compiled/organization.json",
    "organization_list": "compiled/organization_list.json",
    "service": "compiled/service.json",
    "service_list": "compiled/service_list.json",
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list": "compiled/service_at_location_list.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
    "metadata": "metadata.json",
}


def load(relative):
    return json.loads((SCHEMA_DIR / relative).read_text())


def _local_refs(node):
    """Point every $ref at components/schemas."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            name = ref.removeprefix(OFFICIAL_PREFIX).removeprefix("compiled/").removesuffix(".json")
            node["$ref"] = f"#/components/schemas/{name}"
        for value in node.values():
            _local_refs(value)
    elif isinstance(node, list):
        for value in node:
            _local_refs(value)
    return node


def _error_responses(*codes):
    texts = {
        400: "An unsupported parameter or value.",
        404: "No such record or path.",
        429: "Too many anonymous requests; see Retry-After.",
    }
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {str(code): {"description": texts[code], **ref} for code in codes}


def _param(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


@lru_cache(maxsize=4)
def _document(server):
    doc = copy.deepcopy(load("openapi_official.json"))
    doc["info"] = {
        "title": "Mekong Protection Services Directory: HSDS 3.0 API",
        "version": "3.0.0",
        "summary": "Open Referral HSDS 3.0 records of the directory, cut to the viewer's tier.",
        "description": (
            "Read-only. Lists are HSDS Pages; filters combine with AND; unknown parameters or "
            "values answer 400, unknown ids and paths 404 (JSON). Records are in the language "
            "asked for (`lang` or Accept-Language) when wholly translated, else in English. "
            "Deleted and unpublished records are listed at /tombstones."
        ),
        "license": {"name": "CC BY-SA 4.0 (HSDS schemas)", "identifier": "CC-BY-SA-4.0"},
    }
    doc["servers"] = [{"url": server}]
    params = doc["components"]["parameters"]
    params["page"]["schema"] = {"type": "integer", "minimum": 1}
    params["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": 100}
    params["format"]["schema"] = {"type": "string", "enum": ["json", "ndjson"]}
    params["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    for name in ("taxonomy_term_id", "taxonomy_id"):
        params[name]["schema"] = {"type": "string"}
    params["organization_id"]["schema"] = {"type": "string", "format": "uuid"}
    params["proximity"] = _param(
        "proximity",
        "Metres around latitude/longitude (both required with it). Locations shown to the viewer "
        "as their area only (confidential places) are never found by distance.",
        {"type": "number", "exclusiveMinimum": 0, "maximum": 500000},
    )
    params["latitude"] = _param(
        "latitude", "With proximity.", {"type": "number", "minimum": -90, "maximum": 90}
    )
    params["longitude"] = _param(
        "longitude", "With proximity.", {"type": "number", "minimum": -180, "maximum": 180}
    )
    params["lang"] = _param(
        "lang",
        "Language of the records (en, km). Default: Accept-Language, else English. A record not "
        "wholly translated is in English.",
        {"type": "string", "enum": ["en", "km"]},
    )
    params.pop("postcode", None)

    paths = doc["paths"]
    paths["/service_at_locations"]["get"]["parameters"] = [
        p
        for p in paths["/service_at_locations"]["get"]["parameters"]
        if p.get("$ref") != "#/components/parameters/postcode"
    ] + [{"$ref": "#/components/parameters/latitude"}, {"$ref": "#/components/parameters/longitude"}]
    paths["/organizations"]["get"]["parameters"].append({"$ref": "#/components/parameters/modified_after"})
    sal = paths["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    sal["schema"] = {"$ref": "#/components/schemas/service_at_location"}
    paths["/tombstones"] = _tombstones_path()

    for path, item in paths.items():
        op = item["get"]
        op.setdefault("parameters", []).append({"$ref": "#/components/parameters/lang"})
        codes = [400, 429] if "{id}" not in path else [400, 404, 429]
        op["responses"].update(_error_responses(*codes))
        if path != "/" and "{id}" not in path:
            ok = op["responses"]["200"]["content"]
            ok["application/x-ndjson"] = {"schema": {"type": "string"}}
    _local_refs(paths)

    schemas = doc["components"]["schemas"]
    schemas["Error"] = {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    }
    schemas["Tombstone"] = {
        "type": "object",
        "required": ["id", "record_type", "reason", "removed_at"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "record_type": {"type": "string", "enum": ["organization", "service", "service_at_location"]},
            "reason": {"type": "string", "enum": ["deleted", "unpublished"]},
            "removed_at": {"type": "string", "format": "date-time"},
        },
    }
    for name, relative in SCHEMAS.items():
        schemas[name] = _local_refs(load(relative))
    return doc


def _tombstones_path():
    return {
        "get": {
            "operationId": "getPaginatedListOfTombstones",
            "description": (
                "Records that left the API (deleted or unpublished), oldest first. An incremental "
                "client asks with the modified_after it used for its last sync and deletes these "
                "ids; a record published again leaves this list."
            ),
            "parameters": [
                {"$ref": "#/components/parameters/modified_after"},
                _param(
                    "record_type",
                    "Only tombstones of this record type.",
                    {"type": "string", "enum": ["organization", "service", "service_at_location"]},
                ),
                {"$ref": "#/components/parameters/page"},
                {"$ref": "#/components/parameters/per_page"},
                {"$ref": "#/components/parameters/format"},
            ],
            "responses": {
                "200": {
                    "description": "A page of tombstones.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "properties": {
                                    "contents": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Tombstone"},
                                    }
                                },
                                "allOf": [{"$ref": "#/components/schemas/Page"}],
                            }
                        }
                    },
                }
            },
        }
    }


def document(server):
    """The OpenAPI document with `server` (the API's absolute base URL) as its server."""
    return _document(server)
