"""POST /directory/<slug>/suggest/: a visitor's "suggest an update" (see directory/suggestions.py).

Protected by Django's CSRF check, a per-client rate limit and a honeypot field. A valid
suggestion is stored for editors and the visitor is redirected back to the page with a thank-you
(post/redirect/get); an invalid one re-renders the page with the errors next to the fields.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Locale

from ..models import Organization
from ..suggestions import SuggestionForm, over_limit, save_suggestion
from ..visibility import viewer_tier
from .detail import get_published_organization, organization_context, share_links

ANCHOR = "#suggest"


def _source(org):
    """Suggestions go to the default-language entry, where the steward works."""
    if org.locale_id == Locale.get_default().pk:
        return org
    return (
        Organization.objects.filter(translation_key=org.translation_key, locale=Locale.get_default()).first()
        or org
    )


@require_http_methods(["GET", "POST"])
def suggest_update(request, slug):
    org = get_published_organization(slug)
    if request.method == "GET":
        return redirect(org.get_absolute_url() + ANCHOR)
    if over_limit(request):
        window_minutes = max(settings.DIRECTORY_SUGGESTION_RATE_WINDOW_SECONDS // 60, 1)
        response = render(
            request,
            "directory/suggestion_limited.html",
            {"org": org, "limit": settings.DIRECTORY_SUGGESTION_RATE_LIMIT, "minutes": window_minutes},
            status=429,
        )
        response["Retry-After"] = str(settings.DIRECTORY_SUGGESTION_RATE_WINDOW_SECONDS)
        return response
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        context = organization_context(org, viewer_tier(request.user, org), slug)
        context["suggestion_form"] = form
        context["share"] = share_links(org.name, request.build_absolute_uri(org.get_absolute_url()))
        return render(request, "directory/organization_detail.html", context, status=400)
    if not form.is_robot:
        save_suggestion(_source(org), form)
    messages.success(
        request,
        _("Thank you. Your suggestion was sent to the editors, who will check it before changing the entry."),
        extra_tags="suggestion",
    )
    return redirect(org.get_absolute_url() + ANCHOR)
