"""Coverage rows: where each service is based and whom it serves, worked out once and stored.

`services_map.stored` fills these from `coverage.service_places` (the one rule) and keeps them
current; the coverage pages read them instead of deriving 20,000 services' places on every
request. Only places are stored: whether a service is active and whether it is verified are
read from the service itself at query time, so a publish, an unpublish or a verification
(a queryset update) can never leave a stale count behind.
"""

from django.db import models


class CoverageRow(models.Model):
    """One (service, province or country, service family): the service counts in that cell.

    `based`: a location of the service is there (else it only reaches it). `family` is a top
    taxonomy code, "" for a service without service types (counted in no cell, but still in
    the area). A nationwide service has a row in every province of its country. The areas are
    the ones every viewer is shown (`directory.visibility.area_shown`, district or province),
    so the rows hold nothing a public viewer may not read."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    # Whose refresh rebuilds the row (every input of a service's places is its organization's).
    organization_id = models.IntegerField(db_index=True)
    area_id = models.IntegerField()
    family = models.CharField(max_length=64, blank=True)
    based = models.BooleanField()
    nationwide = models.BooleanField(default=False)

    class Meta:
        # Covers the matrix's GROUP BY (read in index order, no table rows) and an area's rows.
        indexes = [models.Index(fields=["area_id", "family", "based", "service"], name="coverage_row_cell")]

    def __str__(self):
        return f"service {self.service_id} in area {self.area_id} ({self.family or '-'})"


class CoveragePending(models.Model):
    """An organization whose coverage rows must be rebuilt before the next read (0: all of
    them, after an area or a service type changed). Written in the same transaction as the
    change that makes the rows stale, so a rolled-back change leaves no mark and a committed one
    is never missed; read and cleared by `stored.refresh_pending`."""

    organization_id = models.IntegerField()

    def __str__(self):
        return f"coverage of organization {self.organization_id or 'all'} pending"
