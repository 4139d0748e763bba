from django import template

from ..hotlines import national_hotlines as _national_hotlines

register = template.Library()


@register.simple_tag
def national_hotlines(country_code=None):
    """{% national_hotlines "KH" as hotlines %}: see directory/hotlines.py."""
    return _national_hotlines(country_code or None)
