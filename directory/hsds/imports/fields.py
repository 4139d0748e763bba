"""The HSDS fields an import understands: every HSDS 3.0 field, and the HSDS 2.x names that 3.0
renamed or restructured (mapped to their 3.0 form here). Any other field is a problem: it
names something this import would silently drop, or a typo.

2.x -> 3.0: organization `url` -> `website`; location `physical_address(es)` and
`postal_address(es)` -> `addresses` (with `address_type`), `accessibility_for_disabilities` ->
`accessibility`; `regular_schedule` and `holiday_schedule` -> `schedules` (`weekday` ->
`byday`); service `service_area` -> `service_areas` (its `service_area` -> `name`),
`eligibility` (table) -> `eligibility_description`, `service_taxonomy` -> `attributes`;
`language` (a string on services and phones) -> `languages`.
"""

from ..tabular import CHILDREN, field_names, resources
from .problems import Problem

# Nested objects and arrays besides CHILDREN, per entity (from the HSDS 3.0 JSON schemas).
EXTRA = {
    "organization": {"attributes", "metadata"},
    "service": {"organization", "program", "attributes", "metadata"},
    "location": {"attributes", "metadata"},
    "service_at_location": {"location", "attributes", "metadata"},
    "contact": {"attributes", "metadata"},
    "phone": {"attributes", "metadata"},
    "attribute": {"taxonomy_term", "metadata"},
    "taxonomy_term": {"taxonomy_detail", "metadata"},
}
ENTITY_OF = {  # a nested key -> the entity its items are
    "organization": "organization",
    "program": "program",
    "location": "location",
    "attributes": "attribute",
    "metadata": "metadata",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
}

WEEKDAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
    "1": "MO",
    "2": "TU",
    "3": "WE",
    "4": "TH",
    "5": "FR",
    "6": "SA",
    "7": "SU",
}


def known_fields(entity):
    names = set(field_names(entity)) if entity in resources() else set()
    return names | set(CHILDREN.get(entity, {})) | EXTRA.get(entity, set()) | {"_source"}


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _upgrade_2x(entity, item):
    """A copy of `item` with its 2.x names in their 3.0 form."""
    item = dict(item)
    if entity == "organization" and "url" in item and "website" not in item:
        item["website"] = item.pop("url")
    if entity == "location":
        addresses = list(item.get("addresses") or [])
        for key, kind in (
            ("physical_address", "physical"),
            ("physical_addresses", "physical"),
            ("postal_address", "postal"),
            ("postal_addresses", "postal"),
        ):
            for address in _as_list(item.pop(key, None)):
                addresses.append({"address_type": kind, **address})
        if addresses:
            item["addresses"] = addresses
        for entry in _as_list(item.pop("accessibility_for_disabilities", None)):
            entry = dict(entry)
            if "accessibility" in entry:
                entry["description"] = entry.pop("accessibility")
            item.setdefault("accessibility", []).append(entry)
    if entity in ("service", "location", "service_at_location"):
        for key in ("regular_schedule", "holiday_schedule"):
            for schedule in _as_list(item.pop(key, None)):
                schedule = dict(schedule)
                weekday = str(schedule.pop("weekday", "") or "").strip().lower()
                if weekday:
                    schedule.setdefault("byday", WEEKDAYS.get(weekday, weekday.upper()))
                    schedule.setdefault("freq", "WEEKLY")
                for drop in ("closed", "start_date", "end_date"):  # holiday_schedule: kept as notes
                    if schedule.get(drop) not in (None, ""):
                        schedule["notes"] = "; ".join(
                            part for part in (schedule.get("notes"), f"{drop}: {schedule[drop]}") if part
                        )
                    schedule.pop(drop, None)
                item.setdefault("schedules", []).append(schedule)
    if entity == "service":
        for area in _as_list(item.pop("service_area", None)):
            area = dict(area)
            if "service_area" in area:
                area.setdefault("name", area.pop("service_area"))
            item.setdefault("service_areas", []).append(area)
        eligibility = [
            e.get("eligibility") for e in _as_list(item.pop("eligibility", None)) if isinstance(e, dict)
        ]
        if eligibility and not item.get("eligibility_description"):
            item["eligibility_description"] = "; ".join(str(e) for e in eligibility if e)
        for link in _as_list(item.pop("service_taxonomy", None)):
            term = link.get("taxonomy_detail") or {"id": link.get("taxonomy_id")}
            item.setdefault("attributes", []).append(
                {"id": link.get("id"), "taxonomy_term_id": term.get("id"), "taxonomy_term": term}
            )
    if entity in ("service", "phone", "location") and isinstance(item.get("language"), str):
        names = [part.strip() for part in item.pop("language").split(",") if part.strip()]
        item.setdefault("languages", []).extend({"name": name} for name in names)
    return item


def upgrade(entity, item, file, path, problems):
    """`item` with 2.x names mapped and every nested record upgraded too; each field that is
    neither HSDS 3.0 nor a mapped 2.x name is a problem (file, JSON path, field)."""
    if not isinstance(item, dict):
        problems.append(
            Problem(file, path, "", f"should be an object ({entity}), not {type(item).__name__}.")
        )
        return {}
    item = _upgrade_2x(entity, item)
    known = known_fields(entity)
    for key in item:
        if key not in known:
            problems.append(
                Problem(
                    file,
                    path,
                    key,
                    f"is not an HSDS 3.0 {entity} field (nor an HSDS 2.x name this import maps).",
                )
            )
    children = {key: child for key, (child, _column) in CHILDREN.get(entity, {}).items()}
    for key, value in list(item.items()):
        child_entity = children.get(key) or ENTITY_OF.get(key)
        if child_entity is None or key not in known or child_entity in ("metadata", "program", "taxonomy"):
            continue
        if isinstance(value, list):
            item[key] = [
                upgrade(child_entity, child, file, f"{path}.{key}[{n}]", problems)
                for n, child in enumerate(value, 1)
            ]
        elif isinstance(value, dict):
            item[key] = upgrade(child_entity, value, file, f"{path}.{key}", problems)
    return item
