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


class MapFeatures(models.Model):
    """One service's GeoJSON features as one tier sees them (`services_map.features`): the
    drawn points, approximate flags, names and phones of that tier, with the words that depend
    on the language (area labels, location types, notes, channels, the link's prefix) and on
    the day (freshness, days since verified) left as markers filled in when read. A tier's
    row holds nothing that tier may not see; members of an organization never read these."""

    tier = models.CharField(max_length=16)
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    organization_id = models.IntegerField(db_index=True)
    # The features, separated by "\\x02", with "\\x01KEY\\x01" markers ("" when off the map).
    features = models.TextField(blank=True)
    approximate_only = models.BooleanField(default=False)  # every place is approximate
    # Two features share a point: whether they are one marker depends on the words (per language).
    recheck = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tier", "service"], name="map_features_tier_service")]

    def __str__(self):
        return f"map features of service {self.service_id} ({self.tier})"


class MapPoint(models.Model):
    """The point of feature `position` of a MapFeatures row: a boxed map is an indexed range."""

    tier = models.CharField(max_length=16)
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    organization_id = models.IntegerField(db_index=True)
    position = models.PositiveSmallIntegerField()
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["tier", "latitude", "longitude"], name="map_point_box")]

    def __str__(self):
        return f"point {self.position} of service {self.service_id} ({self.tier})"


class MapFeaturesRules(models.Model):
    """Which rules the stored map features were made by (`features.rules_key`): read before the
    features are, so a change of the confidential service types rebuilds them all first."""

    key = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.key or "(none)"
