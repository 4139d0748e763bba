from django import template

from ..hotlines import national_hotlines as _national_hotlines

register = template.Library()


@register.simple_tag
def national_hotlines(country_code=None, verified_only=False):
    """{% national_hotlines "KH" as hotlines %}: see directory/hotlines.py. The home page passes
    verified_only=True: only numbers entered and verified."""
    return _national_hotlines(country_code or None, verified_only=verified_only)
