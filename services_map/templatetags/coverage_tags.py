"""Coverage cells and freshness labels, rendered in Python: the matrix has about 500 cells and a
province page up to 500 entries, and an included template with plural phrases for each was most
of those pages' rendering time. The markup is the templates' it replaces, to the byte."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

register = template.Library()


def _count(singular, plural, n):
    return ngettext(singular, plural, n) % {"counter": n}


@register.simple_tag
def coverage_cell(cell):
    state = cell.state
    if state == "ok":
        inner = format_html(
            '<span class="based">{}</span>',
            _count("%(counter)s based here", "%(counter)s based here", cell.based_verified),
        )
        if cell.reaching_verified:
            inner += format_html(
                ' <span class="reaching">+{}</span>',
                _count("%(counter)s reaches", "%(counter)s reach", cell.reaching_verified),
            )
    elif state == "reached":
        inner = format_html(
            '<span aria-hidden="true">↗ </span>{}',
            _count("%(counter)s reaches here", "%(counter)s reach here", cell.reaching_verified),
        )
    elif state == "stale":
        inner = format_html(
            '<span aria-hidden="true">⚠ </span>{}',
            _count("%(counter)s not verified", "%(counter)s not verified", cell.stale),
        )
    else:
        inner = format_html('<span aria-hidden="true">✕ </span>{}', gettext("none"))
    if cell.stale and cell.verified:
        inner += format_html(
            ' <span class="also-stale">+{}</span>',
            _count("%(counter)s not verified", "%(counter)s not verified", cell.stale),
        )
    return format_html(
        '<td class="cell {0}" data-state="{0}" data-verified="{1}" data-stale="{2}" data-based="{3}" '
        'data-reaching="{4}">{5}</td>',
        state,
        cell.verified,
        cell.stale,
        cell.based_verified,
        cell.reaching_verified,
        inner,  # already safe: built above with format_html (a SafeString stays safe when added to)
    )


FRESHNESS_BADGES = {
    "overdue": ('<strong class="badge warn overdue">{}</strong>', "Overdue for review"),
    "orphaned": ('<strong class="badge warn overdue">{}</strong>', "Orphaned: no active steward"),
    "due": ('<span class="badge due">{}</span>', "Due for review"),
}


@register.simple_tag
def freshness_label(item):
    """components/map_freshness.html in Python, for the province page's hundreds of entries."""
    if item.last_verified:
        if item.days == 0:
            said = gettext("Last verified today")
        else:
            said = ngettext(
                "Last verified %(days)s day ago", "Last verified %(days)s days ago", item.days
            ) % {"days": item.days}
        text = format_html(
            '{} (<time datetime="{}">{}</time>)',
            said,
            date_filter(item.last_verified, "Y-m-d"),
            date_filter(item.last_verified, "j M Y"),
        )
    else:
        text = format_html("{}", gettext("Not yet verified"))
    badge = FRESHNESS_BADGES.get(str(item.freshness))
    if badge:
        text += format_html(" " + badge[0], gettext(badge[1]))
    return format_html(
        '<span class="freshness freshness-{0}" data-testid="freshness" data-freshness="{0}">{1}</span>',
        item.freshness,
        text,
    )
