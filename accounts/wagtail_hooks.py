"""The admin links to the account's sign-in security page (second factors, recovery codes,
sign out of all devices): from the sidebar and from the admin's own account page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_account_menu_item")
def sign_in_security_account_item(request):
    return {
        "url": reverse("accounts:security"),
        "label": _("Sign-in security"),
        "help_text": _("Your second factors and recovery codes; sign out of all devices."),
    }


@hooks.register("register_settings_menu_item")
def sign_in_security_menu_item():
    return MenuItem(_("Sign-in security"), reverse("accounts:security"), icon_name="lock", order=990)
