"""The browser security policies the portal sends: Content-Security-Policy and Permissions-Policy.

Plain data and pure functions, so the settings can import them. The middleware that sends them is
in portal/security_middleware.py.

Public pages run no inline script at all (every script is a static file; data for scripts goes
through `json_script`, which the browser does not execute), so script-src is 'self' only: a title
that smuggled markup past every other layer still cannot run. The Wagtail admin gets its own
policy (ADMIN_CSP_OVERRIDES says what differs and why); its scripts are as strict.
"""

from urllib.parse import urlsplit

SELF = "'self'"
NONE = "'none'"


def url_origin(url_template):
    """The origin ("https://tile.example.org") of a URL template such as a map tile URL.

    Placeholders in the host ("{s}.tile.openstreetmap.org") become a CSP wildcard. An empty or
    relative URL (tiles served by the portal itself) has no other origin: None.
    """
    if not url_template:
        return None
    parts = urlsplit(url_template.strip())
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = ["*" if "{" in label else label for label in host.split(".")]
    if "*" in labels[1:]:
        # CSP allows a wildcard only as the leftmost label: widen to every subdomain of the rest.
        last = max(i for i, label in enumerate(labels) if label == "*")
        labels = ["*", *labels[last + 1:]]
    return f"{parts.scheme}://{'.'.join(labels)}"


def public_csp_directives(tile_url):
    """The policy of every page outside the admin."""
    img_src = [SELF, "data:"]
    tile_origin = url_origin(tile_url)
    if tile_origin:
        img_src.append(tile_origin)
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }


# What the Wagtail admin needs beyond the public policy, found by loading the admin pages in Chromium
# under the public policy and collecting the violations (tests/browser/test_csp_browser.py):
# - frame-ancestors 'self': the page editor shows its live preview in an iframe of an admin URL.
# Scripts stay 'self' only: Wagtail 8.0 starts its choosers, date inputs and inline panels with
# inline <script> elements; portal/admin_scripts.py turns those into JSON that a static file reads.
# Styles stay 'self': Wagtail's admin writes no style="" attributes, and ours are in admin.css.
ADMIN_CSP_OVERRIDES = {
    "frame-ancestors": [SELF],
}


# A page preview in the editor: the public page's policy, but it may be framed by the admin. Wagtail
# renders it through a dummy request for the page's own (public) path, hence this separate case.
PREVIEW_CSP_OVERRIDES = {"frame-ancestors": [SELF]}


def admin_csp_directives(tile_url):
    return {**public_csp_directives(tile_url), **ADMIN_CSP_OVERRIDES}


# Browser features no page of the portal uses are switched off for the portal and anything it
# embeds. Geolocation is the portal's own ("Use my location" on the directory and the map asks
# on a button press: services_map/nearby.py), never an embedded frame's. Passkeys (accounts/:
# second step of sign-in) need publickey-credentials-get for the portal's own pages, never for
# anything it embeds.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}


def permissions_policy_header(policy):
    """{"camera": [], "geolocation": ["self"]} -> 'camera=(), geolocation=(self)'."""
    parts = []
    for feature, allowlist in policy.items():
        items = []
        for origin in allowlist:
            items.append(origin if origin in {"self", "*"} else f'"{origin}"')
        parts.append(f"{feature}=({' '.join(items)})")
    return ", ".join(parts)
