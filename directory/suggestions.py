"""The public "suggest an update" form: cleaning, rate limiting and telling the steward.

Whatever a visitor types is reduced to plain text with ``nh3`` (every tag is removed; the
content of ``script`` and ``style`` goes too) and stripped of control characters before it is
stored. A suggestion is never published: it waits in the admin queue for an editor.
"""

import hashlib
import html
import logging
import unicodedata

import nh3
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.client import client_address

from .models.stewardship import SUGGESTION_MAX_LENGTH, UpdateSuggestion

logger = logging.getLogger("directory.suggestions")

KEEP_CONTROLS = {"\n", "\t"}


def plain_text(value):
    """Visitor input as plain text: no markup, no control characters, Unix line ends."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    for _round in range(5):  # entities can hide markup ("&lt;script&gt;"): clean until stable
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    text = "".join(ch for ch in text if ch in KEEP_CONTROLS or unicodedata.category(ch) != "Cc")
    return text.strip()


class SuggestionForm(forms.Form):
    message = forms.CharField(
        label=_("What should change?"),
        max_length=SUGGESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": SUGGESTION_MAX_LENGTH}),
        help_text=_(
            "A new phone number, a service that stopped, a wrong address… "
            "Do not write anything about a survivor or a case."
        ),
        error_messages={
            "required": _("Write what should change."),
            "max_length": _("Keep it under %(limit_value)d characters (this has %(show_value)d)."),
        },
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        max_length=254,
        help_text=_("Only editors see it, to ask you a question."),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling robots.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def clean_message(self):
        message = plain_text(self.cleaned_data["message"])
        if not message:
            raise forms.ValidationError(_("Write what should change, in words (markup is removed)."))
        return message

    def clean_name(self):
        return plain_text(self.cleaned_data["name"])

    @property
    def is_robot(self):
        return bool(self.cleaned_data.get("website"))


# --- rate limit --------------------------------------------------------------------------------


def client_key(request):
    """A cache key per client: a salted hash of its address (the address itself is not kept).
    Behind the proxy the address is the visitor's, not the proxy's (portal.client)."""
    address = client_address(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:suggest:{address}".encode()).hexdigest()[:32]
    return f"directory:suggest:{digest}"


def over_limit(request):
    """Count this attempt; True when the client made more than the allowed number within the
    window (``DIRECTORY_SUGGESTION_RATE_LIMIT`` per ``DIRECTORY_SUGGESTION_RATE_WINDOW_SECONDS``).
    The count lives in the default cache, which is Redis (shared by every gunicorn worker) when
    REDIS_URL is set; incr is atomic there.

    With Redis down the limit fails open (portal/cache.py answers every call as a miss, so each
    attempt counts as the first): the form is public and moderated, and refusing every
    suggestion while the cache is down would be worse. Each such request is logged."""
    if getattr(cache, "is_down", False):
        logger.warning("Suggestion rate limit not applied: the cache is down")
        return False
    key = client_key(request)
    window = settings.DIRECTORY_SUGGESTION_RATE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
        if getattr(cache, "is_down", False):  # it went down during this request
            logger.warning("Suggestion rate limit not applied: the cache is down")
    return count > settings.DIRECTORY_SUGGESTION_RATE_LIMIT


# --- storing and telling the steward -------------------------------------------------------


def save_suggestion(organization, form):
    suggestion = UpdateSuggestion(
        organization=organization,
        message=form.cleaned_data["message"],
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
    )
    suggestion.full_clean()
    suggestion.save()
    notify_steward(suggestion)
    return suggestion


def _recipient(organization):
    for user in (organization.steward, organization.deputy):
        if user is not None and user.is_active and user.email:
            return user.email
    return None


def notify_steward(suggestion):
    """E-mail the organization's steward (or deputy) that a suggestion is waiting. A failure is
    logged; the suggestion is stored either way and shows in the admin queue."""
    organization = suggestion.organization
    recipient = _recipient(organization)
    if recipient is None:
        return False
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    queue = base + reverse("wagtailsnippets_directory_updatesuggestion:edit", args=[suggestion.pk])
    body = "\n".join(
        [
            f"A visitor suggested an update to {organization.name}:",
            "",
            suggestion.message,
            "",
            f"From: {suggestion.contact or 'anonymous'}",
            "",
            "Nothing is published until an editor changes the entry. Review it here:",
            queue,
        ]
    )
    try:
        send_mail(
            f"[{settings.WAGTAIL_SITE_NAME}] Update suggested for {organization.name}",
            body,
            None,
            [recipient],
        )
    except Exception as exc:
        logger.error(
            "Could not e-mail suggestion %s to %s (%s: %s)", suggestion.pk, recipient, type(exc).__name__, exc
        )
        return False
    return True
