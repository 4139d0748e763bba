from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def portal_admin_css():
    """Layout of the portal's own admin screens, as a stylesheet: the admin's CSP has no inline styles."""
    return format_html('<link rel="stylesheet" href="{}">', static("portal/css/admin.css"))
