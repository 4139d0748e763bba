"""{% published_units org as units %}: the organization page's list of its departments."""

from django import template

from ..units import published_units as _published_units

register = template.Library()


@register.simple_tag
def published_units(org):
    return _published_units(org)
