"""Keep `Tombstone` rows in step with what the API publishes.

Only default-locale organizations and services carry HSDS ids (their translation keys), so only
they leave tombstones. A record leaves the API when it is deleted or stops being live; an
organization that leaves takes its services and their service_at_locations with it. A record
that is live again loses its tombstone."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Locale

from .models import Tombstone


def _is_default(record):
    try:
        return record.locale_id == Locale.get_default().pk
    except Locale.DoesNotExist:
        return False


def bury(record_type, record_id, reason):
    Tombstone.objects.update_or_create(
        record_type=record_type, record_id=record_id, defaults={"reason": reason}
    )


def _bury_links(service, reason):
    from . import serialize

    org = service.organization
    for link in service.service_at_locations.all():
        bury(Tombstone.RecordType.SERVICE_AT_LOCATION, serialize.service_at_location_id(org, link.pk), reason)


def _bury_service(service, reason):
    bury(Tombstone.RecordType.SERVICE, service.translation_key, reason)
    _bury_links(service, reason)


def _bury_organization(org, reason):
    bury(Tombstone.RecordType.ORGANIZATION, org.translation_key, reason)
    for service in org.services.filter(locale=org.locale):
        _bury_service(service, reason)


def _raise(record_type, record):
    Tombstone.objects.filter(record_type=record_type, record_id=record.translation_key).delete()


def _raise_organization(org):
    """Published again: the organization, and the live services (and their service_at_locations)
    that had left with it, are back."""
    from . import serialize

    _raise(Tombstone.RecordType.ORGANIZATION, org)
    services = list(org.services.filter(locale=org.locale, live=True))
    links = [
        serialize.service_at_location_id(org, pk)
        for service in services
        for pk in service.service_at_locations.values_list("pk", flat=True)
    ]
    Tombstone.objects.filter(
        record_type=Tombstone.RecordType.SERVICE, record_id__in=[s.translation_key for s in services]
    ).delete()
    links_back = Tombstone.objects.filter(record_type=Tombstone.RecordType.SERVICE_AT_LOCATION)
    links_back.filter(record_id__in=links).delete()


def _remember_live(sender, instance, **kwargs):
    if instance.pk:
        instance._hsds_was_live = sender.objects.filter(pk=instance.pk, live=True).exists()


def _organization_saved(sender, instance, **kwargs):
    if not _is_default(instance):
        return
    if instance.live:
        if getattr(instance, "_hsds_was_live", True) is False:
            _raise_organization(instance)
    elif getattr(instance, "_hsds_was_live", False):
        _bury_organization(instance, Tombstone.Reason.UNPUBLISHED)


def _service_saved(sender, instance, **kwargs):
    if not _is_default(instance):
        return
    if instance.live:
        _raise(Tombstone.RecordType.SERVICE, instance)
    elif getattr(instance, "_hsds_was_live", False):
        _bury_service(instance, Tombstone.Reason.UNPUBLISHED)


def _organization_deleted(sender, instance, **kwargs):
    if _is_default(instance):
        bury(Tombstone.RecordType.ORGANIZATION, instance.translation_key, Tombstone.Reason.DELETED)


def _service_deleted(sender, instance, **kwargs):
    if _is_default(instance):
        bury(Tombstone.RecordType.SERVICE, instance.translation_key, Tombstone.Reason.DELETED)


def _service_deleting(sender, instance, **kwargs):
    # Before the cascade: its service_at_locations still know their organization.
    if _is_default(instance):
        _bury_links(instance, Tombstone.Reason.DELETED)


def _link_deleted(sender, instance, **kwargs):
    from . import serialize

    try:
        service = instance.service
        org = service.organization
    except Exception:  # deleted with its service or organization: their tombstones cover it
        return
    if _is_default(service):
        bury(
            Tombstone.RecordType.SERVICE_AT_LOCATION,
            serialize.service_at_location_id(org, instance.pk),
            Tombstone.Reason.DELETED,
        )


def connect():
    from directory.models import Organization, Service, ServiceAtLocation

    for model in (Organization, Service):
        pre_save.connect(_remember_live, sender=model, dispatch_uid=f"hsds-live-{model.__name__}")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid="hsds-org-saved")
    post_save.connect(_service_saved, sender=Service, dispatch_uid="hsds-service-saved")
    post_delete.connect(_organization_deleted, sender=Organization, dispatch_uid="hsds-org-deleted")
    post_delete.connect(_service_deleted, sender=Service, dispatch_uid="hsds-service-deleted")
    pre_delete.connect(_service_deleting, sender=Service, dispatch_uid="hsds-service-deleting")
    post_delete.connect(_link_deleted, sender=ServiceAtLocation, dispatch_uid="hsds-link-deleted")
