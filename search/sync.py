"""Keep the index in step with what is published.

Wagtail's `published` and `unpublished` signals and Django's delete signals of each registered
kind's models schedule a refresh of the affected documents once the transaction commits (a
rolled-back publish never reaches the index). Saving a draft sends none of these, so drafts never
reach the index.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from wagtail.signals import published, unpublished

from . import registry

logger = logging.getLogger(__name__)
_connected = set()


def schedule(keys):
    keys = sorted(set(keys))
    if not keys:
        return

    def enqueue():
        from .tasks import refresh_documents

        try:
            refresh_documents.enqueue(keys)
        except Exception:  # a broken queue must not break publishing; a rebuild catches up
            logger.exception("Could not queue a search index refresh for %s", keys)

    transaction.on_commit(enqueue)


def _affected(instance):
    keys = set()
    for kind in registry.kinds().values():
        if isinstance(instance, tuple(kind.models)):
            try:
                keys.update(f"{k}:{i}" for k, i in kind.affected(instance))
            except Exception:
                logger.exception("Could not work out the search documents of %r", instance)
    return keys


def on_publish_change(sender, instance, **kwargs):
    schedule(_affected(instance))


def before_delete(sender, instance, **kwargs):
    instance._search_affected = _affected(instance)


def after_delete(sender, instance, **kwargs):
    schedule(getattr(instance, "_search_affected", set()) or _affected(instance))


def connect(models):
    for model in models:
        if model in _connected:
            continue
        _connected.add(model)
        uid = f"search-sync-{model._meta.label}"
        published.connect(on_publish_change, sender=model, dispatch_uid=uid + "-published")
        unpublished.connect(on_publish_change, sender=model, dispatch_uid=uid + "-unpublished")
        pre_delete.connect(before_delete, sender=model, dispatch_uid=uid + "-pre-delete")
        post_delete.connect(after_delete, sender=model, dispatch_uid=uid + "-post-delete")
