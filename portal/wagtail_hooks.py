from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def portal_admin_css():
    """Layout of the portal's own admin screens, as a stylesheet: the admin's CSP has no inline styles."""
    return format_html('<link rel="stylesheet" href="{}">', static("portal/css/admin.css"))


@hooks.register("insert_global_admin_js")
def portal_admin_init_js():
    """Starts Wagtail's widgets without inline scripts (portal/admin_scripts.py). Deferred: it runs
    once the page is parsed and every widget's own script (loaded in the head) is there."""
    return format_html('<script src="{}" defer></script>', static("portal/js/admin-init.js"))
