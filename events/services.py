"""Writes of the events app: registration, cancellation, waitlist promotion, reminders, calendar feed tokens.

Capacity is never exceeded, even under simultaneous requests: every change of who holds a seat runs in a
transaction that first locks the event's row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite serialises
writers on its own), then counts the confirmed seats. E-mails go out through tasks queued with
`transaction.on_commit`, so nothing is sent for a change that was rolled back.
"""

import datetime as dt
import hmac
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import CalendarFeed, EventPage, Registration

CONFIRMATION_SALT = "events.registration.confirm"
REMINDER_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    created: bool  # False when the person already held a seat or a waitlist place


def _queue_message(registration: Registration, kind: str) -> None:
    from .tasks import send_registration_message

    registration_id = registration.pk
    transaction.on_commit(
        lambda: send_registration_message.enqueue(registration_id=registration_id, kind=kind)
    )


def _lock_event(event: EventPage) -> EventPage:
    """The event's row, locked until the end of the transaction (only the events table's own row)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def _confirmed_count(event: EventPage) -> int:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()


def _check_open(event: EventPage, *, now: dt.datetime) -> None:
    if not event.live:
        raise ValidationError(_("This event is not published."))
    if not event.registration_is_open(now=now):
        raise ValidationError(_("Registration for this event is closed."))


def registration_create(
    *, event: EventPage, user=None, name: str = "", email: str = "", now: dt.datetime | None = None
) -> RegistrationOutcome:
    """Register a member (`user`, one click) or a visitor whose address was confirmed (`name`, `email`).

    Gives a seat while there is one, otherwise a place at the end of the waitlist. Registering twice
    returns the existing registration. The confirmation (or waitlist) e-mail is sent after commit.
    """
    now = now or timezone.now()
    if user is not None:
        if not user.is_authenticated or not user.is_active:
            raise PermissionDenied(_("Log in to register as a member."))
        name, email = user.get_full_name() or user.email, user.email
    name = " ".join(name.split())[:200]
    email = email.strip().lower()
    if not name:
        raise ValidationError({"name": _("Enter your name.")})
    validate_email(email)
    with transaction.atomic():
        locked = _lock_event(event)
        _check_open(locked, now=now)
        existing = Registration.objects.filter(
            event=locked, email__iexact=email, status__in=Registration.ACTIVE_STATUSES
        ).first()
        if existing is not None:
            if user is not None and existing.user_id is None:
                existing.user = user
                existing.save(update_fields=["user"])
            return RegistrationOutcome(registration=existing, created=False)
        has_seat = locked.capacity is None or _confirmed_count(locked) < locked.capacity
        registration = Registration(
            event=locked,
            user=user,
            name=name,
            email=email,
            created_at=now,
            status=Registration.Status.CONFIRMED if has_seat else Registration.Status.WAITLISTED,
            confirmed_at=now if has_seat else None,
            waitlisted_at=None if has_seat else now,
        )
        registration.full_clean(exclude=["event", "user"])
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:  # the same address registered in a parallel request a moment ago
            existing = Registration.objects.get(
                event=locked, email__iexact=email, status__in=Registration.ACTIVE_STATUSES
            )
            return RegistrationOutcome(registration=existing, created=False)
        _queue_message(registration, "confirmed" if has_seat else "waitlisted")
    return RegistrationOutcome(registration=registration, created=True)


def waitlist_promote(*, event: EventPage, now: dt.datetime | None = None) -> list[Registration]:
    """Give free seats to the waitlist in the order people joined it; each promoted person gets an e-mail.

    Called after a cancellation and when an editor raises the capacity. Nobody is promoted once the
    event has started."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_event(event)
        if locked.start <= now:
            return []
        waiting = Registration.objects.filter(event=locked, status=Registration.Status.WAITLISTED).order_by(
            "waitlisted_at", "id"
        )
        if locked.capacity is not None:
            free = max(locked.capacity - _confirmed_count(locked), 0)
            waiting = waiting[:free]
        promoted = list(waiting)
        for registration in promoted:
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            _queue_message(registration, "promoted")
    return promoted


def registration_cancel(
    *, registration: Registration, by=None, secret: str = "", now: dt.datetime | None = None
) -> list[Registration]:
    """Cancel a registration. Allowed with the secret of the cancellation link, to the member it belongs to,
    and to the event's organisers. A freed seat goes to the first person on the waitlist.

    Returns the people promoted from the waitlist."""
    allowed = (secret and hmac.compare_digest(secret, registration.secret)) or (
        by is not None
        and (
            (by.is_authenticated and registration.user_id == by.pk)
            or permissions.can_manage_attendees(by, event=registration.event)
        )
    )
    if not allowed:
        raise PermissionDenied(_("You cannot cancel this registration."))
    now = now or timezone.now()
    with transaction.atomic():
        _lock_event(registration.event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            return []
        if current.event.start <= now:
            raise ValidationError(_("This event has already started."))
        held_seat = current.status == Registration.Status.CONFIRMED
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        registration.status, registration.cancelled_at = current.status, current.cancelled_at
        _queue_message(current, "cancelled")
        return waitlist_promote(event=current.event, now=now) if held_seat else []


# -- visitors: the e-mail confirmation link ---------------------------------------------------------


def confirmation_token(*, event: EventPage, name: str, email: str) -> str:
    """A signed, timestamped token proving the visitor received our e-mail at that address."""
    return signing.dumps({"e": event.pk, "n": name, "m": email.strip().lower()}, salt=CONFIRMATION_SALT)


def read_confirmation_token(token: str, *, max_age: dt.timedelta) -> tuple[int, str, str]:
    """(event id, name, e-mail) from a token; ValidationError when it is forged or expired."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This confirmation link has expired. Register again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None
    return int(data["e"]), str(data["n"]), str(data["m"])


def registration_request_confirmation(
    *, event: EventPage, name: str, email: str, now: dt.datetime | None = None
) -> None:
    """Send a visitor the link that confirms their address and registers them. Nothing is stored before
    they follow it, so an address typed by someone else never holds a seat."""
    from .tasks import send_confirmation_link

    _check_open(event, now=now or timezone.now())
    email = email.strip().lower()
    validate_email(email)
    token = confirmation_token(event=event, name=name, email=email)
    send_confirmation_link.enqueue(event_id=event.pk, name=name, email=email, token=token)


# -- reminders --------------------------------------------------------------------------------------


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """E-mail every confirmed attendee of an event starting within 24 hours, once.

    Idempotent: a registration is claimed (its `reminder_sent_at` set) by a conditional update before its
    e-mail goes out, so two runs at the same time or one after the other never send it twice."""
    from .emails import send_registration_email

    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__live=True,
        event__start__gt=now,
        event__start__lte=now + REMINDER_WINDOW,
    ).select_related("event")
    sent = 0
    for registration in due:
        claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if not claimed:
            continue
        try:
            send_registration_email(registration=registration, kind="reminder")
        except Exception:
            Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=None)
            raise
        sent += 1
    return sent


# -- calendar feeds ---------------------------------------------------------------------------------


def calendar_feed_get(*, user) -> CalendarFeed:
    """The member's private feed address, created on first use."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to get your calendar feed."))
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret address for the member's feed; the old one stops working at once."""
    from .models import new_secret

    feed = calendar_feed_get(user=user)
    feed.token = new_secret()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
