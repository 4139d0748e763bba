"""The two request checks of accounts/: sessions that have ended, and the second factor."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import policy, sessions
from portal.security_middleware import admin_prefix


def _with_next(url, request):
    if request.method in {"GET", "HEAD"}:
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


def sign_in_url(request):
    """The admin's sign-in page for admin paths, the partner sign-in for the rest."""
    if request.path_info.startswith(admin_prefix()):
        return reverse("wagtailadmin_login")
    return reverse(settings.LOGIN_URL)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = sessions.why_ended(request)
            if ended:
                logout(request)
                if ended == sessions.IDLE:
                    minutes = settings.PORTAL_SESSION_IDLE_MINUTES
                    messages.warning(request, _(
                        "You were signed out after %(minutes)d minutes without activity. Sign in again."
                    ) % {"minutes": minutes})
                else:
                    messages.warning(request, _("You were signed out on all devices. Sign in again."))
                return redirect(_with_next(sign_in_url(request), request))
        return self.get_response(request)


class SecondFactorMiddleware:
    """A signed-in user who still owes a second factor reaches only the sign-in pages; every
    other request goes to the second-factor step (or enrolment) and comes back afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def exempt(self, path):
        if not hasattr(self, "_exempt"):
            self._exempt = (
                reverse("accounts:two_factor"),  # also enrolment and recovery codes below it
                reverse("otp_webauthn:credential-authentication-begin").rsplit("authentication/", 1)[0],
                reverse("login"),
                reverse("logout"),
                reverse("wagtailadmin_login"),
                reverse("wagtailadmin_logout"),
                reverse("set_language"),
            )
        return path.startswith(self._exempt)

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            owed = policy.state(user)
            if owed in {policy.ENROL, policy.CODE, policy.DISABLED}:
                # On the sign-in pages it may stay: it sees them as a signed-out visitor would
                # (directory.visibility.viewer_tier gives it the public tier).
                user.second_factor_pending = True
                if not self.exempt(request.path_info):
                    target = "accounts:enrol" if owed == policy.ENROL else "accounts:two_factor"
                    return redirect(_with_next(reverse(target), request))
        return self.get_response(request)
