"""Passkeys (django-otp-webauthn) as a second factor: the relying party, and its ceremony views
with the sign-in throttle and the portal's rule for who may register one."""

from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views

from accounts import throttle
from accounts.policy import has_any_device


def relying_party_id(request):
    """The host the user is on (without port): passkeys belong to the portal's own host name."""
    return request.get_host().rsplit(":", 1)[0].strip("[]")


class SignInThrottled(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_code = "too_many_attempts"


class RegisterBegin(webauthn_views.BeginCredentialRegistrationView):
    def user_is_mfa_enrolled(self, user):
        # A disabled device still counts: its owner may not replace it with a password alone.
        return has_any_device(user)


class RegisterComplete(webauthn_views.CompleteCredentialRegistrationView):
    def user_is_mfa_enrolled(self, user):
        return has_any_device(user)


class AuthenticateBegin(webauthn_views.BeginCredentialAuthenticationView):
    pass


class AuthenticateComplete(webauthn_views.CompleteCredentialAuthenticationView):
    """A failed passkey counts as a failed sign-in (per account and per address)."""

    def post(self, *args, **kwargs):
        user = self.request.user
        attempt = throttle.Attempt(self.request, user.get_username() if user.is_authenticated else "")
        locked = attempt.locked_message()
        if locked:
            raise SignInThrottled(detail=locked)
        try:
            return super().post(*args, **kwargs)
        except Exception:
            attempt.failed()
            raise
