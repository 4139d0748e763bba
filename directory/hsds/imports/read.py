"""Reading an HSDS upload into full organizations, without touching the database.

Accepted: HSDS 3.0 JSON (one full organization or service, a list of them, an API page with
`contents`, or NDJSON, one per line) and the tabular datapackage zip (``datapackage.json`` and
the CSV files it lists). A file over the size limit is refused before it is read; a zip whose
members would unpack beyond the limit too."""

import csv
import io
import json
import logging
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings

from .. import tabular
from .fields import upgrade
from .problems import Problem

logger = logging.getLogger("directory.hsds.imports")

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes():
    return getattr(settings, "HSDS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass
class Batch:
    """What was read: full organizations (services grouped under theirs) and the problems."""

    name: str
    organizations: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    records: int = 0  # organizations and services read


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def too_large(name, size):
    """The problem of a file over the limit, or None."""
    limit = max_bytes()
    if size is not None and size > limit:
        return Problem(
            name,
            "",
            "",
            f"is {_megabytes(size)}; files of up to {_megabytes(limit)} can be imported. Nothing was read.",
        )
    return None


def read_upload(stream, name, size=None):
    """A Batch from a binary stream (an upload or an open file). `size` lets a file over the
    limit be refused without reading it."""
    batch = Batch(name)
    problem = too_large(name, size)
    if problem is None:
        data = stream.read(max_bytes() + 1)  # never more than the limit, whatever `size` said
        problem = too_large(name, len(data))
    if problem is not None:
        batch.problems.append(problem)
        return batch
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
        _read_zip(batch, data)
    else:
        _read_json(batch, data)
    return batch


# -- JSON --------------------------------------------------------------------------------------


def _decode(batch, data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        batch.problems.append(Problem(batch.name, "", "", f"is not UTF-8 text (byte {exc.start})."))
        return None


def _read_json(batch, data):
    text = _decode(batch, data)
    if text is None:
        return
    try:
        documents = [json.loads(text)]
    except json.JSONDecodeError as exc:
        documents = _ndjson(text) if batch.name.lower().endswith(".ndjson") else None
        if documents is None:
            batch.problems.append(
                Problem(
                    batch.name, f"line {exc.lineno}, column {exc.colno}", "", f"is not valid JSON: {exc.msg}."
                )
            )
            return
    else:
        if batch.name.lower().endswith(".ndjson") and isinstance(documents[0], dict):
            documents = documents  # a single-line NDJSON file is one document
    items = []
    for document in documents:
        if isinstance(document, dict) and isinstance(document.get("contents"), list):
            document = document["contents"]  # an API page
        items.extend(document if isinstance(document, list) else [document])
    if not items:
        batch.problems.append(Problem(batch.name, "", "", "holds no organization or service."))
        return
    _group(batch, items)


def _ndjson(text):
    documents = []
    for line in text.splitlines():
        if line.strip():
            try:
                documents.append(json.loads(line))
            except json.JSONDecodeError:
                return None
    return documents


def _is_service(item):
    return isinstance(item, dict) and (
        "organization" in item or ("organization_id" in item and "locations" not in item) or "status" in item
    )


def _group(batch, items):
    """Full organizations from a mix of full organizations and full services (each service goes
    under its `organization`, or the organization its `organization_id` names)."""
    organizations = {}
    order = []

    def organization(data):
        key = data.get("id") or f"#{len(order)}"
        if key not in organizations:
            organizations[key] = data
            order.append(key)
        return organizations[key]

    for n, raw in enumerate(items, 1):
        path = f"[{n}]"
        if _is_service(raw):
            service = upgrade("service", raw, batch.name, path, batch.problems)
            batch.records += 1
            parent = service.pop("organization", None)
            if isinstance(parent, dict) and parent.get("id"):
                parent = {**parent, "_source": (batch.name, f"{path}.organization")}
                parent.setdefault("services", [])
                org = organization(parent)
            elif service.get("organization_id"):
                org = organization(
                    {"id": service["organization_id"], "_reference_only": True, "services": []}
                )
            else:
                batch.problems.append(
                    Problem(
                        batch.name,
                        path,
                        "organization_id",
                        "a service needs its organization (or organization_id).",
                    )
                )
                continue
            service["_source"] = (batch.name, path)
            org.setdefault("services", []).append(service)
            # Places the service is offered at travel with it (service_at_locations[].location).
            known = {loc.get("id") for loc in org.setdefault("locations", [])}
            for link in service.get("service_at_locations") or []:
                location = link.get("location")
                if isinstance(location, dict) and location.get("id") not in known:
                    org["locations"].append(location)
                    known.add(location.get("id"))
        else:
            org = upgrade("organization", raw, batch.name, path, batch.problems)
            if not org:
                continue
            batch.records += 1 + len(org.get("services") or [])
            org["_source"] = (batch.name, path)
            for m, service in enumerate(org.get("services") or [], 1):
                if isinstance(service, dict):
                    service["_source"] = (batch.name, f"{path}.services[{m}]")
            existing = organizations.get(org.get("id"))
            if existing is not None and existing.get("_reference_only"):
                org["services"] = (org.get("services") or []) + existing["services"]
                organizations[org["id"]] = org
            else:
                organization(org)
    batch.organizations = [organizations[key] for key in order]


# -- datapackage zip ---------------------------------------------------------------------------


def _read_zip(batch, data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    except zipfile.BadZipFile:
        batch.problems.append(Problem(batch.name, "", "", "is not a readable zip file."))
        return
    unpacked = sum(info.file_size for info in members.values())
    if unpacked > 5 * max_bytes():
        batch.problems.append(
            Problem(
                batch.name,
                "",
                "",
                f"would unpack to {_megabytes(unpacked)}; that is more than this import reads.",
            )
        )
        return
    descriptors = [name for name in members if PurePosixPath(name).name == "datapackage.json"]
    if not descriptors:
        batch.problems.append(
            Problem(
                batch.name,
                "",
                "datapackage.json",
                "is missing: an HSDS datapackage zip lists its CSV files there.",
            )
        )
        return
    descriptor = min(descriptors, key=len)
    root = str(PurePosixPath(descriptor).parent)
    prefix = "" if root == "." else root + "/"
    try:
        package = json.loads(archive.read(descriptor).decode("utf-8-sig"))
        listed = {r["name"]: r["path"] for r in package["resources"]}
    except (ValueError, KeyError, TypeError, zipfile.BadZipFile, zlib.error, RuntimeError) as exc:
        batch.problems.append(
            Problem(batch.name, "", descriptor, f"is not a datapackage description ({exc}).")
        )
        return
    tables, paths = {}, {}
    official = tabular.resources()
    for name, path in listed.items():
        if name not in official:
            batch.problems.append(
                Problem(descriptor, "", name, "is not an HSDS 3.0 resource; its file is not read.")
            )
            continue
        member = prefix + path
        paths[name] = path
        if member not in members:
            continue  # a resource without its file: no rows (HSDS packages often leave tables out)
        try:
            raw = archive.read(member)
        except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError) as exc:  # damaged or encrypted
            batch.problems.append(Problem(batch.name, "", path, f"cannot be unpacked ({exc})."))
            continue
        text = _decode_member(batch, path, raw)
        if text is None:
            continue
        reader = csv.DictReader(io.StringIO(text))
        rows = [(n, row) for n, row in enumerate(reader, 2)]
        tables[name] = tabular.typed_rows(name, rows, path, batch.problems)
    paths = {name: paths.get(name, resource["path"]) for name, resource in official.items()}
    tabular.check_foreign_keys(tables, paths, batch.problems)
    if "organization" not in tables:
        batch.problems.append(Problem(batch.name, "", "organizations.csv", "is missing: nothing to import."))
        return
    batch.organizations = tabular.nest(tables)
    batch.records = len(tables.get("organization", [])) + len(tables.get("service", []))


def _decode_member(batch, path, data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        batch.problems.append(Problem(path, "", "", f"is not UTF-8 text (byte {exc.start})."))
        return None
