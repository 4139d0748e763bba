"""Wagtail's admin widgets started without inline scripts, so the admin's CSP needs no 'unsafe-inline'.

Wagtail 8.0 starts choosers, date inputs and inline panels with an inline <script> each
(`new PageChooser("id_x", {...})`). Here each of them becomes a JSON description of the same call
in a <script type="application/json" data-portal-init> element, which the browser never runs, and
portal/static/portal/js/admin-init.js makes the call: for the page as loaded and for forms added
later (an inline panel's "Add"). The templates are overridden in portal/templates/wagtailadmin/;
chooser widgets render in Python, so BaseChooser.render is replaced (install(), from
PortalConfig.ready). Written against wagtail==8.0.1: tests/browser/test_csp_browser.py fails on any
inline script the admin still runs, so an upgrade that adds one is caught.
"""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# As django.utils.html.json_script: the JSON cannot end the <script> element or open a comment.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def init_script(call):
    """<script type="application/json" data-portal-init>{"new": "PageChooser", "args": [...]}</script>"""
    payload = json.dumps(call, separators=(",", ":")).translate(_ESCAPES)
    return format_html('<script type="application/json" data-portal-init>{}</script>', mark_safe(payload))  # noqa: S308


def chooser_call(widget, id_, value_data):
    """The JavaScript call Wagtail's chooser widget would make inline, as data; None if unknown."""
    from wagtail.admin.widgets import BaseChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    if isinstance(widget, AdminTaskChooser):
        return {"call": "createTaskChooser", "args": [id_]}
    if type(widget).render_js_init is BaseChooser.render_js_init:
        options = widget.get_js_init_options(id_, None, value_data)
        return {"new": widget.js_constructor, "args": [id_, options]}
    return None


def _render_chooser(self, name, value, attrs=None, renderer=None):
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as e:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
    value_data = self.get_value_data(value)
    call = chooser_call(self, id_, value_data)
    if call is None:  # a chooser with its own inline start-up code: keep Wagtail's (the CSP refuses it)
        return _original_render(self, name, value, attrs, renderer)
    return mark_safe(self.render_html(name, value_data, attrs) + init_script(call))  # noqa: S308


_original_render = None


def install():
    global _original_render
    from wagtail.admin.widgets import BaseChooser

    if _original_render is None:
        _original_render = BaseChooser.render
        BaseChooser.render = _render_chooser
