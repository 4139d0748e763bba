"""Stale capacity: tell stewards when a service's beds and referral status are out of date.

A live service whose capacity is dated (``capacity_as_of``) more than
DIRECTORY_CAPACITY_STALE_DAYS ago is stale (the public page already says "may be out of date").
Its steward is e-mailed (the deputy when the steward cannot be reached, the coordinators when
neither can), one e-mail per recipient listing their services. Each notice is stored as a
``CapacityNotice`` unique per service, capacity date and recipient, so nobody is told twice about
the same date; updating the capacity (a new date) starts afresh. A send that fails is logged and
not stored, so the next run tries it again.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction

from directory.reminders import coordinators, edit_url
from directory.stewardship import reviewable_services

from .models import CapacityNotice

logger = logging.getLogger("background.capacity")


def stale_services(today):
    cutoff = today - datetime.timedelta(days=settings.DIRECTORY_CAPACITY_STALE_DAYS)
    return reviewable_services().filter(is_demo=False, capacity_as_of__lt=cutoff).order_by("pk")


def _reachable(user):
    return user is not None and user.is_active and bool(user.email)


def plan(today):
    """{email: [service]}: the notices still to send on ``today``."""
    services = list(stale_services(today))
    sent = set(
        CapacityNotice.objects.filter(service__in=services).values_list(
            "service_id", "capacity_as_of", "recipient"
        )
    )
    team = None
    wanted = defaultdict(list)
    for service in services:
        person = next((u for u in (service.steward, service.deputy) if _reachable(u)), None)
        if person:
            emails = [person.email]
        else:
            team = coordinators() if team is None else team
            emails = [user.email for user in team]
        for email in emails:
            if (service.pk, service.capacity_as_of, email) not in sent:
                wanted[email].append(service)
    return wanted


def compose(email, services, today):
    count = len(services)
    these = "this service is" if count == 1 else "these services are"
    lines = [
        "Hello,",
        "",
        f"The capacity (beds, accepting referrals) of {these} more than "
        f"{settings.DIRECTORY_CAPACITY_STALE_DAYS} days old; visitors are told it may be out of date:",
        "",
    ]
    for service in services:
        age = (today - service.capacity_as_of).days
        lines += [
            f"* {service.name} ({service.organization.name}): "
            f"as of {service.capacity_as_of:%Y-%m-%d} ({age} days ago)",
            f"  Edit: {edit_url(service)}",
        ]
    lines += [
        "",
        "Please call them and update the capacity with today's date.",
        "",
        f"-- {settings.WAGTAIL_SITE_NAME}",
    ]
    subject = (
        f"[{settings.WAGTAIL_SITE_NAME}] Capacity out of date: {count} service{'s' if count != 1 else ''}"
    )
    return EmailMessage(subject=subject, body="\n".join(lines), to=[email])


def notify(today):
    """Send the notices due on ``today``: (e-mails sent, services named, [(email, error)])."""
    wanted = plan(today)
    sent, named, failed = 0, 0, []
    if not wanted:
        return sent, named, failed
    with get_connection() as connection:
        for email, services in wanted.items():
            message = compose(email, services, today)
            message.connection = connection
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # SMTP down, recipient refused: not recorded, tried next run
                logger.error(
                    "Capacity notice to %s failed (%s: %s)", email, type(exc).__name__, exc, exc_info=True
                )
                failed.append((email, f"{type(exc).__name__}: {exc}"))
                continue
            sent += 1
            named += len(services)
            for service in services:
                try:
                    with transaction.atomic():
                        CapacityNotice.objects.create(
                            service=service, capacity_as_of=service.capacity_as_of, recipient=email
                        )
                except IntegrityError:  # a concurrent run recorded it: it was sent once already
                    pass
    return sent, named, failed
