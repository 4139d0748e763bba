"""Deletes access-log entries older than PORTAL_ACCESS_LOG_DAYS (run daily by the scheduler,
background/jobs.py, and by `manage.py purge_access_log`)."""

import datetime

from django.conf import settings
from django.utils import timezone


def purge(now=None, days=None):
    """Delete entries viewed before `now` minus the kept period; returns how many went."""
    from .models import AccessLogEntry

    now = now or timezone.now()
    days = settings.PORTAL_ACCESS_LOG_DAYS if days is None else days
    deleted, _ = AccessLogEntry.objects.filter(viewed_at__lt=now - datetime.timedelta(days=days)).delete()
    return deleted
