"""Who may see what. Every view, export and feed asks this module; nothing decides on its own.

Tiers: anonymous visitors see `public`; members of the Partners group see `partners`;
editors (users who can open the Wagtail admin) see `restricted`, and so do an organization's
own members (OrganizationMember), for that organization only.
"""

from django.conf import settings

from .models.choices import TIER_ORDER, Visibility


def viewer_tier(user, organization=None):
    """The viewer's tier, site-wide, or for one organization's details when it is given."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Visibility.PUBLIC
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return Visibility.RESTRICTED
    if organization is not None and is_member(user, organization):
        return Visibility.RESTRICTED
    if user.groups.filter(name=settings.DIRECTORY_PARTNER_GROUP).exists():
        return Visibility.PARTNERS
    return Visibility.PUBLIC


def is_member(user, organization):
    """Membership follows the organization across its translations (same translation_key),
    and counts only while the organization is published with that member on it."""
    from .models import OrganizationMember

    return OrganizationMember.objects.filter(
        user=user, organization__translation_key=organization.translation_key, organization__live=True
    ).exists()


def allowed_tiers(tier):
    """The tiers a viewer at `tier` may see, e.g. partners -> [public, partners]."""
    return [t.value for t in TIER_ORDER[: TIER_ORDER.index(Visibility(tier)) + 1]]


def can_see(tier, item_visibility):
    return item_visibility in allowed_tiers(tier)


def visible(queryset, tier, field="visibility"):
    return queryset.filter(**{f"{field}__in": allowed_tiers(tier)})
