"""The province page's freshness labels, made in Python (coverage_tags.FreshnessLabels), say
what the `date` filter and the template pieces said, and the matrix cells (coverage_cell, words
looked up once per count) are the markup they were, in every interface language."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

from services_map.coverage import Cell, ServiceItem
from services_map.templatetags.coverage_tags import (
    FRESHNESS_BADGES,
    FreshnessLabels,
    coverage_cell,
    coverage_services,
    freshness_label,
)


def reference(item):
    """The label as components/map_freshness.html pieced it together before."""
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


TODAY = datetime.date(2026, 12, 1)
ITEMS = (
    [
        SimpleNamespace(last_verified=TODAY - datetime.timedelta(days), days=days, freshness=state)
        for days, state in (
            (0, "fresh"),
            (1, "fresh"),
            (2, "fresh"),
            (170, "due"),
            (400, "overdue"),
            (35, "orphaned"),
        )
    ]
    + [
        SimpleNamespace(last_verified=datetime.date(2026, month, 9), days=20 + month, freshness="fresh")
        for month in range(1, 13)
    ]
    + [
        SimpleNamespace(last_verified=None, days=None, freshness=state)
        for state in ("unverified", "overdue", "due")
    ]
)


@pytest.mark.parametrize("language", ["en", "km", "th", "vi", "lo"])
def test_labels_read_as_the_template_pieces_did(language):
    with translation.override(language):
        labels = FreshnessLabels()
        for item in ITEMS:
            assert labels(item) == reference(item), item
            assert freshness_label(item) == reference(item)


def _ref_count(singular, plural, n):
    return ngettext(singular, plural, n) % {"counter": n}


def reference_cell(cell):
    state = cell.state
    if state == "ok":
        inner = format_html(
            '<span class="based">{}</span>',
            _ref_count("%(counter)s based here", "%(counter)s based here", cell.based_verified),
        )
        if cell.reaching_verified:
            inner += format_html(
                ' <span class="reaching">+{}</span>',
                _ref_count("%(counter)s reaches", "%(counter)s reach", cell.reaching_verified),
            )
    elif state == "reached":
        inner = format_html(
            '<span aria-hidden="true">↗ </span>{}',
            _ref_count("%(counter)s reaches here", "%(counter)s reach here", cell.reaching_verified),
        )
    elif state == "stale":
        inner = format_html(
            '<span aria-hidden="true">⚠ </span>{}',
            _ref_count("%(counter)s not verified", "%(counter)s not verified", cell.stale),
        )
    else:
        inner = format_html('<span aria-hidden="true">✕ </span>{}', gettext("none"))
    if cell.stale and cell.verified:
        inner += format_html(
            ' <span class="also-stale">+{}</span>',
            _ref_count("%(counter)s not verified", "%(counter)s not verified", cell.stale),
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


@pytest.mark.parametrize("language", ["en", "km", "th", "vi", "lo"])
def test_matrix_cells_are_the_markup_they_were(language):
    with translation.override(language):
        for counts in itertools.product(range(3), repeat=4):
            assert coverage_cell(Cell(*counts)) == reference_cell(Cell(*counts)), counts


def reference_services(items, area, limit=25):
    """The province page's service lines as the tag made them with format_html_join."""
    badge = '<span class="badge{}" data-testid="{}">{}</span>'
    based = format_html(badge, " based-badge", "based-here", gettext("based here"))
    nationwide = format_html(badge, "", "reaches-here", gettext("nationwide"))
    reaching = format_html(badge, "", "reaches-here", gettext("reaches here from elsewhere"))
    rows = []
    for item in items[:limit]:
        where = based if area.pk in item.based else nationwide if item.nationwide else reaching
        rows.append((item.pk, item.url, item.name, item.organization_name, where, reference(item)))
    return format_html_join(
        "",
        '\n    <li data-testid="coverage-service" data-service="{}">\n      <a href="{}">{}</a> – {} {}'
        '\n      <br><span class="small">{}</span>\n    </li>',
        rows,
    )


HOSTILE = ["<script>alert(1)</script>", 'Tom & Jerry "shelter"', "O'Neil <b>", "ជំរក <img src=x onerror=1>"]


@pytest.mark.parametrize("language", ["en", "km", "th"])
def test_province_lines_are_the_markup_they_were_and_escape_what_editors_typed(language):
    area = SimpleNamespace(pk=7)
    items = [
        ServiceItem(
            pk=100 + i,
            name=HOSTILE[i % len(HOSTILE)],
            organization_name=HOSTILE[(i + 1) % len(HOSTILE)],
            organization_slug=f"org-{i}",
            families=["SHELTER"],
            freshness=src.freshness,
            days=src.days,
            last_verified=src.last_verified,
            nationwide=i % 3 == 1,
            based={7} if i % 3 == 0 else set(),
        )
        for i, src in enumerate(ITEMS)
    ]
    with translation.override(language):
        made = coverage_services(items, area, limit=30)
        assert made == reference_services(items, area, limit=30)
        assert "<script>" not in made and "<img" not in made and "<b>" not in made
        # Labels kept from an earlier page in another language are not reused in this one.
        assert coverage_services(items, area, limit=30) == made
    if language != "en":
        with translation.override("en"):
            assert coverage_services(items, area, limit=30) != made
