"""Khmer (and later other) copies of organizations and services.

Editors create a translation with Wagtail's "Translate" action
(``wagtail.contrib.simple_translation``), which copies the object, its inline children and its
latest draft into the new locale. For directory snippets the copy is adjusted before it is
saved:

* it starts as an unpublished draft, whatever the state of the source: the text is still in
  English and must not appear on the Khmer site until a moderator publishes it;
* it carries over no lock, no publishing dates and no pointer to the source's live revision;
* a service points at the translation of its organization when there is one, and its
  "where it is offered" links are moved to the matching locations of that translation.
"""

from wagtail.signals import copy_for_translation_done

from ..models import Organization, Service


def _reset_draft_state(obj):
    obj.live = False
    obj.has_unpublished_changes = True
    obj.live_revision = None
    obj.latest_revision = None
    obj.first_published_at = None
    obj.last_published_at = None
    obj.go_live_at = None
    obj.expire_at = None
    obj.expired = False
    obj.locked = False
    obj.locked_at = None
    obj.locked_by = None


def _relink_service(source, target):
    try:
        organization = source.organization.get_translation(target.locale)
    except Organization.DoesNotExist:
        return
    target.organization = organization
    candidates = list(organization.locations.all())
    links = []
    for link in target.service_at_locations.all():
        original = link.location
        match = next(
            (
                loc
                for loc in candidates
                if loc.sort_order == original.sort_order
                and loc.area_id == original.area_id
                and loc.location_type == original.location_type
            ),
            None,
        )
        if match is not None:
            link.location = match
            links.append(link)
    target.service_at_locations = links


def prepare_translation_copy(sender, source_obj, target_obj, **kwargs):
    if not isinstance(target_obj, (Organization, Service)):
        return
    _reset_draft_state(target_obj)
    if isinstance(target_obj, Service):
        _relink_service(source_obj, target_obj)


def connect_translation_signals():
    copy_for_translation_done.connect(
        prepare_translation_copy, dispatch_uid="directory.prepare_translation_copy"
    )
