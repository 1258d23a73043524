"""Reads of the events app: event lists for the index, seats, registrations and calendar entries."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.mail import absolute_url

from .calendars import CalendarEntry
from .models import EventPage, Registration

UPCOMING, PAST = "upcoming", "past"


def event_list(
    *,
    parent=None,
    when: str = UPCOMING,
    kind: str = "",
    month: dt.date | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[EventPage]:
    """Published events, upcoming (not yet ended, soonest first) or past (latest first), optionally of one
    kind and starting in one month (in the site's time zone)."""
    now = now or timezone.now()
    events = EventPage.objects.live().public()
    if parent is not None:
        events = events.child_of(parent)
    if kind:
        events = events.filter(kind=kind)
    if month is not None:
        events = events.filter(start__year=month.year, start__month=month.month)
    if when == PAST:
        return events.filter(end__lt=now).order_by("-start", "pk")
    return events.filter(end__gte=now).order_by("start", "pk")


def event_months(
    *, parent=None, when: str = UPCOMING, kind: str = "", now: dt.datetime | None = None
) -> list[dt.date]:
    """The months in which the listed events start, for the month filter."""
    events = event_list(parent=parent, when=when, kind=kind, now=now)
    months = events.order_by().datetimes("start", "month")
    return sorted({moment.date() for moment in months}, reverse=when == PAST)


def confirmed_count(*, event: EventPage) -> int:
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def seats_left(*, event: EventPage) -> int | None:
    """Free seats, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event=event), 0)


def registration_for(*, event: EventPage, user) -> Registration | None:
    """The member's active registration for the event (confirmed or on the waitlist), if any."""
    if not user.is_authenticated:
        return None
    active = event.registrations.filter(status__in=Registration.ACTIVE_STATUSES)
    return active.filter(Q(user=user) | Q(email__iexact=user.email)).first()


def waitlist_position(*, registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=Registration.Status.WAITLISTED,
            waitlisted_at__lt=registration.waitlisted_at,
        ).count()
        + Registration.objects.filter(
            event_id=registration.event_id,
            status=Registration.Status.WAITLISTED,
            waitlisted_at=registration.waitlisted_at,
            pk__lt=registration.pk,
        ).count()
    )
    return ahead + 1


def attendees(*, event: EventPage) -> QuerySet[Registration]:
    """Confirmed people first (in order of registration), then the waitlist in its order."""
    return (
        event.registrations.filter(status__in=Registration.ACTIVE_STATUSES)
        .select_related("user")
        .order_by("status", "waitlisted_at", "created_at", "id")  # "confirmed" sorts before "waitlisted"
    )


def member_registrations(*, user) -> QuerySet[Registration]:
    """The member's active registrations, soonest event first."""
    return (
        Registration.objects.filter(user=user, status__in=Registration.ACTIVE_STATUSES)
        .select_related("event")
        .order_by("event__start", "id")
    )


# -- calendars --------------------------------------------------------------------------------------


def event_uid(event: EventPage) -> str:
    host = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"event-{event.pk}@{host}"


def calendar_entry(event: EventPage, *, registration: Registration | None = None) -> CalendarEntry:
    """The event as a calendar entry. The online link is included only for a confirmed registration."""
    page_url = absolute_url(event.url or "/")
    lines = [event.summary, "", page_url]
    status = "CONFIRMED"
    if registration is not None:
        if registration.status == Registration.Status.CONFIRMED and event.online_url and event.is_online:
            lines[1:1] = ["", f"Online: {event.online_url}"]
        elif registration.status == Registration.Status.WAITLISTED:
            status = "TENTATIVE"
    return CalendarEntry(
        uid=event_uid(event),
        title=event.title,
        start=event.start,
        end=event.end,
        time_zone=event.time_zone,
        description="\n".join(lines).strip(),
        location=event.location_text,
        url=page_url,
        status=status,
        last_modified=event.last_published_at,
    )


def event_index():
    """The site's (first) published event index, where the calendar feeds live."""
    from .models import EventIndexPage

    return EventIndexPage.objects.live().order_by("path").first()
