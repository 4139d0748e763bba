"""Locations (HSDS location + address). The exact address and point carry a visibility tier;
the area (district or province) is always public, so a shelter can be found without being
located."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

from .. import visibility as rules  # the confidentiality rule lives there, once
from ..validators import validate_coordinates, validate_plain_text
from .choices import LocationType, Visibility


class Location(Orderable):
    organization = ParentalKey("directory.Organization", on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200, validators=[validate_plain_text])
    location_type = models.CharField(max_length=20, choices=LocationType.choices, default=LocationType.OFFICE)
    area = models.ForeignKey(
        "directory.Area",
        on_delete=models.PROTECT,
        related_name="locations",
        help_text=_("District or province. Always shown, also for confidential locations."),
    )
    address = models.TextField(blank=True, validators=[validate_plain_text])
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    point_is_approximate = models.BooleanField(
        _("approximate point"),
        default=False,
        help_text=_(
            "Tick when the point marks the town or province seat rather than the address (the demo "
            "data's points come from a gazetteer). Pages, the map and HSDS say so."
        ),
    )
    visibility = models.CharField(
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Who may see the street address and map point. Shelters are never public."),
    )
    directions = models.TextField(blank=True, validators=[validate_plain_text])
    accessibility = models.TextField(blank=True, validators=[validate_plain_text])

    class Meta(Orderable.Meta):
        verbose_name = _("location")

    def __str__(self):
        return f"{self.name} ({self.area.name_en})" if self.area_id else self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.visibility == Visibility.PUBLIC:
            offers = bool(self.pk) and self.pk in rules.locations_offering_confidential_services([self.pk])
            if rules.is_confidential(self.location_type, offers):
                errors["visibility"] = (
                    _(
                        "Shelter addresses are never public: choose Partners or Restricted. "
                        "The public sees the district or province only."
                    )
                    if rules.is_confidential(self.location_type, False)
                    else _(
                        "A shelter service is offered here, so this address is never public: choose "
                        "Partners or Restricted. The public sees the district or province only."
                    )
                )
        country = self.area.country_code if self.area_id else None
        errors.update(validate_coordinates(self.latitude, self.longitude, country))
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Safety net beneath the form validation: a shelter never becomes public by any path.
        # (A place confidential through its services keeps its row; every view applies the
        # effective visibility, and the admin report "Confidential but marked public" lists it.)
        self.visibility = rules.effective_visibility(self.location_type, self.visibility)
        super().save(*args, **kwargs)

    @property
    def has_point(self):
        return self.latitude is not None and self.longitude is not None
