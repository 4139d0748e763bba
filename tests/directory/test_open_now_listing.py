"""Open now on the directory: a filter with counts and a badge on each card ("Open 24/7", "Open
now · closes at ...", "Closed now · opens ..."), read in each office's own time zone."""

import datetime
import re
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from directory import opening
from directory.models import Schedule

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def _at(monkeypatch, *args):
    moment = datetime.datetime(*args, tzinfo=PHNOM_PENH)
    monkeypatch.setattr(opening, "_now", lambda: moment)


def _page(client, **params):
    response = client.get(f"{reverse('directory:index')}?{urlencode(params, doseq=True)}")
    assert response.status_code == 200
    return response.content.decode()


def _states(html):
    """{slug: (state, badge text)} of the cards with an opening badge."""
    found = {}
    for slug, body in re.findall(r'data-slug="([^"]+)">(.*?)\n</li>', html, re.S):
        m = re.search(r'data-testid="open-status" data-state="(\w+)"><span class="badge">([^<]+)<', body)
        if m:
            found[slug] = (m.group(1), m.group(2))
    return found


def _facet(html):
    return {
        v: int(c) for v, c in re.findall(r'data-facet="open" data-value="(\w+)" data-count="(\d+)"', html)
    }


def _slugs(html):
    return re.findall(r'data-testid="result" data-slug="([^"]+)"', html)


def _hours(service, days, opens=None, closes=None, always=False):
    for day in days:
        Schedule.objects.create(
            service=service,
            weekday=day,
            open_24h=always,
            opens_at=datetime.time(*opens) if opens else None,
            closes_at=datetime.time(*closes) if closes else None,
        )


@pytest.fixture
def offices(make_org, make_service):
    office = make_org("Office Hours NGO", slug="office")
    _hours(make_service(office, "Drop-in advice"), WEEKDAYS, (8, 0), (17, 0))
    hotline = make_org("Always Hotline", slug="always")
    _hours(make_service(hotline, "Helpline"), WEEKDAYS + ["SA", "SU"], always=True)
    night = make_org("Night Outreach", slug="night")
    _hours(make_service(night, "Friday night outreach"), ["FR"], (22, 0), (6, 0))
    make_org("No Hours Known", slug="unknown")
    make_service(make_org("Quiet Office", slug="quiet"), "No schedule")
    embassy = make_org(
        "Embassy Abroad", slug="embassy", country="KR", area_key=None, org_type="diplomatic_mission"
    )
    _hours(make_service(embassy, "Consular desk"), WEEKDAYS, (9, 0), (18, 0))
    closed = make_org("Temporarily Closed Desk", slug="paused")
    _hours(make_service(closed, "Paused desk", status="temporarily closed"), WEEKDAYS, (8, 0), (17, 0))
    return office


def test_each_card_says_whether_it_is_open_now_in_its_own_zone(client, offices, monkeypatch):
    _at(monkeypatch, 2026, 12, 2, 16, 59)  # Wednesday, 16:59 in Phnom Penh = 18:59 in Seoul
    states = _states(_page(client))
    assert states["office"][0] == "open" and "closes at" in states["office"][1]
    assert states["always"] == ("always", "Open 24/7")
    assert states["night"][0] == "closed" and "Friday" in states["night"][1]
    assert states["embassy"][0] == "closed" and "Thursday" in states["embassy"][1]
    assert "unknown" not in states and "quiet" not in states
    assert "paused" not in states  # a temporarily closed service is not "open now"

    _at(monkeypatch, 2026, 12, 2, 17, 0)  # closing time: closed
    assert _states(_page(client))["office"][0] == "closed"

    _at(monkeypatch, 2026, 12, 5, 5, 59)  # Saturday 05:59: Friday's overnight span still runs
    night = _states(_page(client))["night"]
    assert night[0] == "open" and "closes at" in night[1]


def test_the_open_now_filter_and_its_counts(client, offices, monkeypatch):
    _at(monkeypatch, 2026, 12, 2, 16, 59)
    html = _page(client)
    assert _facet(html) == {"now": 2, "always": 1}
    assert sorted(_slugs(_page(client, open="now"))) == ["always", "office"]
    assert _slugs(_page(client, open="always")) == ["always"]

    _at(monkeypatch, 2026, 12, 2, 8, 30)  # 10:30 in Seoul: the embassy is open too
    assert sorted(_slugs(_page(client, open="now"))) == ["always", "embassy", "office"]
    # Combined with another filter, the counts follow it.
    html = _page(client, open="now", orgtype="diplomatic_mission")
    assert _slugs(html) == ["embassy"]
    assert _facet(html) == {"now": 1}


def test_an_unknown_value_is_ignored(client, offices, monkeypatch):
    _at(monkeypatch, 2026, 12, 2, 16, 59)
    html = _page(client, open=["soon", "<b>"])
    assert len(_slugs(html)) == 7 and "<b>" not in html


def test_an_editor_can_enter_an_overnight_span_and_the_page_reads_it(offices):
    """22:00-06:00 is a night span (the admin accepts it; the same time twice is refused)."""
    from django.core.exceptions import ValidationError

    service = offices.services.get()
    night = Schedule(service=service, weekday="SA", opens_at=datetime.time(22), closes_at=datetime.time(6))
    night.full_clean()
    with pytest.raises(ValidationError):
        Schedule(
            service=service, weekday="SA", opens_at=datetime.time(9), closes_at=datetime.time(9)
        ).full_clean()
    from directory.templatetags.directory_tags import hours

    assert hours(night) == "22:00–06:00 (next day)"
