"""Place a location by clicking a map in its edit form (the organization's Locations tab).

MapPickerPanel draws a Leaflet map (from our static files: node_modules/leaflet through
STATICFILES_DIRS, as the public map) under the latitude and longitude fields of the same inline
row; clicking it fills both fields, typing in them moves the marker. The fields stay the record:
saving runs the model's checks as before (a point outside the location's country is refused by
directory.validators.validate_coordinates). portal/static/portal/js/map-picker.js does the
browser part, loaded as a file (the admin's CSP runs no inline script); tiles come from
MAP_TILE_URL, whose origin the admin's CSP allows as images. Without tiles the map is blank but
clicking still works, and Cambodia's province names are drawn at their centres to aim by (the
public map's fallback too).

The assets ride on the latitude widget (MapPointInput): a panel inside an InlinePanel row does
not contribute media to the page, a form field's widget does (formset media).
"""

from django import forms
from django.conf import settings
from wagtail.admin.panels import Panel


def province_labels():
    """[[name, latitude, longitude]] of Cambodia's provinces, for a map without tiles."""
    from ..models import Area

    rows = Area.objects.provinces().filter(country__key="KH", latitude__isnull=False, longitude__isnull=False)
    return [[name, lat, lng] for name, lat, lng in rows.values_list("name_en", "latitude", "longitude")]


class MapPointInput(forms.NumberInput):
    """The latitude input, unchanged; it brings Leaflet and the picker script to the page."""

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css"]}
        js = ["vendor/leaflet/leaflet.js", "portal/js/map-picker.js"]


class MapPickerPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtailadmin/panels/map_picker.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(
                form_prefix=self.form.prefix or "",
                province_labels=province_labels(),
                tile_url=settings.MAP_TILE_URL,
                tile_attribution=settings.MAP_TILE_ATTRIBUTION,
                tile_max_zoom=settings.MAP_TILE_MAX_ZOOM,
            )
            return context
