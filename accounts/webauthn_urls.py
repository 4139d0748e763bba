"""django-otp-webauthn's endpoints (namespace "otp_webauthn", which its scripts' template tags
reverse), served by the portal's subclasses in accounts/webauthn.py."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from accounts import webauthn

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", webauthn.RegisterBegin.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/", webauthn.RegisterComplete.as_view(), name="credential-registration-complete"
    ),
    path(
        "authentication/begin/", webauthn.AuthenticateBegin.as_view(), name="credential-authentication-begin"
    ),
    path(
        "authentication/complete/",
        webauthn.AuthenticateComplete.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
