"""Sign-in pages: password (partners; the admin's is Wagtail's with our form), the second
factor, enrolment, recovery codes, and the account's sign-in security page."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import enrolment, policy, sessions, throttle
from accounts.forms import CodeForm, EnrolCodeForm, PartnerSignInForm

logger = logging.getLogger("accounts")


class SignInView(auth_views.LoginView):
    """The partner sign-in (/accounts/login/); the second factor follows (middleware)."""

    form_class = PartnerSignInForm
    redirect_authenticated_user = True


def next_url(request, default=None):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or settings.LOGIN_REDIRECT_URL


def _page(request, template, **context):
    return render(request, f"accounts/{template}", {"next": next_url(request, ""), **context})


@never_cache
@login_required
def two_factor(request):
    """Ask for the second factor: an authenticator-app code, a recovery code, or a passkey."""
    user = request.user
    owed = policy.state(user)
    if owed == policy.ENROL:
        return redirect(_keep_query(reverse("accounts:enrol"), request))
    if owed in {policy.VERIFIED, policy.NOT_REQUIRED}:
        return redirect(next_url(request))
    if owed == policy.DISABLED:
        logger.warning("Second factor refused: every device of user %s is disabled", user.pk)
        return _page(request, "disabled.html")

    form = CodeForm(request.POST or None)
    attempt = throttle.Attempt(request, user.get_username())
    error = ""
    if request.method == "POST":
        error = attempt.locked_message()
        if not error and form.is_valid():
            device = _matching_device(user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                attempt.succeeded()
                return redirect(next_url(request))
            attempt.failed()
            error = _disabled_or_wrong(user, form.cleaned_data["code"])
            logger.info("Second factor refused for user %s", user.pk)
    return _page(
        request,
        "two_factor.html",
        form=form,
        error=error,
        has_passkey=policy.passkeys(user).exists(),
        has_app=policy.totp_devices(user).exists(),
    )


def _matching_device(user, code):
    """The confirmed device that accepts `code` (each code works once: django-otp records the
    last accepted time step of an app and deletes a used recovery code)."""
    devices = (
        policy.totp_devices(user)
        if code.isdigit() and len(code) == 6
        else StaticDevice.objects.devices_for_user(user, confirmed=True)
    )
    for device in devices:
        if device.verify_token(code):
            return device
    return None


def _disabled_or_wrong(user, code):
    if code.isdigit() and len(code) == 6 and not policy.totp_devices(user).exists():
        return _("Your authenticator app has been disabled for this account. Use a recovery code or a "
                 "passkey, or ask a portal administrator to reset your sign-in.")
    return _("That code is not valid or has already been used. Codes change every 30 seconds; "
             "each recovery code works once.")


@never_cache
@login_required
def enrol(request):
    """First sign-in: set up an authenticator app (QR code and the secret as text) or a passkey."""
    user = request.user
    owed = policy.state(user)
    # Adding an app later (from the security page) needs a session that passed its second factor.
    adding = owed == policy.VERIFIED and not policy.totp_devices(user, confirmed=None).exists()
    if owed in {policy.CODE, policy.DISABLED}:
        return redirect(_keep_query(reverse("accounts:two_factor"), request))
    if owed == policy.VERIFIED and not adding:
        return redirect(next_url(request))

    device = enrolment.pending_device(request)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolment.confirm(request, form.cleaned_data["code"]):
            if not user.is_verified():
                otp_login(request, policy.totp_devices(user).first())
            logger.info("User %s set up an authenticator app", user.pk)
            return redirect(_recovery_url(request))
        form.add_error("code", _("That code does not match. Check the time on your phone and enter "
                                 "the code your app shows now."))
    return _page(
        request,
        "enrol.html",
        form=form,
        qr=enrolment.qr_data_uri(device.config_url),
        secret=enrolment.secret_text(device),
        adding=adding,
        recovery_url=_recovery_url(request),
        offer_passkey=not adding,
    )


def _keep_query(url, request):
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _recovery_url(request):
    return _keep_query(reverse("accounts:recovery_codes"), request)


@never_cache
@login_required
def recovery_codes(request):
    """The new recovery codes, shown once (after enrolment or when replaced)."""
    user = request.user
    if not policy.may_proceed(user):
        return redirect("accounts:two_factor")
    codes = request.session.pop(enrolment.NEW_CODES_KEY, None)
    if codes is None and user.is_verified() and not StaticDevice.objects.filter(user=user).exists():
        codes = enrolment.new_recovery_codes(user)  # enrolled with a passkey: none made yet
    return _page(request, "recovery_codes.html", codes=codes, continue_to=next_url(request))


@never_cache
@login_required
def security(request):
    """The account's second factors, new recovery codes, and "sign out of all devices"."""
    user = request.user
    if not policy.may_proceed(user):
        return redirect("accounts:two_factor")
    return _page(
        request,
        "security.html",
        apps=policy.totp_devices(user, confirmed=None),
        passkeys=policy.passkeys(user, confirmed=None),
        recovery_left=enrolment.remaining_recovery_codes(user),
        verified=user.is_verified(),
    )


@require_POST
@login_required
def new_recovery_codes(request):
    if not request.user.is_verified():
        return redirect("accounts:two_factor")
    request.session[enrolment.NEW_CODES_KEY] = enrolment.new_recovery_codes(request.user)
    return redirect("accounts:recovery_codes")


@require_POST
@login_required
def sign_out_everywhere(request):
    """End every session of this user, this one included."""
    sessions.end_all_sessions(request.user)
    logger.info("User %s signed out of all devices", request.user.pk)
    logout(request)
    messages.success(request, _("You are signed out on all devices."))
    return redirect(settings.LOGIN_URL)
