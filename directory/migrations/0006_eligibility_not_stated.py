"""Eligibility becomes yes / no / not stated: turn the old unexamined defaults into "not stated".

The old booleans started ticked (sexes, ages) or unticked (exploitation types, migrants), so a
value equal to its old default cannot be told from one nobody examined. Rule:

- a value that differs from its old default was set on purpose (an editor unticked "serves men",
  or ticked "labour trafficking"): it keeps its meaning (False = "no", True = "yes");
- a value equal to its old default becomes "not stated" (None), and so does anything that is
  not a yes/no at all (a draft revision may hold other JSON); each of these is recorded in
  UnmappedEligibility and listed in the admin report "Eligibility not stated after migration",
  with the service's own eligibility text, for an editor to state.

Unpublished drafts (the latest revision of a service with unpublished changes) are mapped by
the same rule, so publishing an old draft cannot bring a default "yes" back.
"""

from django.db import migrations

# The defaults the fields had before this change.
OLD_DEFAULTS = {
    "serves_women": True,
    "serves_men": True,
    "serves_children": True,
    "serves_adults": True,
    "trafficking_labour": False,
    "trafficking_sexual": False,
    "trafficking_marriage": False,
    "trafficking_begging": False,
    "serves_migrants": False,
}


def map_value(field, old):
    """(new value, unmapped): the three-state value for an old stored value of `field`."""
    if old is None:
        return None, False  # already "not stated"
    if not isinstance(old, bool):
        return None, True  # not a yes/no: cannot be mapped
    if old == OLD_DEFAULTS[field]:
        return None, True  # indistinguishable from a default nobody examined
    return old, False


def forward(apps, schema_editor):
    Service = apps.get_model("directory", "Service")
    Unmapped = apps.get_model("directory", "UnmappedEligibility")
    fields = list(OLD_DEFAULTS)
    changed, gaps = [], []
    for service in Service.objects.only("pk", *fields).iterator(chunk_size=500):
        for field in fields:
            old = getattr(service, field)
            new, unmapped = map_value(field, old)
            setattr(service, field, new)
            if unmapped:
                gaps.append(Unmapped(service_id=service.pk, field=field, old_value=str(old)[:40]))
        changed.append(service)
    Service.objects.bulk_update(changed, fields, batch_size=500)
    Unmapped.objects.bulk_create(gaps, batch_size=1000, ignore_conflicts=True)
    _migrate_drafts(apps, fields)


def _migrate_drafts(apps, fields):
    Service = apps.get_model("directory", "Service")
    Unmapped = apps.get_model("directory", "UnmappedEligibility")
    drafts = Service.objects.filter(has_unpublished_changes=True, latest_revision__isnull=False)
    gaps = []
    for service in drafts.select_related("latest_revision").iterator(chunk_size=200):
        revision = service.latest_revision
        content = dict(revision.content or {})
        touched = False
        for field in fields:
            if field not in content:
                continue
            new, unmapped = map_value(field, content[field])
            if unmapped:
                old = str(content[field])[:40]
                gaps.append(Unmapped(service_id=service.pk, field=field, old_value=old, draft=True))
            if content[field] != new or unmapped:
                content[field] = new
                touched = True
        if touched:
            revision.content = content
            revision.save(update_fields=["content"])
    Unmapped.objects.bulk_create(gaps, batch_size=1000, ignore_conflicts=True)


def backward(apps, schema_editor):
    """"Not stated" goes back to the old default; the unmapped list is emptied."""
    Service = apps.get_model("directory", "Service")
    for field, default in OLD_DEFAULTS.items():
        Service.objects.filter(**{f"{field}__isnull": True}).update(**{field: default})
    apps.get_model("directory", "UnmappedEligibility").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_three_state_eligibility_phone_short_codes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forward, backward)]
