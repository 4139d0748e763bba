"""The referral list page (/directory/list/?o=<uuid>&s=<uuid>...): the entries a visitor collected,
as the viewer's own tier may see them, printable on one dated A4 page and shareable as a link of
ids. Read-only (GET); the list itself lives in the visitor's browser and in the URL, never here.
"""

from urllib.parse import quote

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.directory import record_referral_list
from services_map.pack import qr_svg

from ..referral_list import MAX_ENTRIES, list_query, parse_list, resolve_list

LIST_QR_MAX_CHARS = 300  # about six entries


@require_GET
def referral_list(request):
    parsed = parse_list(request.META.get("QUERY_STRING", ""))
    resolved = resolve_list(parsed.refs, request.user, request.build_absolute_uri)
    base = reverse("directory:referral_list")
    share_url = ""
    if resolved.entries:
        # Only the ids of what is shown: never a name, a note or anything about a client.
        share_url = request.build_absolute_uri(f"{base}?{list_query(resolved.refs)}")
    subject = _("Referral list")
    context = {
        "entries": resolved.entries,
        "unavailable": parsed.malformed + resolved.unavailable,
        "cut": parsed.cut,
        "max_entries": MAX_ENTRIES,
        "asked": parsed.asked,
        "tier": resolved.tier,
        "is_public": resolved.is_public,
        "printed": timezone.localdate(),
        "share_url": share_url,
        # A QR code of the whole list only while it stays readable on paper (a long list's link
        # makes modules too small to scan at 2 cm); each entry has its own.
        "list_qr": qr_svg(share_url) if share_url and len(share_url) <= LIST_QR_MAX_CHARS else "",
        "site_url": request.build_absolute_uri("/"),
        "sms_href": f"sms:?body={quote(f'{subject}: {share_url}', safe='')}",
        "mailto_href": f"mailto:?subject={quote(subject, safe='')}&body={quote(share_url, safe='')}",
        "dense": len(resolved.entries) > 12,
    }
    record_referral_list(request, resolved.entries)  # lines above public, in the access log
    response = render(request, "directory/referral_list.html", context)
    if not resolved.is_public:
        # Partners-only phones: not kept by any cache on the way.
        response["Cache-Control"] = "private, no-store"
    return response
