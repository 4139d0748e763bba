"""“Open now” and “24/7” from weekly hours (directory/opening.py): boundaries, overnight spans,
the week's wrap, split shifts, 24/7, time zones of offices abroad, the directory-wide set of
open services and the badge on the organization page."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from wagtail.models import Locale

from directory import opening
from directory.models import Schedule, Service
from directory.opening import (
    CAPITAL_ZONES,
    always_open_keys,
    country_zones,
    hours_status,
    open_now_keys,
    status_label,
    zone_for,
)

PP = ZoneInfo("Asia/Phnom_Penh")
UTC = datetime.UTC
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def at(day, hour, minute=0, zone=PP):
    """Monday 2 June 2025 + `day` days, at hour:minute in `zone`."""
    return datetime.datetime(2025, 6, 2 + day, hour, minute, tzinfo=zone)


def t(hour, minute=0):
    return datetime.time(hour, minute)


def row(weekday, opens=None, closes=None, open_24h=False):
    return Schedule(weekday=weekday, opens_at=opens, closes_at=closes, open_24h=open_24h)


def status(rows, when, zone=PP):
    return hours_status(rows, when, zone)


def opens_next(rows, when):
    day, time = status(rows, when).opens_next
    return str(day), time


OFFICE = [row(day, t(8), t(17)) for day in DAYS[:5]]
FRIDAY_NIGHT = [row("FR", t(22), t(6))]


@pytest.fixture(autouse=True)
def _fresh_cache():
    opening._data["token"] = None
    opening._minute["key"] = None


# --- Office hours ----------------------------------------------------------------------------


def test_office_hours_open_at_the_opening_minute_and_closed_at_the_closing_minute():
    before = status(OFFICE, at(0, 7, 59))
    assert (before.known, before.open_now, before.closes_at) == (True, False, None)
    assert opens_next(OFFICE, at(0, 7, 59)) == ("Monday", t(8))

    opened = status(OFFICE, at(0, 8))
    assert (opened.open_now, opened.closes_at, opened.closes_on, opened.opens_next) == (True, t(17), None, None)
    assert status(OFFICE, at(0, 16, 59)).open_now is True

    closed = status(OFFICE, at(0, 17))
    assert closed.open_now is False
    assert opens_next(OFFICE, at(0, 17)) == ("Tuesday", t(8))


def test_office_hours_at_the_weekend_open_on_monday():
    assert status(OFFICE, at(5, 11)).open_now is False
    assert opens_next(OFFICE, at(5, 11)) == ("Monday", t(8))
    assert opens_next(OFFICE, at(4, 17)) == ("Monday", t(8))


def test_the_moment_is_read_in_the_zone_given():
    # 01:30 UTC on Monday is 08:30 in Phnom Penh.
    assert status(OFFICE, datetime.datetime(2025, 6, 2, 1, 30, tzinfo=UTC)).open_now is True
    with pytest.raises(ValueError):
        status(OFFICE, datetime.datetime(2025, 6, 2, 9, 0))


# --- Overnight, the week's wrap, split shifts ----------------------------------------------


def test_an_overnight_span_runs_into_the_next_morning():
    assert status(FRIDAY_NIGHT, at(4, 21, 59)).open_now is False
    assert opens_next(FRIDAY_NIGHT, at(4, 21, 59)) == ("Friday", t(22))

    evening = status(FRIDAY_NIGHT, at(4, 22))
    assert (evening.open_now, evening.closes_at, evening.closes_on) == (True, t(6), None)

    morning = status(FRIDAY_NIGHT, at(5, 5, 59))
    assert (morning.open_now, morning.closes_at) == (True, t(6))

    assert status(FRIDAY_NIGHT, at(5, 6)).open_now is False
    assert opens_next(FRIDAY_NIGHT, at(5, 6)) == ("Friday", t(22))
    assert status(FRIDAY_NIGHT, at(0, 1)).open_now is False  # not the night before Monday


def test_sunday_night_runs_into_monday():
    rows = [row("SU", t(22), t(2))]
    monday = status(rows, at(0, 1))
    assert (monday.open_now, monday.closes_at) == (True, t(2))
    assert status(rows, at(0, 2)).open_now is False
    assert status(rows, at(6, 21, 59)).open_now is False
    assert status(rows, at(6, 23)).closes_at == t(2)
    assert opens_next(rows, at(0, 2)) == ("Sunday", t(22))


def test_sunday_night_joins_monday_morning():
    rows = [row("SU", t(22), t(2)), row("MO", t(2), t(5))]
    assert status(rows, at(6, 23)).closes_at == t(5)
    assert status(rows, at(0, 1)).closes_at == t(5)
    assert status(rows, at(0, 4, 59)).open_now is True
    assert status(rows, at(0, 5)).open_now is False


def test_a_split_shift_is_closed_at_lunch():
    rows = [row("MO", t(8), t(12)), row("MO", t(14), t(17))]
    assert status(rows, at(0, 11)).closes_at == t(12)
    assert status(rows, at(0, 12)).open_now is False
    assert opens_next(rows, at(0, 12, 30)) == ("Monday", t(14))
    assert status(rows, at(0, 13, 59)).open_now is False
    assert status(rows, at(0, 14)).closes_at == t(17)


def test_spans_that_touch_are_one():
    rows = [row("FR", open_24h=True), row("SA", t(0), t(6))]
    friday = status(rows, at(4, 10))
    assert (friday.open_now, friday.closes_at, friday.closes_on) == (True, t(6), None)


# --- 24 hours ----------------------------------------------------------------------------------


def test_open_24_hours_every_day_is_24_7():
    for rows in ([row(day, open_24h=True) for day in DAYS], [row("", open_24h=True)]):
        always = status(rows, at(2, 3))
        assert (always.always, always.open_now, always.closes_at, always.opens_next) == (True, True, None, None)
        assert status_label(always) == "Open 24/7"


def test_six_days_of_24_hours_are_open_but_not_24_7():
    rows = [row(day, open_24h=True) for day in DAYS[:6]]
    monday = status(rows, at(0, 10))
    assert (monday.always, monday.open_now, monday.closes_at) == (False, True, t(0))
    assert str(monday.closes_on) == "Sunday"  # more than a day away: the day is said
    assert status(rows, at(6, 10)).open_now is False
    assert opens_next(rows, at(6, 10)) == ("Monday", t(0))


def test_an_empty_weekday_means_every_day():
    rows = [row("", t(9), t(11))]
    for day in range(7):
        assert status(rows, at(day, 10)).open_now is True
        assert status(rows, at(day, 11)).open_now is False


# --- What is not known ------------------------------------------------------------------------


def test_no_usable_rows_say_nothing():
    for rows in ([], [row("MO", t(8), None)], [row("MO")], [row("MO", t(8), t(8))], [row("XX", t(8), t(17))]):
        unknown = status(rows, at(0, 9))
        assert (unknown.known, unknown.open_now, unknown.opens_next) == (False, False, None), rows
        assert status_label(unknown) == ""


def test_rows_may_be_tuples():
    rows = [("MO", False, t(8), t(17))]
    assert status(rows, at(0, 9)).closes_at == t(17)


# --- Labels ------------------------------------------------------------------------------------


def test_labels_in_english_and_khmer():
    from django.utils import translation

    assert status_label(status(OFFICE, at(0, 9))) == "Open now · closes at 5 p.m."
    assert status_label(status(OFFICE, at(5, 9))) == "Closed now · opens Monday 8 a.m."
    with translation.override("km"):
        assert status_label(status(OFFICE, at(0, 9))) == "កំពុងបើក · បិទនៅម៉ោង 17:00"
        assert status_label(status(OFFICE, at(5, 9))) == "បិទឥឡូវនេះ · បើកវិញ ថ្ងៃច័ន្ទ ម៉ោង 8:00"


# --- Time zones ----------------------------------------------------------------------------------


def test_zones_by_country():
    assert zone_for("KH").key == "Asia/Phnom_Penh"
    assert zone_for("").key == zone_for(None).key == zone_for("ZZ").key == "Asia/Phnom_Penh"
    assert zone_for("TH").key == "Asia/Bangkok"
    assert zone_for("KR").key == "Asia/Seoul"
    assert zone_for("kr").key == "Asia/Seoul"
    assert zone_for("TH:TH-10").key == "Asia/Bangkok"  # an area key starts with the country
    # Several zones: the capital's.
    assert zone_for("US").key == "America/New_York"
    assert zone_for("AU").key == "Australia/Sydney"
    assert zone_for("ID").key == "Asia/Jakarta"
    assert zone_for("CN").key == "Asia/Shanghai"
    assert zone_for("MY").key == "Asia/Kuala_Lumpur"


def test_capital_zones_are_their_countries_zones():
    zones = country_zones()
    for code, name in CAPITAL_ZONES.items():
        assert name in zones[code], code
        assert len(zones[code]) > 1, code  # an override only where there is a choice


def test_the_same_instant_in_bangkok_and_seoul():
    # 09:30 UTC on Monday: 16:30 in Bangkok (open), 18:30 in Seoul (closed).
    instant = datetime.datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    bangkok = status(OFFICE, instant, zone_for("TH"))
    seoul = status(OFFICE, instant, zone_for("KR"))
    assert (bangkok.open_now, bangkok.closes_at) == (True, t(17))
    assert (seoul.open_now, str(seoul.opens_next[0]), seoul.opens_next[1]) == (False, "Tuesday", t(8))
    assert seoul.foreign_zone == "Asia/Seoul"
    assert status(OFFICE, instant).foreign_zone == ""


# --- Every live service at once ---------------------------------------------------------------


def hours(service, rows):
    for weekday, opens, closes in rows:
        Schedule.objects.create(service=service, weekday=weekday, opens_at=opens, closes_at=closes)


def key(service):
    return str(service.translation_key)


@pytest.mark.django_db
def test_open_now_keys_hold_live_services_of_live_organizations(make_org, make_service):
    org = make_org()
    open_service = make_service(org, "Open")
    draft = make_service(org, "Draft", live=False)
    paused = make_service(org, "Paused", status="temporarily closed")
    unknown = make_service(org, "No hours")
    hidden_org = make_org(live=False)
    of_hidden = make_service(hidden_org, "Of an unpublished organization")
    for service in (open_service, draft, paused, of_hidden):
        hours(service, [(day, t(8), t(17)) for day in DAYS[:5]])
    around_the_clock = make_service(org, "Hotline")
    Schedule.objects.create(service=around_the_clock, weekday="", open_24h=True)

    keys = open_now_keys(at(0, 9))
    assert key(open_service) in keys and key(around_the_clock) in keys
    assert not {key(draft), key(paused), key(of_hidden), key(unknown)} & keys
    assert key(open_service) not in open_now_keys(at(0, 17))
    assert open_now_keys(at(5, 9)) >= {key(around_the_clock)}
    assert always_open_keys() >= {key(around_the_clock)}
    assert key(open_service) not in always_open_keys()
    assert all(uuid.UUID(k) for k in keys)


@pytest.mark.django_db
def test_open_now_keys_read_each_office_in_its_zone(make_org, make_service):
    bangkok = make_service(make_org(country="TH", area_key=None))
    seoul = make_service(make_org(country="KR", area_key=None))
    for service in (bangkok, seoul):
        hours(service, [("MO", t(8), t(17))])
    keys = open_now_keys(datetime.datetime(2025, 6, 2, 9, 30, tzinfo=UTC))
    assert key(bangkok) in keys and key(seoul) not in keys
    keys = open_now_keys(datetime.datetime(2025, 6, 2, 0, 30, tzinfo=UTC))  # 07:30 and 09:30
    assert key(bangkok) not in keys and key(seoul) in keys


@pytest.mark.django_db
def test_only_default_locale_services_are_read(make_org, make_service):
    org = make_org()
    service = make_service(org)
    hours(service, [("MO", t(8), t(17))])
    km, _ = Locale.objects.get_or_create(language_code="km")
    translation = Service(
        organization=org, name="Khmer copy", locale=km, live=True, translation_key=service.translation_key
    )
    translation.save()
    hours(translation, [("MO", t(18), t(20))])  # differing hours in a translation are not read
    assert key(service) in open_now_keys(at(0, 9))
    assert key(service) not in open_now_keys(at(0, 19))


@pytest.mark.django_db
def test_an_edit_is_seen_by_the_next_call(make_org, make_service, django_assert_max_num_queries):
    service = make_service(make_org())
    hours(service, [("MO", t(8), t(17))])
    assert key(service) in open_now_keys(at(0, 16))
    with django_assert_max_num_queries(1):  # the same minute: only the change token is read
        assert key(service) in open_now_keys(at(0, 16))

    row = service.schedules.get()
    row.closes_at = t(12)
    row.save()
    assert key(service) not in open_now_keys(at(0, 16))

    row.delete()
    Schedule.objects.create(service=service, weekday="", open_24h=True)
    assert key(service) in always_open_keys()

    service.live = False
    service.save()
    assert key(service) not in open_now_keys(at(0, 16))


@pytest.mark.django_db
def test_rows_are_read_in_few_queries(make_org, make_service, django_assert_max_num_queries):
    org = make_org()
    for n in range(5):
        hours(make_service(org, f"Service {n}"), [(day, t(8), t(17)) for day in DAYS])
    with django_assert_max_num_queries(3):  # the token, the default locale, the rows
        assert len(open_now_keys(at(0, 9))) >= 5


# --- The organization page -------------------------------------------------------------------


@pytest.fixture
def clinic(make_org, make_service, monkeypatch):
    org = make_org("Riverside Clinic", slug="riverside-clinic")
    service = make_service(org, "Walk-in counselling")
    hours(service, [(day, t(8), t(17)) for day in DAYS[:5]])
    no_hours = make_service(org, "Outreach")
    monkeypatch.setattr(opening, "_now", lambda: at(0, 9))
    return org, service, no_hours


def section(html, service):
    start = html.index(f'id="service-{service.pk}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_the_organization_page_shows_the_badge_and_the_holidays_note(client, clinic):
    org, service, no_hours = clinic
    html = client.get(reverse("directory:organization", kwargs={"slug": org.slug})).content.decode()
    shown = section(html, service)
    assert 'data-testid="open-status" data-state="open"' in shown
    assert "Open now · closes at 5 p.m." in shown
    assert "Public holidays are not taken into account." in shown
    assert shown.index('data-testid="open-status"') < shown.index("Public holidays")
    assert "open-status" not in section(html, no_hours)
    assert "Public holidays" not in section(html, no_hours)


@pytest.mark.django_db
def test_the_badge_when_closed(client, clinic, monkeypatch):
    org, service, _ = clinic
    monkeypatch.setattr(opening, "_now", lambda: at(5, 9))
    html = client.get(reverse("directory:organization", kwargs={"slug": org.slug})).content.decode()
    assert 'data-state="closed"' in section(html, service)
    assert "Closed now · opens Monday 8 a.m." in section(html, service)


@pytest.mark.django_db
def test_the_badge_in_khmer(client, clinic):
    org, service, _ = clinic
    html = client.get(f"/km/directory/{org.slug}/").content.decode()
    assert "កំពុងបើក · បិទនៅម៉ោង 17:00" in section(html, service)
    assert "មិនបានគិតពីថ្ងៃឈប់សម្រាកសាធារណៈទេ។" in section(html, service)


@pytest.mark.django_db
def test_an_office_abroad_says_its_times_are_local(client, make_org, make_service, monkeypatch):
    org = make_org("Seoul Migrant Centre", slug="seoul-migrant-centre", country="KR", area_key=None)
    service = make_service(org, "Legal aid")
    hours(service, [(day, t(8), t(17)) for day in DAYS[:5]])
    monkeypatch.setattr(opening, "_now", lambda: datetime.datetime(2025, 6, 2, 9, 30, tzinfo=UTC))
    shown = section(client.get(f"/directory/{org.slug}/").content.decode(), service)
    assert "Closed now · opens Monday 8 a.m." not in shown  # 18:30 in Seoul: next is Tuesday
    assert "Closed now · opens Tuesday 8 a.m." in shown
    assert "Local time (Asia/Seoul)" in shown


@pytest.mark.django_db
def test_a_temporarily_closed_service_gets_no_open_badge(client, clinic):
    org, service, _ = clinic
    service.status = "temporarily closed"
    service.save()
    shown = section(client.get(f"/directory/{org.slug}/").content.decode(), service)
    assert "Open now" not in shown
    assert "Temporarily closed" in shown
