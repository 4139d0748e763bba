"""Who may see what. Every view, export and feed asks this module; nothing decides on its own.

Tiers: anonymous visitors see `public`; members of the Partners group see `partners`;
editors (users who can open the Wagtail admin) see `restricted`.
"""

from django.conf import settings

from .models.choices import TIER_ORDER, Visibility


def viewer_tier(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return Visibility.PUBLIC
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return Visibility.RESTRICTED
    if user.groups.filter(name=settings.DIRECTORY_PARTNER_GROUP).exists():
        return Visibility.PARTNERS
    return Visibility.PUBLIC


def allowed_tiers(tier):
    """The tiers a viewer at `tier` may see, e.g. partners -> [public, partners]."""
    return [t.value for t in TIER_ORDER[: TIER_ORDER.index(Visibility(tier)) + 1]]


def can_see(tier, item_visibility):
    return item_visibility in allowed_tiers(tier)


def visible(queryset, tier, field="visibility"):
    return queryset.filter(**{f"{field}__in": allowed_tiers(tier)})
