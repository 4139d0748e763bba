"""Apps tell `search` what to index; `search` imports none of them.

An app subclasses `SearchKind` and registers it from its AppConfig.ready():

    search.registry.register(OrganizationKind())
    search.registry.register_facet("province", _("Province"), province_labels)
    search.registry.set_tier_resolver(allowed_tiers)

A kind builds `Document`s from its models, names the models whose publish, unpublish and delete
should refresh the index, and says which documents a changed instance affects.
"""

import time
from dataclasses import dataclass

_kinds = {}
_facets = {}
_tier_resolver = None


class SearchKind:
    name = ""  # "organization": also the ES index suffix and the `kind` facet value
    label = ""
    models = ()  # model classes whose publish/unpublish/delete refresh this kind

    def all_ids(self):
        """Ids of every document that should be in the index (published records)."""
        raise NotImplementedError

    def documents(self, ids):
        """{id: Document} for the ids that still exist and are published; missing ids are gone."""
        raise NotImplementedError

    def affected(self, instance):
        """[(kind name, id)] of the documents that change when `instance` is (un)published or
        deleted. Called before a delete, so related rows are still readable."""
        raise NotImplementedError


@dataclass
class FacetDefinition:
    name: str
    label: str
    labeller: object  # callable(values, locale) -> {value: label}
    order: int = 100
    reference_labels: bool = False


def register(kind):
    from .sync import connect

    _kinds[kind.name] = kind
    connect(kind.models)
    return kind


def unregister(name):
    _kinds.pop(name, None)


def kinds():
    return dict(_kinds)


def get_kind(name):
    return _kinds[name]


def register_facet(name, label, labeller=None, order=100, reference_labels=False):
    """`reference_labels`: the labels are public reference data (gazetteer, taxonomy, fixed
    choices), so a chosen value may keep its label even when nothing the viewer may see has it.
    Otherwise (labels from records, e.g. topics) such a value is ignored, exactly as a value that
    exists nowhere is: its label could only come from hidden records."""
    _facets[name] = FacetDefinition(
        name, label, labeller or (lambda values, locale: {}), order, reference_labels
    )


def facets():
    return dict(sorted(_facets.items(), key=lambda item: item[1].order))


LABEL_CACHE_SECONDS = 300  # labels are reference data (provinces, service types): rarely edited
_label_cache = {}


def facet_labels(name, values, locale):
    """{value: label}; looked up once and kept for a few minutes per process."""
    now = time.monotonic()
    out, missing = {}, []
    for value in values:
        cached = _label_cache.get((name, locale, value))
        if cached and cached[1] > now:
            out[value] = cached[0]
        else:
            missing.append(value)
    if missing:
        definition = _facets.get(name)
        labels = definition.labeller(missing, locale) if definition else {}
        for value in missing:
            out[value] = str(labels.get(value, value))
            _label_cache[(name, locale, value)] = (out[value], now + LABEL_CACHE_SECONDS)
    return out


def clear_label_cache():
    _label_cache.clear()


def set_tier_resolver(func):
    """func(viewer) -> list of tiers the viewer may see, e.g. ["public", "partners"]."""
    global _tier_resolver
    _tier_resolver = func


def viewer_tiers(viewer):
    if _tier_resolver is None:
        return ["public"]
    return list(_tier_resolver(viewer))
