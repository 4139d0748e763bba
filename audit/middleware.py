"""Writes the access-log entries a request noted (audit.record) after its response was sent."""

import logging

from django.db import transaction

from . import REQUEST_ATTRIBUTE

logger = logging.getLogger("audit")


def flush(request):
    entries = request.__dict__.pop(REQUEST_ATTRIBUTE, None)
    if not entries:
        return 0
    from .models import AccessLogEntry

    try:
        # A savepoint of its own: a failed insert must not break a surrounding transaction.
        with transaction.atomic():
            AccessLogEntry.objects.bulk_create([AccessLogEntry(**entry) for entry in entries])
    except Exception:
        # The page is served whatever happens here; the operator learns of it from the log.
        logger.exception("Access log: %d entries for %s could not be written", len(entries), request.path)
        return 0
    return len(entries)


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 400:  # refused or failed: the data was not shown
            request.__dict__.pop(REQUEST_ATTRIBUTE, None)
        elif request.__dict__.get(REQUEST_ATTRIBUTE):
            # Written when the server closes the response, i.e. once the page (or the whole
            # file) has been sent: the visitor does not wait for the insert.
            response._resource_closers.append(lambda: flush(request))
        return response
