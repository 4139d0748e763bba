"""Records whose stored text holds markup are never published, by any path.

Plain-text fields refuse markup in every form, but Wagtail also publishes without a form:
workflow approval (dashboard or 'Approve'), bulk publish, copying with 'publish copies', and the
scheduled publishing command; moving a live page saves it with a full check too. Records saved
before the rule (or before it refused event handlers, encoded tags and template code) may still
hold markup in their live row or in a draft revision. Each of those paths is refused here, before
anything changes, with a message that names the field and asks for the markup to be removed in
the editor first:

* ``PlainTextPublishMixin.publish`` (every revision.publish of a library item, organization or
  service) calls ``check_revision``: it raises ``MarkupRefused``, or, for the scheduled command,
  logs and skips, so the other scheduled records still go live and this one stays scheduled
  until it is fixed.
* ``MarkupRefusedMiddleware`` turns a ``MarkupRefused`` raised by an admin view (workflow
  approval has no hook) into that message and a redirect; Wagtail's workflow action and bulk
  actions run in a transaction, so nothing of the approval or of the other selected items is kept.
* library/wagtail_hooks.py refuses moving and copying library pages up front (moving a live page
  fails Wagtail's own full check; a copy is written without any check).
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


def plain_text_fields(model):
    """A model's own list (Wagtail's page fields carry no validator), else every concrete field
    that carries validate_plain_text."""
    names = getattr(model, "plain_text_fields", None)
    if names is not None:
        return list(names)
    return [f.name for f in model._meta.concrete_fields if validate_plain_text in f.validators]


def failing_fields(obj):
    found = []
    for name in plain_text_fields(type(obj)):
        try:
            validate_plain_text(getattr(obj, name, "") or "")
        except ValidationError:
            found.append(name)
    return found


def markup_fields(obj):
    """[(key, label)] of the plain-text fields of `obj`, and of its inline rows (names, phones,
    contacts...) when it is a cluster, that hold markup. Keys are field names or
    "relation-index-field" as in the admin's inline forms."""
    found = [(name, field_label(obj, name)) for name in failing_fields(obj)]
    from modelcluster.models import get_all_child_relations

    for relation in get_all_child_relations(type(obj)):
        name = relation.get_accessor_name()
        rows = getattr(obj, name).all()
        for index, row in enumerate(rows):
            for field in failing_fields(row):
                label = f"{capfirst(str(row._meta.verbose_name))} {index + 1}: {field_label(row, field)}"
                found.append((f"{name}-{index}-{field}", label))
    return found


def field_label(obj, name):
    return capfirst(str(obj._meta.get_field(name).verbose_name))


def refusal(obj, found, action=None):
    """MarkupRefused whose message_dict maps each field to a message naming it."""
    action = action or gettext("published")
    item = getattr(obj, "draft_title", None) or str(obj)
    return MarkupRefused(
        {
            key: gettext(
                "“%(item)s” was not %(action)s: %(field)s holds HTML, entities, script or "
                "template code. Open it in the editor and remove the markup first."
            )
            % {"item": item, "action": action, "field": label}
            for key, label in found
        }
    )


def messages_of(error):
    return [message for messages in error.message_dict.values() for message in messages]


def check_revision(obj, revision, log_action):
    """Refuse publishing `revision` of `obj` when its text holds markup. Returns True when the
    publish may go on, False when the scheduled command should skip it; raises otherwise."""
    content = revision.as_object()
    found = markup_fields(content)
    if not found:
        return True
    error = refusal(content, found)
    logger.warning(
        "Publishing refused: %s pk=%s (%s) revision %s holds markup in %s. %s",
        obj._meta.label,
        obj.pk,
        getattr(obj, "slug", ""),
        revision.pk,
        ", ".join(key for key, _label in found),
        " ".join(messages_of(error)),
    )
    if log_action == SCHEDULED:
        # Raising would stop the command before the other scheduled items; the revision stays
        # scheduled and goes live on the first run after an editor has removed the markup.
        return False
    raise error


class PlainTextPublishMixin:
    """First base of a publishable model whose plain-text fields may hold legacy markup."""

    def publish(self, revision, user=None, changed=True, log_action=True, previous_revision=None, **kwargs):
        if not check_revision(self, revision, log_action):
            return None
        return super().publish(
            revision,
            user=user,
            changed=changed,
            log_action=log_action,
            previous_revision=previous_revision,
            **kwargs,
        )


def refuse_pages(request, pages, action):
    """Message and redirect back when any of `pages` holds markup in the content `action` would
    write; None when all are plain text."""
    refused = [(page, found) for page in pages if (found := markup_fields(page))]
    if not refused:
        return None
    from wagtail.admin import messages

    shown = set()  # a row and its draft often hold the same markup: one message each
    for page, found in refused:
        for message in messages_of(refusal(page, found, action)):
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
