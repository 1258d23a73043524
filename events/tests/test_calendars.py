"""The pure calendar module: local times, .ics files parsed back with icalendar, "add to calendar" links."""

import datetime as dt
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from events.calendars import (
    CalendarEntry,
    build_calendar,
    google_calendar_url,
    local_to_utc,
    outlook_calendar_url,
)

LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")


def entry(**overrides) -> CalendarEntry:
    values = dict(
        uid="event-1@example.org",
        title="UserCentriCafé: Lisbon",
        start=dt.datetime(2026, 7, 1, 10, 0, tzinfo=LISBON),
        end=dt.datetime(2026, 7, 1, 11, 30, tzinfo=LISBON),
        time_zone="Europe/Lisbon",
        description="Feedback on Lisbon's service.",
        location="Online",
        url="https://portal.example.org/events/lisbon/",
    )
    values.update(overrides)
    return CalendarEntry(**values)


class TestLocalToUtc:
    def test_summer_and_winter_offsets(self):
        assert local_to_utc(dt.datetime(2026, 7, 1, 10, 0), "Europe/Helsinki") == dt.datetime(
            2026, 7, 1, 7, 0, tzinfo=dt.UTC
        )
        assert local_to_utc(dt.datetime(2026, 12, 1, 10, 0), "Europe/Helsinki") == dt.datetime(
            2026, 12, 1, 8, 0, tzinfo=dt.UTC
        )

    def test_time_skipped_by_daylight_saving_is_refused(self):
        with pytest.raises(ValueError, match="does not exist"):
            local_to_utc(dt.datetime(2026, 3, 29, 2, 30), "Europe/Brussels")


class TestBuildCalendar:
    def test_parses_back_to_the_same_local_time_and_zone(self):
        data = build_calendar([entry()], stamp=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
        calendar = icalendar.Calendar.from_ical(data)
        [event] = calendar.walk("VEVENT")
        assert event.start == dt.datetime(2026, 7, 1, 10, 0, tzinfo=LISBON)
        assert str(event.start.tzinfo) == "Europe/Lisbon"
        assert event.end.astimezone(dt.UTC) == dt.datetime(2026, 7, 1, 10, 30, tzinfo=dt.UTC)
        assert str(event["summary"]) == "UserCentriCafé: Lisbon"
        assert str(event["uid"]) == "event-1@example.org"
        assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Lisbon"]
        assert b"DTSTART;TZID=Europe/Lisbon:20260701T100000" in data

    def test_many_entries_one_timezone_each(self):
        other = entry(uid="event-2@example.org", time_zone="Europe/Helsinki")
        calendar = icalendar.Calendar.from_ical(
            build_calendar([entry(), other], stamp=dt.datetime(2026, 6, 1, tzinfo=dt.UTC), name="All events")
        )
        assert len(calendar.walk("VEVENT")) == 2
        assert sorted(str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")) == [
            "Europe/Helsinki",
            "Europe/Lisbon",
        ]
        assert str(calendar["x-wr-calname"]) == "All events"
        helsinki = calendar.walk("VEVENT")[1].start
        assert helsinki.utcoffset() == dt.timedelta(hours=3) and helsinki.hour == 12

    def test_empty_calendar_is_valid(self):
        calendar = icalendar.Calendar.from_ical(
            build_calendar([], stamp=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
        )
        assert calendar.walk("VEVENT") == []


def test_google_link_in_utc_with_the_zone():
    query = parse_qs(urlsplit(google_calendar_url(entry())).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20260701T090000Z/20260701T103000Z"]
    assert query["ctz"] == ["Europe/Lisbon"]
    assert query["text"] == ["UserCentriCafé: Lisbon"]


def test_outlook_link():
    url = outlook_calendar_url(entry())
    assert url.startswith("https://outlook.live.com/calendar/0/action/compose?")
    query = parse_qs(urlsplit(url).query)
    assert query["startdt"] == ["2026-07-01T09:00:00Z"]
    assert query["enddt"] == ["2026-07-01T10:30:00Z"]
    assert query["subject"] == ["UserCentriCafé: Lisbon"]
