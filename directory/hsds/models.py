"""Tombstones: what an incremental (`modified_after`) HSDS client must delete on its side."""

from django.db import models


class Tombstone(models.Model):
    """An HSDS record that left the public API: deleted, or unpublished (its organization too).

    One row per record id; a record published again loses its tombstone (its `last_modified`
    then tells clients to fetch it)."""

    class RecordType(models.TextChoices):
        ORGANIZATION = "organization"
        SERVICE = "service"
        SERVICE_AT_LOCATION = "service_at_location"

    class Reason(models.TextChoices):
        DELETED = "deleted"
        UNPUBLISHED = "unpublished"

    record_type = models.CharField(max_length=24, choices=RecordType.choices)
    record_id = models.UUIDField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    removed_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="hsds_one_tombstone")
        ]
        ordering = ["removed_at", "pk"]

    def __str__(self):
        return f"{self.record_type} {self.record_id} ({self.reason})"
