"""Keep the database engine's index in step with plain saves in tests that read the directory
listing or the map (both count on the index): any save or delete of a directory record marks
the index stale, and the next request rebuilds it first."""

import contextlib

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save

from directory.models import (
    Location,
    Organization,
    OrganizationName,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTerm,
)

MODELS = (
    Organization,
    OrganizationName,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTerm,
)


@contextlib.contextmanager
def index_follows_saves():
    state = {"stale": True}

    def mark(sender, **kwargs):
        state["stale"] = True

    def rebuild(sender, **kwargs):
        if state["stale"]:
            from search import api
            from search.engines import database_engine

            state["stale"] = False
            api.rebuild(database_engine(), ["organization", "service"])

    for model in MODELS:
        post_save.connect(mark, sender=model, weak=False, dispatch_uid=f"index-sync-save-{model.__name__}")
        post_delete.connect(mark, sender=model, weak=False, dispatch_uid=f"index-sync-delete-{model.__name__}")
    request_started.connect(rebuild, weak=False, dispatch_uid="index-sync-request")
    try:
        yield rebuild
    finally:
        for model in MODELS:
            post_save.disconnect(sender=model, dispatch_uid=f"index-sync-save-{model.__name__}")
            post_delete.disconnect(sender=model, dispatch_uid=f"index-sync-delete-{model.__name__}")
        request_started.disconnect(dispatch_uid="index-sync-request")
