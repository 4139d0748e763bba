"""The whole directory as an HSDS 3.0 tabular datapackage (a zip of CSV files and the official
``datapackage.json``) or as NDJSON (one full organization per line).

Public tier only, whoever asks: every record is built by ``serialize.organization`` from the
public projection of ``directory.visibility`` (no partners-only phone, e-mail or contact, no
address or point of a confidential place). English (the default locale).

The zip is kept in the shared cache under a fingerprint of what is published (how many
organizations and services are live, the sum of their live revision ids, the newest change),
so a publish, unpublish or deletion anywhere makes the next request build a fresh one (a change
to reference data alone, an area's or a service type's name, shows within a day); building it takes a
few seconds for the whole directory, serving it from the cache none.
"""

import csv
import hashlib
import io
import json
import zipfile

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from ..models import Service, TaxonomyTerm, Visibility
from . import serialize, tabular

CACHE_SECONDS = 24 * 3600
FILENAME = "datapackage.zip"


def organization(org, tier=Visibility.PUBLIC, base_url=""):
    return serialize.organization(org, tier, base_url=base_url)


def public_organizations(base_url=""):
    """Every published organization as the public sees it, in a stable order."""
    for org in serialize.published_organizations().order_by("name", "pk").prefetch_related("identifiers"):
        yield organization(org, Visibility.PUBLIC, base_url)


def _csv(rows, names):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def tables(base_url=""):
    terms = [serialize.taxonomy_term(term, "en") for term in TaxonomyTerm.objects.order_by("code")]
    return tabular.flatten(public_organizations(base_url), serialize.taxonomies(), terms)


def build_zip(base_url=""):
    """The datapackage zip (bytes): every resource of the official package, header-only when
    the directory has no rows for it, beside the official ``datapackage.json``."""
    rows = tables(base_url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", tabular.DATAPACKAGE_PATH.read_bytes())
        for name, resource in tabular.resources().items():
            archive.writestr(resource["path"], _csv(rows[name], tabular.field_names(name)))
    return buffer.getvalue()


def build_ndjson(base_url=""):
    lines = (json.dumps(org, ensure_ascii=False, sort_keys=False) for org in public_organizations(base_url))
    return ("\n".join(lines) + "\n").encode("utf-8")


def fingerprint():
    """Changes whenever anything is published, unpublished or deleted."""
    parts = []
    for model in (serialize.Organization, Service):
        live = model.objects.filter(live=True).aggregate(
            n=Count("pk"), revisions=Sum("live_revision_id"), last=Max("updated_at"), top=Max("pk")
        )
        last = live["last"].timestamp() if live["last"] else 0
        parts.append(f"{live['n']}.{live['revisions'] or 0}.{live['top'] or 0}.{last:.6f}")
    return hashlib.sha256("-".join(parts).encode()).hexdigest()[:24]


def cached_zip(base_url=""):
    """(zip bytes, fingerprint): from the shared cache when nothing was published since."""
    stamp = fingerprint()
    key = f"hsds:datapackage:{stamp}:{base_url}"
    data = cache.get(key)
    if data is None:
        data = build_zip(base_url)
        cache.set(key, data, CACHE_SECONDS)
    return data, stamp
