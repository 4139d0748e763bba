"""Service families offered as "I need ..." shortcuts on the home page.

A family is a top-level service type (TaxonomyTerm without a parent: SHELTER, LEGAL, RETURN, ...).
A family is offered only while a live service of a live organization has that type or one of
its sub-types: the same services the directory's `type` facet counts (directory/searchable.py
indexes live services of live organizations with each type's ancestors), so the shortcut's link,
/directory/?type=<CODE>, finds something. Families come in the taxonomy's own order (the order of
directory/reference/taxonomy.csv, in which they are loaded: hotlines, identification, return,
reception, shelter, ...), and each is labelled in the interface language by `TaxonomyTerm.name`.

One query, kept per process for FAMILIES_SECONDS: a family that gains or loses its last live
service shows or goes within that time. Everything here is public: types of published services.
"""

import time

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat

from .models import ServiceTerm, TaxonomyTerm

FAMILIES_SECONDS = 60
_cache = {}


def _read():
    live_links = ServiceTerm.objects.filter(service__live=True, service__organization__live=True)
    sub_type = Concat(OuterRef("code"), Value("."))
    in_family = Q(term__code=OuterRef("code")) | Q(term__code__startswith=sub_type)
    return list(
        TaxonomyTerm.objects.filter(parent__isnull=True)
        .filter(Exists(live_links.filter(in_family)))
        .order_by("pk")
    )


def service_families():
    """Top-level service types with at least one live service, in the taxonomy's order."""
    now = time.monotonic()
    found = _cache.get("families")
    if found is None or found[1] < now:
        found = (_read(), now + FAMILIES_SECONDS)
        _cache["families"] = found
    return found[0]


def clear():
    """Forget the kept list (tests; after loading data in a shell)."""
    _cache.clear()
