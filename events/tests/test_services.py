"""Registration, waitlist, cancellation, reminders: the rules hold and the right e-mails go out."""

import datetime as dt

import icalendar
import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events import services
from events.factories import EventPageFactory, RegistrationFactory
from events.models import Registration
from portal.factories import UserFactory

Status = Registration.Status


@pytest.fixture
def event(event_index):
    return EventPageFactory(parent=event_index, slug="cafe", capacity=2, time_zone="Europe/Lisbon")


def register(event, n: int):
    return services.registration_create(event=event, name=f"Person {n}", email=f"person{n}@example.org")


@pytest.mark.django_db(transaction=False)
class TestRegistrationCreate:
    def test_member_gets_a_seat_and_an_ics_in_the_confirmation(
        self, event, django_capture_on_commit_callbacks
    ):
        member = UserFactory(email="milo@example.org", first_name="Milo", last_name="Member")
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.registration_create(event=event, user=member)
        registration = outcome.registration
        assert outcome.created and registration.status == Status.CONFIRMED
        assert (registration.user, registration.name, registration.email) == (
            member,
            "Milo Member",
            "milo@example.org",
        )
        [message] = mail.outbox
        assert message.to == ["milo@example.org"]
        assert "You are registered" in message.subject
        assert f"/registrations/{registration.secret}/cancel/" in message.body
        assert event.online_url in message.body
        [(filename, content, mimetype)] = message.attachments
        assert filename == "event.ics" and mimetype.startswith("text/calendar")
        [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
        assert vevent.start == event.local_start and str(vevent.start.tzinfo) == "Europe/Lisbon"
        assert event.online_url in str(vevent["description"])
        html = message.alternatives[0][0]
        assert f"/registrations/{registration.secret}/cancel/" in html

    def test_past_capacity_people_join_the_waitlist_in_order(self, event, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            statuses = [register(event, n).registration.status for n in range(5)]
        assert statuses == [Status.CONFIRMED] * 2 + [Status.WAITLISTED] * 3
        assert event.registrations.filter(status=Status.CONFIRMED).count() == 2
        waitlist_mail = mail.outbox[2]
        assert "waitlist" in waitlist_mail.subject and waitlist_mail.attachments == []
        assert "/cancel/" in waitlist_mail.body

    def test_registering_twice_returns_the_same_registration(self, event):
        first = register(event, 1).registration
        again = services.registration_create(event=event, name="Person 1", email="PERSON1@example.org ")
        assert not again.created and again.registration.pk == first.pk
        assert event.registrations.count() == 1

    def test_no_limit_without_capacity(self, event_index):
        open_event = EventPageFactory(parent=event_index, slug="summit", capacity=None)
        assert all(register(open_event, n).registration.status == Status.CONFIRMED for n in range(20))

    @pytest.mark.parametrize(
        "change",
        [
            {"registration_open": False},
            {"registration_deadline": timezone.now() - dt.timedelta(minutes=1)},
            {"start_date": timezone.localdate() - dt.timedelta(days=3)},
        ],
    )
    def test_closed_registration_changes_nothing(self, event, change):
        for field, value in change.items():
            setattr(event, field, value)
        event.save()
        with pytest.raises(ValidationError, match="closed"):
            register(event, 1)
        assert not event.registrations.exists() and mail.outbox == []

    def test_unpublished_event_refuses(self, event):
        event.unpublish()
        with pytest.raises(ValidationError):
            register(event, 1)

    def test_bad_input_is_refused(self, event):
        with pytest.raises(ValidationError):
            services.registration_create(event=event, name="X", email="not-an-address")
        with pytest.raises(ValidationError):
            services.registration_create(event=event, name="  ", email="x@example.org")
        assert not event.registrations.exists()

    def test_anonymous_user_cannot_register_as_member(self, event):
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(PermissionDenied):
            services.registration_create(event=event, user=AnonymousUser())


@pytest.mark.django_db
class TestCancelAndPromote:
    def test_cancelling_a_seat_promotes_the_first_on_the_waitlist(
        self, event, django_capture_on_commit_callbacks
    ):
        people = [register(event, n).registration for n in range(5)]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            promoted = services.registration_cancel(registration=people[0], secret=people[0].secret)
        assert [p.pk for p in promoted] == [people[2].pk]
        statuses = dict(Registration.objects.values_list("email", "status"))
        assert statuses["person0@example.org"] == Status.CANCELLED
        assert statuses["person2@example.org"] == Status.CONFIRMED
        assert statuses["person3@example.org"] == Status.WAITLISTED
        subjects = {message.to[0]: message.subject for message in mail.outbox}
        assert "cancelled" in subjects["person0@example.org"]
        assert "A seat is yours" in subjects["person2@example.org"]
        promotion = next(m for m in mail.outbox if m.to == ["person2@example.org"])
        assert promotion.attachments and "/cancel/" in promotion.body

    def test_promotion_follows_waitlist_order_not_insertion(self, event):
        people = [register(event, n).registration for n in range(4)]
        # person3 joined the waitlist before person2 (e.g. an editor fixed the order)
        Registration.objects.filter(pk=people[3].pk).update(
            waitlisted_at=people[2].waitlisted_at - dt.timedelta(minutes=1)
        )
        promoted = services.registration_cancel(registration=people[1], secret=people[1].secret)
        assert [p.email for p in promoted] == ["person3@example.org"]

    def test_cancelling_a_waitlist_place_promotes_nobody(self, event):
        people = [register(event, n).registration for n in range(4)]
        assert services.registration_cancel(registration=people[3], secret=people[3].secret) == []
        assert event.registrations.filter(status=Status.CONFIRMED).count() == 2

    def test_wrong_secret_or_stranger_cannot_cancel(self, event):
        registration = register(event, 1).registration
        with pytest.raises(PermissionDenied):
            services.registration_cancel(registration=registration, secret="guess")
        with pytest.raises(PermissionDenied):
            services.registration_cancel(registration=registration, by=UserFactory())
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED

    def test_member_and_organiser_can_cancel(self, event):
        member = UserFactory()
        own = services.registration_create(event=event, user=member).registration
        services.registration_cancel(registration=own, by=member)
        event.organiser_user = UserFactory()
        event.save()
        other = register(event, 2).registration
        services.registration_cancel(registration=other, by=event.organiser_user)
        assert set(event.registrations.values_list("status", flat=True)) == {Status.CANCELLED}

    def test_cancelling_twice_is_harmless(self, event):
        registration = register(event, 1).registration
        services.registration_cancel(registration=registration, secret=registration.secret)
        assert services.registration_cancel(registration=registration, secret=registration.secret) == []

    def test_raising_capacity_promotes(self, event):
        for n in range(5):
            register(event, n)
        event.capacity = 4
        event.save()
        promoted = services.waitlist_promote(event=event)
        assert [p.email for p in promoted] == ["person2@example.org", "person3@example.org"]

    def test_cancelled_person_may_register_again(self, event):
        registration = register(event, 1).registration
        services.registration_cancel(registration=registration, secret=registration.secret)
        again = register(event, 1)
        assert again.created and again.registration.pk != registration.pk


@pytest.mark.django_db
class TestReminders:
    def test_sent_once_to_confirmed_people_of_events_within_24_hours(self, event_index):
        now = timezone.now()
        soon = EventPageFactory(
            parent=event_index, slug="soon", start_date=(now + dt.timedelta(hours=20)).date()
        )
        soon.start_time = (now + dt.timedelta(hours=20)).astimezone(soon.tz).time().replace(microsecond=0)
        soon.start_date = (now + dt.timedelta(hours=20)).astimezone(soon.tz).date()
        soon.end_time, soon.end_date = soon.start_time, soon.start_date + dt.timedelta(days=1)
        soon.save()
        later = EventPageFactory(parent=event_index, slug="later")
        confirmed = RegistrationFactory(event=soon, email="a@example.org")
        RegistrationFactory(event=soon, email="b@example.org", status=Status.WAITLISTED)
        RegistrationFactory(event=soon, email="c@example.org", status=Status.CANCELLED)
        RegistrationFactory(event=later, email="d@example.org")
        assert services.reminders_send_due(now=now) == 1
        assert [m.to for m in mail.outbox] == [["a@example.org"]]
        assert mail.outbox[0].attachments
        confirmed.refresh_from_db()
        assert confirmed.reminder_sent_at is not None
        assert services.reminders_send_due(now=now) == 0
        assert services.reminders_send_due(now=now + dt.timedelta(hours=1)) == 0
        assert len(mail.outbox) == 1

    def test_failed_send_is_retried_next_run(self, event_index, monkeypatch):
        from events import emails

        now = timezone.now()
        soon = EventPageFactory(parent=event_index, slug="soon2")
        RegistrationFactory(event=soon, email="a@example.org")
        monkeypatch.setattr(
            emails, "send_registration_email", lambda **kw: (_ for _ in ()).throw(OSError("smtp"))
        )
        with pytest.raises(OSError):
            services.reminders_send_due(now=soon.start - dt.timedelta(hours=2))
        assert Registration.objects.get(email="a@example.org").reminder_sent_at is None
        monkeypatch.undo()
        assert services.reminders_send_due(now=soon.start - dt.timedelta(hours=2)) == 1
        del now


@pytest.mark.django_db
class TestConfirmationToken:
    def test_round_trip(self, event):
        token = services.confirmation_token(event=event, name="Ana", email="Ana@Example.org")
        assert services.read_confirmation_token(token, max_age=dt.timedelta(hours=1)) == (
            event.pk,
            "Ana",
            "ana@example.org",
        )

    def test_forged_and_expired(self, event, monkeypatch):
        token = services.confirmation_token(event=event, name="Ana", email="ana@example.org")
        with pytest.raises(ValidationError, match="not valid"):
            services.read_confirmation_token(token[:-2] + "xx", max_age=dt.timedelta(hours=1))
        later = signing.time.time() + 3 * 3600
        monkeypatch.setattr(signing.time, "time", lambda: later)
        with pytest.raises(ValidationError, match="expired"):
            services.read_confirmation_token(token, max_age=dt.timedelta(hours=2))
