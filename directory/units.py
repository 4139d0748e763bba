"""An organization's units (HSDS parent_organization_id pointing at it): the departments and
provincial offices a ministry page lists. Only published units are listed, so a draft or
unpublished department never appears on its ministry's page, for any viewer."""

from wagtail.models import Locale

from .models import Organization
from .translations import localize_organizations


def published_units(org):
    """Live units of `org` (any of its translations), named in the interface language."""
    units = (
        Organization.objects.filter(
            live=True,
            locale=Locale.get_default(),
            parent_organization__translation_key=org.translation_key,
        )
        .exclude(translation_key=org.translation_key)
        .select_related("area", "area__province", "country")
        .order_by("name", "pk")
    )
    return localize_organizations(units)
