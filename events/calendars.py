"""Calendar building, pure: iCalendar (RFC 5545) files with the `icalendar` library and the "add to calendar"
links of Google Calendar and Outlook. No Django here: callers pass plain `CalendarEntry` values.

Times are written in the event's own time zone (`DTSTART;TZID=Europe/Lisbon:...`) with the matching
VTIMEZONE, so every calendar shows the right local time, including across daylight-saving changes.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import icalendar

PRODID = "-//UserCentriCities//Events//EN"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    title: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    time_zone: str  # IANA name, e.g. "Europe/Lisbon"
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE (waitlist) or CANCELLED
    last_modified: dt.datetime | None = None


def local_to_utc(local: dt.datetime, time_zone: str) -> dt.datetime:
    """The UTC instant of a naive local date and time in an IANA time zone.

    Raises ValueError for a time that does not exist there (skipped by a daylight-saving change)."""
    tz = zoneinfo.ZoneInfo(time_zone)
    aware = local.replace(tzinfo=tz)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != local:
        raise ValueError(f"{local:%Y-%m-%d %H:%M} does not exist in {time_zone} (clocks change then).")
    return utc


def _event_component(entry: CalendarEntry, *, stamp: dt.datetime) -> icalendar.Event:
    tz = zoneinfo.ZoneInfo(entry.time_zone)
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", entry.start.astimezone(tz))
    event.add("dtend", entry.end.astimezone(tz))
    event.add("summary", entry.title)
    if entry.description:
        event.add("description", entry.description)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    event.add("status", entry.status)
    if entry.last_modified:
        event.add("last-modified", entry.last_modified.astimezone(dt.UTC))
    return event


def build_calendar(
    entries: Iterable[CalendarEntry], *, stamp: dt.datetime, name: str = "", method: str = "PUBLISH"
) -> bytes:
    """An iCalendar file (bytes, CRLF line endings) with one VEVENT per entry and their VTIMEZONEs."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    entries = list(entries)
    for entry in entries:
        calendar.add_component(_event_component(entry, stamp=stamp))
    if entries:
        # Time-zone rules only for the years the events span (a year of margin), not since 1970.
        first = min(entry.start for entry in entries).date().replace(month=1, day=1)
        last = max(entry.end for entry in entries).date().replace(month=1, day=1)
        calendar.add_missing_timezones(
            first_date=first.replace(year=first.year - 1), last_date=last.replace(year=last.year + 2)
        )
    return calendar.to_ical()


def _utc_compact(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(entry: CalendarEntry) -> str:
    """Google Calendar's "create event" link, pre-filled."""
    query = {
        "action": "TEMPLATE",
        "text": entry.title,
        "dates": f"{_utc_compact(entry.start)}/{_utc_compact(entry.end)}",
        "ctz": entry.time_zone,
        "details": entry.description,
        "location": entry.location,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode({k: v for k, v in query.items() if v})


def outlook_calendar_url(entry: CalendarEntry) -> str:
    """Outlook on the web's "new event" link, pre-filled (times in UTC, ISO 8601)."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": entry.title,
        "startdt": entry.start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": entry.end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": entry.description,
        "location": entry.location,
    }
    return "https://outlook.live.com/calendar/0/action/compose?" + urlencode(
        {k: v for k, v in query.items() if v}
    )
