"""What the referral-list script needs from the server: its page's address in the interface
language and its labels, as a JSON data block (`json_script`: never executed, so the public
pages' script-src 'self' policy stands)."""

from django import template
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _

from ..referral_list import MAX_ENTRIES

register = template.Library()


@register.simple_tag
def referral_list_config():
    return json_script(
        {
            "url": reverse("directory:referral_list"),
            "max": MAX_ENTRIES,
            "add": _("Add to referral list"),
            "on": _("On your list ✓"),
            "count": _("My list (%(count)s)"),
            "full": _("Your list is full: at most %(max)s entries.") % {"max": MAX_ENTRIES},
            "saved": _("Saved on this device ✓"),
            "copied": _("Link copied ✓"),
            "title": _("Referral list"),
        },
        "referral-list-config",
    )
