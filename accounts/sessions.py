"""How long a signed-in session lasts: an idle limit, and "sign out of all devices".

The last request's time is kept in the session (written at most once a minute, so a busy page
costs no session write per request); a session idle for PORTAL_SESSION_IDLE_MINUTES ends on its
next request. Each session also carries the user's SessionGeneration from sign-in; raising the
generation ends every older session at its next request, for the database and the cache session
backends alike (no need to find the sessions themselves).
"""

import time

from django.conf import settings
from django.db import transaction
from django.db.models import F

from accounts.models import SessionGeneration

LAST_SEEN_KEY = "accounts_last_seen"
GENERATION_KEY = "accounts_generation"
TOUCH_EVERY_SECONDS = 60

IDLE = "idle"
ELSEWHERE = "signed-out-everywhere"


def current_generation(user):
    return (
        SessionGeneration.objects.filter(user_id=user.pk).values_list("generation", flat=True).first() or 0
    )


def remember_generation(sender, request, user, **kwargs):
    """At sign-in (user_logged_in): the session belongs to the current generation."""
    if request is not None and hasattr(request, "session"):
        request.session[GENERATION_KEY] = current_generation(user)
        request.session[LAST_SEEN_KEY] = int(time.time())


def end_all_sessions(user):
    """Sign the user out everywhere: every session from before now stops working."""
    with transaction.atomic():
        row, created = SessionGeneration.objects.get_or_create(user=user, defaults={"generation": 1})
        if not created:
            SessionGeneration.objects.filter(pk=row.pk).update(generation=F("generation") + 1)


def why_ended(request):
    """IDLE or ELSEWHERE when this signed-in session has ended, else None (and it is touched)."""
    session = request.session
    now = int(time.time())
    idle_minutes = settings.PORTAL_SESSION_IDLE_MINUTES
    last_seen = session.get(LAST_SEEN_KEY)
    if idle_minutes and last_seen is not None and now - last_seen > idle_minutes * 60:
        return IDLE
    if session.get(GENERATION_KEY, 0) != current_generation(request.user):
        return ELSEWHERE
    if last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
        session[LAST_SEEN_KEY] = now
    return None
