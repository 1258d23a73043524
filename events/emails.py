"""The e-mails of the events app, from templates (plain text and HTML), sent through Django's mail API
(django-anymail in production). Confirmations, promotions and reminders carry the event as an .ics file."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.mail import absolute_url, email_send

from .calendars import build_calendar
from .models import EventPage, Registration
from .selectors import calendar_entry

ICS_KINDS = {"confirmed", "promoted", "reminder"}


def _subject(kind: str, event: EventPage) -> str:
    subjects = {
        "confirmed": _("You are registered: %(title)s"),
        "waitlisted": _("You are on the waitlist: %(title)s"),
        "promoted": _("A seat is yours: %(title)s"),
        "cancelled": _("Registration cancelled: %(title)s"),
        "reminder": _("Tomorrow: %(title)s"),
        "confirm_address": _("Confirm your registration: %(title)s"),
    }
    return subjects[kind] % {"title": event.title}


def _send(*, kind: str, event: EventPage, to: str, context: dict, attachments=()) -> None:
    context = {"event": event, "event_url": absolute_url(event.url or "/"), "kind": kind, **context}
    email_send(
        to=[to],
        template_prefix=f"events/email/{kind}",
        subject=_subject(kind, event),
        context=context,
        attachments=attachments,
        tags=[f"event-{kind}"],
    )


def registration_ics(registration: Registration) -> bytes:
    """The event as an iCalendar file for this registration (with the online link once confirmed)."""
    entry = calendar_entry(registration.event, registration=registration)
    return build_calendar([entry], stamp=timezone.now())


def send_registration_email(*, registration: Registration, kind: str) -> None:
    event = registration.event
    context = {
        "registration": registration,
        "cancel_url": ""
        if kind == "cancelled"
        else absolute_url(reverse("events:registration_cancel", args=[registration.secret])),
        "online_url": event.online_url
        if event.is_online and registration.status == Registration.Status.CONFIRMED
        else "",
    }
    attachments = []
    if kind in ICS_KINDS and registration.status == Registration.Status.CONFIRMED:
        attachments.append(("event.ics", registration_ics(registration), "text/calendar; method=PUBLISH"))
    _send(kind=kind, event=event, to=registration.email, context=context, attachments=attachments)


def send_confirmation_link_email(*, event: EventPage, name: str, email: str, token: str) -> None:
    context = {
        "name": name,
        "confirm_url": absolute_url(reverse("events:registration_confirm", args=[token])),
        "max_age_hours": settings.EVENTS_CONFIRMATION_MAX_AGE_HOURS,
    }
    _send(kind="confirm_address", event=event, to=email, context=context)
