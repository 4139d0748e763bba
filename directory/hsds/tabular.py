"""HSDS 3.0 between its two forms: nested JSON (full organizations) and the tabular datapackage
(one CSV per resource, described by the official ``datapackage.json`` kept beside this module).

`flatten` turns full organizations into rows per resource (the export); `nest` turns rows back
into full organizations (the import of a datapackage zip), checking required cells, types and
foreign keys on the way and naming every problem by file, row and field.

A required cell the portal holds no value for (an organization without a description, an
address without a postal code) is written as ``NOT_STATED`` so that the package passes the
"required" checks without inventing data; `nest` reads it back as empty.
"""

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from .imports.problems import Problem

NOT_STATED = "(not stated)"
DATAPACKAGE_PATH = Path(__file__).with_name("datapackage.json")


@lru_cache(maxsize=1)
def datapackage():
    return json.loads(DATAPACKAGE_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def resources():
    """{resource name: resource} from the official datapackage, in its order."""
    return {resource["name"]: resource for resource in datapackage()["resources"]}


def fields(name):
    return resources()[name]["schema"]["fields"]


def field_names(name):
    return [field["name"] for field in fields(name)]


def _required(name):
    return {f["name"] for f in fields(name) if f.get("constraints", {}).get("required")}


# -- JSON -> tables ----------------------------------------------------------------------------

# Nested arrays of each entity and the resource their items go to, with the column that links
# them to their parent.
CHILDREN = {
    "organization": {
        "organization_identifiers": ("organization_identifier", "organization_id"),
        "phones": ("phone", "organization_id"),
        "contacts": ("contact", "organization_id"),
        "locations": ("location", "organization_id"),
        "services": ("service", "organization_id"),
        "funding": ("funding", "organization_id"),
        "programs": ("program", "organization_id"),
    },
    "service": {
        "phones": ("phone", "service_id"),
        "contacts": ("contact", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "languages": ("language", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
        "funding": ("funding", "service_id"),
        "cost_options": ("cost_option", "service_id"),
        "required_documents": ("required_document", "service_id"),
    },
    "location": {
        "addresses": ("address", "location_id"),
        "phones": ("phone", "location_id"),
        "contacts": ("contact", "location_id"),
        "schedules": ("schedule", "location_id"),
        "languages": ("language", "location_id"),
        "accessibility": ("accessibility", "location_id"),
    },
    "service_at_location": {
        "phones": ("phone", "service_at_location_id"),
        "contacts": ("contact", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
    },
    "contact": {"phones": ("phone", "contact_id")},
    "phone": {"languages": ("language", "phone_id")},
}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Tables:
    """Rows per resource, each row written once (the same phone may hang under an organization
    and under one of its contacts: one row, linked to both)."""

    def __init__(self):
        self.rows = defaultdict(dict)  # resource -> {id: row}

    def add(self, resource, item, links):
        names = field_names(resource)
        row = self.rows[resource].get(item["id"])
        if row is None:
            row = {name: _cell(item.get(name)) for name in names}
            for name in _required(resource) - {"id"}:
                if row[name] == "":
                    row[name] = NOT_STATED
            self.rows[resource][item["id"]] = row
        for column, value in links.items():
            if column in row and not row[column]:
                row[column] = value
        return row

    def walk(self, resource, item, links=None):
        if resource == "phone" and not item.get("number"):
            return  # a channel without a number is no phone row (number is required)
        self.add(resource, item, links or {})
        for key, (child_resource, column) in CHILDREN.get(resource, {}).items():
            for child in item.get(key) or []:
                self.walk(child_resource, child, {column: item["id"]})
        if resource == "service_at_location" and item.get("location"):
            self.walk("location", item["location"])
        for attribute in item.get("attributes") or []:
            self.add_attribute(attribute, item["id"], resource)

    def add_attribute(self, attribute, link_id, link_entity):
        term = attribute.get("taxonomy_term") or {}
        term_id = attribute.get("taxonomy_term_id") or term.get("id")
        if term:
            detail = term.get("taxonomy_detail")
            if detail and detail.get("id"):
                self.add("taxonomy", detail, {})
                term = {**term, "taxonomy_id": term.get("taxonomy_id") or detail["id"]}
            self.add("taxonomy_term", term, {})
        self.add(
            "attribute",
            {**attribute, "taxonomy_term_id": term_id},
            {"link_id": link_id, "link_entity": link_entity},
        )

    def as_lists(self):
        return {name: list(self.rows.get(name, {}).values()) for name in resources()}


def flatten(organizations, taxonomies=(), taxonomy_terms=()):
    """Full HSDS organizations (and optionally every taxonomy and term) as rows per resource."""
    tables = Tables()
    for taxonomy in taxonomies:
        tables.add("taxonomy", taxonomy, {})
    for term in taxonomy_terms:
        tables.add("taxonomy_term", term, {})
    for organization in organizations:
        tables.walk("organization", organization)
    return tables.as_lists()


# -- tables -> JSON ----------------------------------------------------------------------------


def _convert(value, field, problem):
    """The cell as its datapackage type, or None (and a problem) when it is not one."""
    if value == "" or value == NOT_STATED:
        return None
    kind = field.get("type", "string")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        problem(f"“{value}” is not a{'n integer' if kind == 'integer' else ' number'}.")
        return None
    return value


def typed_rows(name, raw_rows, path, problems):
    """CSV rows (dicts from DictReader, with their line number) converted to their types, with
    every missing required cell and wrong type as a problem."""
    spec = {f["name"]: f for f in fields(name)}
    required = _required(name)
    rows = []
    for line, raw in raw_rows:
        unknown = [key for key in raw if key is not None and key not in spec]
        for key in unknown:
            problems.append(Problem(path, line, key, "is not a column of this HSDS table."))
        row = {"_source": (path, line)}
        for key, field in spec.items():
            value = (raw.get(key) or "").strip()

            def problem(message, key=key, line=line):
                problems.append(Problem(path, line, key, message))

            if key in required and value == "":
                problem("is required and empty.")
            row[key] = _convert(value, field, problem)
        rows.append(row)
    return rows


def check_foreign_keys(tables, paths, problems):
    """Every reference names a row that exists (the datapackage's foreignKeys)."""
    ids = {name: {row["id"] for row in rows if row.get("id")} for name, rows in tables.items()}
    for name, rows in tables.items():
        for key in resources()[name]["schema"].get("foreignKeys", []):
            column, target = key["fields"], key["reference"]["resource"]
            for row in rows:
                value = row.get(column)
                if value and value not in ids.get(target, set()):
                    problems.append(
                        Problem(
                            paths[name],
                            row["_source"][1],
                            column,
                            f"refers to {target} “{value}”, which is not in {resources()[target]['path']}.",
                        )
                    )


def nest(tables):
    """Full organizations from typed rows per resource (after `check_foreign_keys`). Every item
    keeps `_source` (file, row) so later problems can name the row."""
    by = defaultdict(lambda: defaultdict(list))  # resource -> column -> id -> [rows]

    def index(resource, column):
        if column not in by[resource]:
            groups = defaultdict(list)
            for row in tables.get(resource, []):
                if row.get(column):
                    groups[row[column]].append(row)
            by[resource][column] = groups
        return by[resource][column]

    terms = {row["id"]: dict(row) for row in tables.get("taxonomy_term", [])}
    taxonomies = {row["id"]: row for row in tables.get("taxonomy", [])}
    for term in terms.values():
        if term.get("taxonomy_id") in taxonomies:
            term["taxonomy_detail"] = taxonomies[term["taxonomy_id"]]

    def attributes(item_id):
        found = []
        for attribute in index("attribute", "link_id").get(item_id, []):
            attribute = dict(attribute)
            if attribute.get("taxonomy_term_id") in terms:
                attribute["taxonomy_term"] = terms[attribute["taxonomy_term_id"]]
            found.append(attribute)
        return found

    def build(resource, row):
        item = {key: value for key, value in row.items() if value is not None}
        for key, (child_resource, column) in CHILDREN.get(resource, {}).items():
            # A row linked to several parents (a phone of an organization and of one of its
            # contacts) is listed under each, as the HSDS JSON examples do.
            rows = index(child_resource, column).get(row["id"], [])
            item[key] = [build(child_resource, child) for child in rows]
        item["attributes"] = attributes(row["id"])
        if resource == "service_at_location" and row.get("location_id"):
            item.pop("location", None)
        return item

    return [build("organization", row) for row in tables.get("organization", [])]
