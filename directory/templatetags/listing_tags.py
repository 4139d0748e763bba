"""The directory listing's result cards and filter boxes, rendered in Python.

A listing page shows 25 cards of up to five services each and five filter boxes of up to
thirty values; as included templates they were about half of the page's rendering time at
national scale (issue 13). The markup is that of `components/result.html` (now here only) and
`components/facet.html` (still the search, map and library pages' template), to the byte:
tests/directory/test_listing_markup.py renders both ways and compares.

Every value goes through `format_html` or, in the filter boxes' values, `_e` (the same escaping
without its overhead); translations included; nothing is marked safe but markup built here.
"""

import unicodedata
from functools import cache, lru_cache
from html import escape as _escape

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from .directory_tags import facet_input_id

register = template.Library()

SERVICES_SHOWN = 5


def _untranslated_note():
    # includes/untranslated_note.html, with the newline that ends the file.
    return format_html(
        '<span class="untranslated-note badge" data-testid="untranslated-note">{}</span>\n',
        gettext("Not yet translated: shown in English"),
    )


@cache
def _choice_labels(model, field):
    """{value: label (lazy: said in the active language)} of a choice field; what
    `get_FOO_display()` looks up, without hashing every choice again on each call."""
    return dict(model._meta.get_field(field).flatchoices)


def _display(obj, field):
    value = getattr(obj, field)
    return _choice_labels(type(obj), field).get(value, value)


@lru_cache(maxsize=4096)
def _shortened(text):
    """`text|truncatechars:220`; a text that short cannot be cut (its NFC form, as the filter
    gives). Descriptions repeat page after page: each is worked out once."""
    if len(text) <= 220:
        return unicodedata.normalize("NFC", text)
    return truncatechars(text, 220)


def _join(parts):
    """Concatenate markup built here (each part escaped or built from escaped values)."""
    return SafeString("".join(parts))


def _e(value):
    """`value` as format_html puts it in markup: escaped, unless it is markup already (what
    `conditional_escape` does, without its per-call overhead: the filter boxes put in about
    900 values a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


@register.simple_tag
def result_cards(orgs):
    """The `<li>` card of each organization of a listing page (components/result.html)."""
    note = _untranslated_note()
    return _join(_card(org, note) for org in orgs)


def _card(org, note):
    url = org.get_absolute_url()
    closed = org.is_closed
    acronyms = ""
    if org.listed_acronyms:
        names = format_html_join(", ", "{}", ((a,) for a in org.listed_acronyms))
        acronyms = format_html(' <span class="acronyms">({})</span>', names)
    demo = ""
    if org.is_demo:
        demo = format_html('<span class="badge demo" data-testid="demo-badge">{}</span>', gettext("Demo"))
    place = ""
    if org.area and org.area.province:
        place = format_html("{}, ", org.area.province.name)
    country = org.country
    head = format_html(
        '<li class="result{}" data-testid="result" data-slug="{}">\n'
        '  <h3 class="result-title">\n'
        '    <a href="{}">{}</a>{}\n'
        "    {}\n"
        "    {}\n"
        "  </h3>\n"
        '  <p class="result-meta">\n'
        '    <span class="org-type">{}</span> ·\n'
        '    <span class="place">{}{}</span>\n'
        "  </p>\n",
        " closed" if closed else "",
        org.slug,
        url,
        org.name,
        acronyms,
        demo,
        note if org.untranslated else "",
        _display(org, "org_type"),
        place,
        country.name if country is not None else "",
    )
    status = ""
    if org.status != "active":
        successor = org.successor if org.successor_id else None
        now = ""
        if successor and successor.live:
            now = format_html(
                '{} <a href="{}" data-testid="successor-link">{}</a>',
                gettext("Now:"),
                successor.get_absolute_url(),
                successor.name,
            )
        status = format_html(
            '\n  <p class="status status-{}" data-testid="result-status">\n'
            '    <span class="badge{}">{}</span>\n'
            "    {}\n"
            "  </p>\n  ",
            org.status,
            " warn" if closed else "",
            _display(org, "status"),
            now,
        )
    description = ""
    if org.description:
        description = format_html('<p class="result-description">{}</p>', _shortened(org.description))
    services = org.matching_services
    listed = ""
    if services:
        items = _join(_service_item(org, url, service, note) for service in services[:SERVICES_SHOWN])
        more = ""
        if len(services) > SERVICES_SHOWN:
            n = len(services) - SERVICES_SHOWN
            more = format_html(
                '<p class="more muted small"><a href="{}#services">{}</a></p>',
                url,
                ngettext("and %(counter)s more service", "and %(counter)s more services", n) % {"counter": n},
            )
        listed = format_html(
            '\n  <ul class="result-services" aria-label="{}">\n    {}\n  </ul>\n  {}\n  ',
            gettext("Services"),
            items,
            more,
        )
    return head + format_html("  {}\n  {}\n  \n  {}\n  \n</li>\n", status, description, listed)


def _service_item(org, url, service, note):
    name = service.name
    types = []
    for term in service.listed_terms:
        term_name = term.name
        if term_name != name:
            types.append(format_html('<span class="badge type">{}</span> ', term_name))
    return format_html(
        '\n    <li><a href="{}#service-{}">{}</a>{}\n      {}\n    </li>\n    ',
        url,
        service.pk,
        name,
        format_html(" {}", note) if service.untranslated and not org.untranslated else "",
        _join(types),
    )


@register.simple_tag
def facet_boxes(facets):
    """A `<fieldset>` of checkboxes per facet (components/facet.html)."""
    return _join(_facet_box(facet) for facet in facets)


def _facet_box(facet):
    name = facet.name
    if facet.values:
        inner = format_html(
            '\n  <ul class="facet-values{}">\n    {}\n  </ul>\n  ',
            " long" if len(facet.values) > 10 else "",
            _join(_facet_value(name, item, "    ", _facet_children(name, item)) for item in facet.values),
        )
    else:
        inner = format_html(
            '\n  <p class="muted small">{}</p>\n  ', gettext("No choices for the current results.")
        )
    return format_html(
        '<fieldset class="facet facet-{0}" data-testid="facet-{0}">\n'
        "  <legend>{1}</legend>\n  {2}\n</fieldset>\n",
        name,
        facet.label,
        inner,
    )


def _facet_children(name, item):
    """The sub-list line of a top-level value (blank when it has none)."""
    if not item.children:
        return ""
    return format_html(
        '\n      <ul class="facet-values sub">\n        {}\n      </ul>\n      ',
        _join(_facet_value(name, child, "        ") for child in item.children),
    )


def _facet_value(name, item, indent, children=None):
    """One value's `<li>` (`indent`: its place in the markup); a top-level value has a line for
    its sub-list (`children`), a sub-value none."""
    input_id = _e(facet_input_id(name, item.value))
    name, value, count = _e(name), _e(item.value), _e(item.count)
    selected = ' class="selected"' if item.selected else ""
    checked = " checked" if item.selected else ""
    label = _e(item.label)
    sub = f"{indent}  {_e(children)}\n" if children is not None else ""
    return SafeString(
        f'\n{indent}<li data-facet="{name}" data-value="{value}" data-count="{count}"{selected}>\n'
        f"{indent}  \n"
        f'{indent}  <input type="checkbox" id="{input_id}" name="{name}" value="{value}"{checked}>\n'
        f'{indent}  <label for="{input_id}">{label} <span class="facet-count">{count}</span></label>\n'
        f"{sub}"
        f"{indent}</li>\n{indent}"
    )
