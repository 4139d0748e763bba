"""The directory listing's result cards and filter boxes, rendered in Python.

A listing page shows 25 cards of up to five services each and five filter boxes of up to
thirty values; as included templates they were about half of the page's rendering time at
national scale (issue 13). The markup is that of `components/result.html` (now here only) and
`components/facet.html` (still the search, map and library pages' template), to the byte:
tests/directory/test_listing_markup.py renders both ways and compares.

Every value goes through `_e` (html.escape, what `format_html` does to a value, without its
overhead: a page puts in about 1,500) or, in the filter boxes' frames, `format_html`; URLs and
translations included; nothing is marked safe but markup built here from escaped values.
"""

import re
import unicodedata
from functools import cache, lru_cache
from html import escape as _escape

from django import template
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from ..models import Organization
from .directory_tags import facet_input_id

register = template.Library()

SERVICES_SHOWN = 5


def _untranslated_note():
    # includes/untranslated_note.html, with the newline that ends the file.
    return (
        '<span class="untranslated-note badge" data-testid="untranslated-note">'
        f"{_e(gettext('Not yet translated: shown in English'))}</span>\n"
    )


@cache
def _choice_labels(model, field):
    """{value: label (lazy: said in the active language)} of a choice field; what
    `get_FOO_display()` looks up, without hashing every choice again on each call."""
    return dict(model._meta.get_field(field).flatchoices)


def _display(model, obj, field):
    value = getattr(obj, field)
    return _choice_labels(model, field).get(value, value)


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
    900 values a page, the cards about 600)."""
    if type(value) is str:  # most values: plain text read from the database
        return _escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


@register.simple_tag
def result_cards(orgs):
    """The `<li>` card of each organization of a listing page (components/result.html), for the
    listing's rows (`directory.listing_rows.ListedOrganization`: plain values, localized)."""
    words = {
        "note": _untranslated_note(),
        "demo": _e(gettext("Demo")),
        "now": _e(gettext("Now:")),
        "services": _e(gettext("Services")),
        "url": _organization_urls(),
        "term": _term_names(),
        "call": _e(gettext("Call")),
        "unverified": _e(gettext("number not yet verified")),
        "hours": _e(gettext("Hours:")),
        "add": _e(gettext("Add to referral list")),
    }
    return SafeString("".join([_card(org, words) for org in orgs]))


# What Django's `slug` path converter matches: such a slug goes into a URL as it is.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_PLACEHOLDER = "slug-placeholder"


def _organization_urls():
    """`url(slug)`: `reverse("directory:organization", slug=slug)` for a page of cards; reversed
    once (the language prefix included), a slug the converter takes is put in as it is."""
    prefix, _, suffix = reverse("directory:organization", kwargs={"slug": _PLACEHOLDER}).partition(
        _PLACEHOLDER
    )

    def url(slug):
        if _SLUG.match(slug):
            return f"{prefix}{slug}{suffix}"
        return reverse("directory:organization", kwargs={"slug": slug})

    return url


def _term_names():
    """`name(term)`: a service type's name in the active language, looked up once a page."""
    names = {}

    def name(term):
        found = names.get(term.pk)
        if found is None:
            found = names[term.pk] = term.name
        return found

    return name


def _card(org, words):
    """One card. Every value is escaped here (`_e`), URLs included; the only markup put in as it
    is is built in this module."""
    url = _e(words["url"](org.slug))
    closed = org.is_closed
    acronyms = ""
    if org.listed_acronyms:
        acronyms = f' <span class="acronyms">({", ".join([_e(a) for a in org.listed_acronyms])})</span>'
    demo = f'<span class="badge demo" data-testid="demo-badge">{words["demo"]}</span>' if org.is_demo else ""
    place = f"{_e(org.province.name)}, " if org.province is not None else ""
    country = _e(org.country.name) if org.country is not None else ""
    parts = [
        f'<li class="result{" closed" if closed else ""}" data-testid="result" data-slug="{_e(org.slug)}">\n'
        '  <h3 class="result-title">\n'
        f'    <a href="{url}">{_e(org.name)}</a>{acronyms}\n'
        f"    {demo}\n"
        f"    {words['note'] if org.untranslated else ''}\n"
        "  </h3>\n"
        '  <p class="result-meta">\n'
        f'    <span class="org-type">{_e(_display(Organization, org, "org_type"))}</span> ·\n'
        f'    <span class="place">{place}{country}</span>\n'
        "  </p>\n  ",
        _distance(getattr(org, "distance", None)),
        _hours(getattr(org, "hours", None)),
        _reach(getattr(org, "reach", None), words),
    ]
    if org.status != "active":
        successor = org.successor if org.successor_id else None
        now = ""
        if successor and successor.live:
            now = (
                f'{words["now"]} <a href="{_e(words["url"](successor.slug))}" data-testid="successor-link">'
                f"{_e(successor.name)}</a>"
            )
        parts.append(
            f'\n  <p class="status status-{_e(org.status)}" data-testid="result-status">\n'
            f'    <span class="badge{" warn" if closed else ""}">'
            f"{_e(_display(Organization, org, 'status'))}</span>\n"
            f"    {now}\n"
            "  </p>\n  "
        )
    parts.append("\n  ")
    if org.description:
        parts.append(f'<p class="result-description">{_e(_shortened(org.description))}</p>')
    parts.append("\n  \n  ")
    services = org.matching_services
    if services:
        note = words["note"]
        term = words["term"]
        items = "".join([_service_item(org, url, s, note, term) for s in services[:SERVICES_SHOWN]])
        more = ""
        if len(services) > SERVICES_SHOWN:
            n = len(services) - SERVICES_SHOWN
            label = ngettext("and %(counter)s more service", "and %(counter)s more services", n)
            label %= {"counter": n}
            more = f'<p class="more muted small"><a href="{url}#services">{_e(label)}</a></p>'
        parts.append(
            f'\n  <ul class="result-services" aria-label="{words["services"]}">\n'
            f"    {items}\n  </ul>\n  {more}\n  "
        )
    parts.append(
        f'\n  <p class="result-actions"><button type="button" class="list-add" '
        f'data-list-add="o:{_e(org.translation_key)}" hidden>{words["add"]}</button></p>'
    )
    parts.append("\n  \n</li>\n")
    return "".join(parts)


def _distance(distance):
    """How far the organization's nearest place is ("approximate": measured to an area centre,
    or to a point that marks the town rather than the address)."""
    if distance is None:
        return ""
    from services_map.nearby import distance_label

    approximate = " approximate" if distance.approximate else ""
    return (
        f'<p class="distance{approximate}" data-testid="distance" data-km="{distance.km:.3f}">'
        f"{_e(distance_label(distance))}</p>\n  "
    )


def _hours(status):
    """The card's "Open 24/7", "Open now · closes at 17:00" or "Closed now · opens ..." badge."""
    if status is None:
        return ""
    from ..opening import status_label

    state = "always" if status.always else "open" if status.open_now else "closed"
    return (
        f'<p class="open-status {state}" data-testid="open-status" data-state="{state}">'
        f'<span class="badge">{_e(status_label(status))}</span></p>\n  '
    )


def _reach(reach, words):
    """The card's contact line: the call button of the viewer's best visible phone (saying when
    nobody has verified it), its hours, and links to its messaging channels."""
    if not reach:
        return ""
    parts = ['<div class="result-reach" data-testid="result-reach">']
    call = reach.call
    if call is not None:
        parts.append(
            f'<a class="call button" href="{_e(call.tel_uri)}" data-testid="call-link">'
            f'{words["call"]} <span class="number">{_e(call.display)}</span></a>'
        )
        if not call.verified_on:
            parts.append(f' <span class="badge warn unverified">{words["unverified"]}</span>')
        if call.hours:
            parts.append(f' <span class="hours small">{words["hours"]} {_e(call.hours)}</span>')
    for phone, uri in reach.messages:
        label = _e(_display(type(phone), phone, "channel"))
        if uri:
            parts.append(
                f' <a class="message" href="{_e(uri)}" rel="noopener noreferrer" data-testid="message-link">'
                f"{label}</a>"
            )
        else:
            parts.append(f' <span class="message">{label}: {_e(phone.display)}</span>')
    parts.append("</div>\n  ")
    return "".join(parts)


def _service_item(org, url, service, note, term_name):
    """One service's `<li>` (`url`: the organization's, escaped already)."""
    name = service.name
    types = "".join(
        [
            f'<span class="badge type">{_e(term)}</span> '
            for term in map(term_name, service.listed_terms)
            if term != name
        ]
    )
    noted = f" {note}" if service.untranslated and not org.untranslated else ""
    return (
        f'\n    <li><a href="{url}#service-{_e(service.pk)}">{_e(name)}</a>{noted}\n'
        f"      {types}\n    </li>\n    "
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
