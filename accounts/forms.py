"""Sign-in forms: the partner form and the Wagtail admin's (WAGTAILADMIN_USER_LOGIN_FORM) share
the throttle; the second-factor code form."""

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts import policy, throttle


class ThrottledSignIn:
    """Refuse the password check while the account or the address is locked; count failures.

    The refusal happens before any password is checked and reads the same whether or not the
    account exists."""

    def clean(self):
        username = self.data.get("username", "") if self.data else ""
        attempt = throttle.Attempt(self.request, username)
        locked = attempt.locked_message()
        if locked:
            raise forms.ValidationError(locked, code="too_many_attempts")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            attempt.failed()
            raise
        if policy.state(self.get_user()) == policy.NOT_REQUIRED:
            attempt.succeeded()  # signed in for good; otherwise the second step clears the count
        return cleaned


class PartnerSignInForm(ThrottledSignIn, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That user name and password did not match. Try again."),
    }


class AdminSignInForm(ThrottledSignIn, WagtailLoginForm):
    pass


def normalize_code(value):
    return re.sub(r"[\s-]+", "", value or "").lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                      "spellcheck": "false", "inputmode": "text"}),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not re.fullmatch(r"[a-z0-9]{6,16}", code):
            raise forms.ValidationError(_("Enter the 6 digits from your app or a recovery code."))
        return code


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Enter the 6 digits your app shows."))
        return code
