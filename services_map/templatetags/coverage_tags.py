"""Coverage cells and freshness labels, rendered in Python: the matrix has about 500 cells and a
province page up to 500 entries, and an included template with plural phrases for each was most
of those pages' rendering time. The markup is the templates' it replaces, to the byte."""

import datetime
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from directory.templatetags.listing_tags import _e  # escaping without format_html's per-call cost

register = template.Library()


def _count(singular, plural, n):
    return _said(get_language(), singular, plural, n)


@lru_cache(maxsize=4096)
def _said(language, singular, plural, n):
    """A count in words, escaped (the same few hundred phrases on every matrix: looked up once
    per language, count and phrase by this process; `language` is the active one)."""
    return conditional_escape(ngettext(singular, plural, n) % {"counter": n})


CELL_BASED = '<span class="based">{}</span>'


@register.simple_tag
def coverage_cell(cell):
    """One matrix cell; pieces escaped as they are made, joined by one format_html."""
    state = cell.state
    if state == "ok":
        inner = SafeString(
            CELL_BASED.format(_count("%(counter)s based here", "%(counter)s based here", cell.based_verified))
        )
        if cell.reaching_verified:
            reaches = _count("%(counter)s reaches", "%(counter)s reach", cell.reaching_verified)
            inner += SafeString(f' <span class="reaching">+{reaches}</span>')
    elif state == "reached":
        said = _count("%(counter)s reaches here", "%(counter)s reach here", cell.reaching_verified)
        inner = SafeString(f'<span aria-hidden="true">↗ </span>{said}')
    elif state == "stale":
        said = _count("%(counter)s not verified", "%(counter)s not verified", cell.stale)
        inner = SafeString(f'<span aria-hidden="true">⚠ </span>{said}')
    else:
        inner = SafeString(f'<span aria-hidden="true">✕ </span>{conditional_escape(gettext("none"))}')
    if cell.stale and cell.verified:
        stale = _count("%(counter)s not verified", "%(counter)s not verified", cell.stale)
        inner += SafeString(f' <span class="also-stale">+{stale}</span>')
    return format_html(
        '<td class="cell {0}" data-state="{0}" data-verified="{1}" data-stale="{2}" data-based="{3}" '
        'data-reaching="{4}">{5}</td>',
        state,
        cell.verified,
        cell.stale,
        cell.based_verified,
        cell.reaching_verified,
        inner,  # safe: literal markup and escaped words only
    )


FRESHNESS_BADGES = {
    "overdue": ('<strong class="badge warn overdue">{}</strong>', "Overdue for review"),
    "orphaned": ('<strong class="badge warn overdue">{}</strong>', "Orphaned: no active steward"),
    "due": ('<span class="badge due">{}</span>', "Due for review"),
}


@register.simple_tag
def freshness_label(item):
    """components/map_freshness.html in Python, for the province page's hundreds of entries."""
    return FreshnessLabels()(item)


class FreshnessLabels:
    """`freshness_label` for many items in one language: the words made once, each date
    formatted by hand as the `date` filter formats it ("Y-m-d" and "j M Y", the month's short
    name in the language: 800 calls of the filter were a fifth of a province page)."""

    def __init__(self):
        self.months = {}
        self.said = {}  # days -> "Last verified ..."
        self.badges = {
            state: format_html(" " + markup, gettext(words))
            for state, (markup, words) in FRESHNESS_BADGES.items()
        }
        self.never = gettext("Not yet verified")
        self.made = {}  # (date, days, state) -> label

    def cached(self, item):
        """The label of `item`, made once per date, age and state by this instance."""
        key = (item.last_verified, item.days, str(item.freshness))
        label = self.made.get(key)
        if label is None:
            label = self.made[key] = self(item)
        return label

    def _month(self, month):
        name = self.months.get(month)
        if name is None:
            name = self.months[month] = MONTHS_3[month].title()
        return name

    def __call__(self, item):
        day = item.last_verified
        if day:
            said = self.said.get(item.days)
            if said is None:
                if item.days == 0:
                    said = gettext("Last verified today")
                else:
                    said = ngettext(
                        "Last verified %(days)s day ago", "Last verified %(days)s days ago", item.days
                    ) % {"days": item.days}
                self.said[item.days] = said
            if isinstance(day, datetime.datetime):  # the filter's own path for what it has not been given
                formats = (date_filter(day, "Y-m-d"), date_filter(day, "j M Y"))
            else:
                formats = (day.isoformat(), f"{day.day} {self._month(day.month)} {day.year:04d}")
            markup = LABEL_VERIFIED
        else:
            said, formats, markup = self.never, ("", ""), LABEL_NEVER
        # One format_html call: the same markup as the template's pieces joined.
        return format_html(markup, item.freshness, said, *formats, self.badges.get(str(item.freshness), ""))


LABEL_START = '<span class="freshness freshness-{0}" data-testid="freshness" data-freshness="{0}">'
LABEL_VERIFIED = LABEL_START + '{1} (<time datetime="{2}">{3}</time>){4}</span>'
LABEL_NEVER = LABEL_START + "{1}{4}</span>"


# Labels by (language, date, days, state): the same few hundred on every province page and
# pack of a day, made once per process (the words come from the language's catalogue only).
_LABELS = {}
_LABELS_KEPT = 8192


def _label_maker(language):
    maker = _LABELS.get(language)
    if maker is None or len(maker.made) > _LABELS_KEPT:
        maker = _LABELS[language] = FreshnessLabels()
    return maker


@register.simple_tag
def coverage_services(items, area, limit=25):
    """The `<li>` of each of the first `limit` items of a province page's family (up to 25 in
    each of 21 families): one tag instead of a template loop, each distinct freshness label
    made once per process and language, every value escaped as it is joined in."""
    badge = '<span class="badge{}" data-testid="{}">{}</span>'
    based = badge.format(" based-badge", "based-here", _e(gettext("based here")))
    nationwide = badge.format("", "reaches-here", _e(gettext("nationwide")))
    reaching = badge.format("", "reaches-here", _e(gettext("reaches here from elsewhere")))
    maker = _label_maker(get_language())
    rows = []
    for item in items[:limit]:
        label = maker.cached(item)
        if area.pk in item.based:
            where = based
        elif item.nationwide:
            where = nationwide
        else:
            where = reaching
        rows.append(
            f'\n    <li data-testid="coverage-service" data-service="{_e(item.pk)}">\n'
            f'      <a href="{_e(item.url)}">{_e(item.name)}</a> – {_e(item.organization_name)} {where}'
            f'\n      <br><span class="small">{label}</span>\n    </li>'
        )
    return SafeString("".join(rows))  # safe: literal markup, escaped values and escaped labels
