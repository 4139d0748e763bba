"""Send the policies of portal/security_policy.py: CSP (through django-csp) and Permissions-Policy."""

from functools import cache

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.urls import reverse

from portal.security_policy import PREVIEW_CSP_OVERRIDES, permissions_policy_header


@cache
def admin_prefix():
    return reverse("wagtailadmin_home")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy (settings.CONTENT_SECURITY_POLICY_ADMIN)
    for every path under the Wagtail admin, and page previews allowed in the admin's frame.
    A view's own @csp / @csp_replace still wins."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and request.path_info.startswith(admin_prefix()):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        elif getattr(request, "is_dummy", False) and parts.replace is None:
            # Wagtail renders an editor's preview through a dummy request for the page's path.
            parts.replace = PREVIEW_CSP_OVERRIDES
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response, from settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
