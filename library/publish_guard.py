"""Legacy library items whose stored text holds markup are never published, by any path.

The editor's form shows the plain-text errors under each field, but Wagtail also publishes
without a form: workflow approval (dashboard or 'Approve'), bulk publish, copying with
'publish copies', and the scheduled publishing command; moving a live item saves it with a full
check too. Items saved before the rule may still hold markup in their live row or in a draft
revision. Each of those paths is refused here, before anything changes, with a message that names
the field and asks for the markup to be removed in the editor first:

* ``LibraryDocumentPage.publish`` (every revision.publish) calls ``check_revision``: it raises
  ``MarkupRefused``, or, for the scheduled command, logs and skips so the other scheduled items
  still go live and this one stays scheduled until it is fixed.
* ``MarkupRefusedMiddleware`` turns a ``MarkupRefused`` raised by an admin view (workflow
  approval has no hook) into that message and a redirect; Wagtail's workflow action runs in a
  transaction, so nothing of the approval is kept.
* ``wagtail_hooks`` refuse bulk publish, move and copy up front (library/wagtail_hooks.py).
"""

import logging

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext

from directory.validators import validate_plain_text

logger = logging.getLogger(__name__)

SCHEDULED = "wagtail.publish.scheduled"  # Wagtail's log action for the publish_scheduled command


class MarkupRefused(ValidationError):
    """A publish (or move, copy) refused because the item's text holds markup."""


def markup_fields(page):
    """Names of the plain-text fields of `page` (a LibraryDocumentPage) that hold markup."""
    from .models.document import PLAIN_TEXT_FIELDS

    found = []
    for name in PLAIN_TEXT_FIELDS:
        try:
            validate_plain_text(getattr(page, name, "") or "")
        except ValidationError:
            found.append(name)
    return found


def field_label(page, name):
    return capfirst(str(page._meta.get_field(name).verbose_name))


def refusal(page, names, action=None):
    """MarkupRefused whose message_dict maps each field to a message naming it."""
    action = action or gettext("published")
    item = page.draft_title or page.title
    return MarkupRefused(
        {
            name: gettext(
                "“%(item)s” was not %(action)s: %(field)s holds HTML, entities, script or "
                "template code. Open the item in the editor and remove the markup first."
            )
            % {"item": item, "action": action, "field": field_label(page, name)}
            for name in names
        }
    )


def messages_of(error):
    return [message for messages in error.message_dict.values() for message in messages]


def check_revision(page, revision, log_action):
    """Refuse publishing `revision` of `page` when its text holds markup. Returns True when the
    publish may go on, False when the scheduled command should skip it; raises otherwise."""
    content = revision.as_object()
    names = markup_fields(content)
    if not names:
        return True
    error = refusal(content, names)
    logger.warning(
        "Publishing refused: library item pk=%s (%s) revision %s holds markup in %s. %s",
        page.pk,
        page.slug,
        revision.pk,
        ", ".join(names),
        " ".join(messages_of(error)),
    )
    if log_action == SCHEDULED:
        # Raising would stop the command before the other scheduled items; the revision stays
        # scheduled and goes live on the first run after an editor has removed the markup.
        return False
    raise error


def refuse_pages(request, pages, action):
    """Message and redirect back when any of `pages` (specific LibraryDocumentPages) holds markup
    in the content `action` would write; None when all are plain text."""
    refused = [(page, names) for page in pages if (names := markup_fields(page))]
    if not refused:
        return None
    from wagtail.admin import messages

    shown = set()  # a row and its draft often hold the same markup: one message each
    for page, names in refused:
        for message in messages_of(refusal(page, names, action)):
            if message not in shown:
                shown.add(message)
                messages.error(request, message)
    return HttpResponseRedirect(back_url(request))


def back_url(request):
    for candidate in (request.GET.get("next"), request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("wagtailadmin_home")


class MarkupRefusedMiddleware:
    """An admin view that ran into MarkupRefused answers with its messages, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MarkupRefused):
            return None
        from wagtail.admin import messages

        for message in messages_of(exception):
            messages.error(request, message)
        url = back_url(request)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's modal workflow (dashboard 'Approve') follows {"step": "success"} redirects.
            from wagtail.admin.modal_workflow import render_modal_workflow

            data = {"step": "success", "redirect": url}
            return render_modal_workflow(request, "", None, {}, json_data=data)
        return HttpResponseRedirect(url)
