"""The access log: who saw partners-tier or restricted data, when, which record, at which tier.

Views call `record()` where they decide the viewer's tier; it only appends to a list on the
request (no query). `audit.middleware.AccessLogMiddleware` writes the request's list with one
bulk insert after the view has answered, and a failure there is logged, never shown: the page
is served either way. A view at the public tier records nothing.
"""

from django.utils import timezone

from portal.device_position import path_without_position

PUBLIC = "public"
REQUEST_ATTRIBUTE = "_access_log"


def record(request, kind, object_id, tier, organization=None, label=""):
    """Note that the viewer of `request` was shown `object_id` (of `kind`, an AccessKind value)
    at `tier`. `organization`: the Organization the record belongs to (its translation key is
    kept, so the organization's members see the entry), or None."""
    if request is None or str(tier) == PUBLIC:
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    entries = request.__dict__.setdefault(REQUEST_ATTRIBUTE, [])
    entries.append(
        {
            "viewed_at": timezone.now(),
            "user_id": user.pk,
            "username": user.get_username()[:150],
            "kind": str(kind),
            "object_id": str(object_id)[:64],
            "label": str(label or "")[:255],
            "tier": str(tier),
            "organization_key": getattr(organization, "translation_key", None),
            "path": path_without_position(request)[:500],  # never a device position
        }
    )


def pending(request):
    """The entries `record` noted for this request and not yet written."""
    return request.__dict__.get(REQUEST_ATTRIBUTE, [])
