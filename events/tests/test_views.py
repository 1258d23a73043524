"""The event pages and registration views as people use them (Django test client)."""

import csv
import datetime as dt
import io
import re

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from events.factories import EventPageFactory, RegistrationFactory
from events.models import CalendarFeed, EventPage, Registration
from portal import roles
from portal.factories import UserFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def event(event_index):
    return EventPageFactory(
        parent=event_index,
        slug="cafe",
        title="UserCentriCafé: Tallinn",
        capacity=1,
        time_zone="Europe/Tallinn",
    )


class TestEventIndex:
    def test_upcoming_past_filters_and_pagination(self, client, event_index):
        today = timezone.localdate()
        for n in range(12):
            EventPageFactory(
                parent=event_index, slug=f"cafe-{n}", start_date=today + dt.timedelta(days=3 + n * 9)
            )
        EventPageFactory(
            parent=event_index,
            slug="old-workshop",
            title="Old workshop",
            kind=EventPage.Kind.WORKSHOP,
            start_date=today - dt.timedelta(days=40),
        )
        response = client.get("/events/")
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 12
        assert len(response.context["events"]) == 10
        assert "Old workshop" not in response.content.decode()
        assert client.get("/events/?page=2").context["events"][0].slug == "cafe-10"
        past = client.get("/events/?when=past")
        assert [e.slug for e in past.context["events"]] == ["old-workshop"]
        assert client.get("/events/?kind=workshop").context["page_obj"].paginator.count == 0
        month = (today + dt.timedelta(days=3)).strftime("%Y-%m")
        by_month = client.get(f"/events/?month={month}").context["events"]
        assert by_month and all(
            e.start.astimezone(timezone.get_current_timezone()).strftime("%Y-%m") == month for e in by_month
        )
        assert client.get("/events/?month=junk&kind=nope").status_code == 200

    def test_unpublished_events_are_not_listed(self, client, event_index):
        EventPageFactory(parent=event_index, slug="draft", title="Secret draft", live=False)
        assert "Secret draft" not in client.get("/events/").content.decode()


class TestEventPage:
    def test_online_link_only_for_confirmed_people(self, client, event):
        assert event.online_url not in client.get(event.url).content.decode()
        member = UserFactory()
        client.force_login(member)
        assert event.online_url not in client.get(event.url).content.decode()
        RegistrationFactory(event=event, user=member, email=member.email)
        assert event.online_url in client.get(event.url).content.decode()

    def test_waitlisted_person_does_not_see_the_link(self, client, event):
        member = UserFactory()
        RegistrationFactory(event=event, email="first@example.org")
        RegistrationFactory(
            event=event,
            user=member,
            email=member.email,
            status=Status.WAITLISTED,
            confirmed_at=None,
            waitlisted_at=timezone.now(),
        )
        client.force_login(member)
        page = client.get(event.url).content.decode()
        assert event.online_url not in page and "waitlist, number 1" in page

    def test_public_ics_has_no_online_link(self, client, event):
        response = client.get(event.url + "ics/")
        assert response["Content-Type"].startswith("text/calendar")
        [vevent] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        assert event.online_url not in str(vevent.get("description"))
        assert vevent.start.hour == 10 and str(vevent.start.tzinfo) == "Europe/Tallinn"

    def test_calendar_links(self, client, event):
        page = client.get(event.url).content.decode()
        assert "https://calendar.google.com/calendar/render?" in page
        assert "https://outlook.live.com/calendar/0/action/compose?" in page

    def test_related_pages_only_when_live(self, client, event_index):
        from portal.factories import StandardPageFactory

        home = event_index.get_parent()
        live = StandardPageFactory(parent=home, slug="brief", title="A live brief")
        draft = StandardPageFactory(parent=home, slug="draft-brief", title="A draft brief", live=False)
        event = EventPageFactory(
            parent=event_index, slug="rel", related_pages=[("page", live), ("page", draft)]
        )
        page = client.get(event.url).content.decode()
        assert "A live brief" in page and "A draft brief" not in page


class TestMemberRegistration:
    def test_one_click_then_cancel_from_the_email_link(
        self, client, event, django_capture_on_commit_callbacks
    ):
        member = UserFactory(email="milo@example.org")
        client.force_login(member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(event.url + "register/", follow=True)
        assert response.status_code == 200
        assert "You are registered" in response.content.decode()
        registration = Registration.objects.get()
        assert registration.user == member and registration.status == Status.CONFIRMED
        [message] = mail.outbox
        cancel_path = f"/registrations/{registration.secret}/cancel/"
        assert cancel_path in message.body
        client.logout()  # the link works without logging in
        assert client.get(cancel_path).status_code == 200
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED  # GET only asks
        client.post(cancel_path)
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED

    def test_full_event_puts_the_second_member_on_the_waitlist(self, client, event):
        RegistrationFactory(event=event)
        client.force_login(UserFactory())
        page = client.get(event.url).content.decode()
        assert "Join the waitlist" in page
        response = client.post(event.url + "register/", follow=True)
        assert "You are on the waitlist" in response.content.decode()

    def test_get_on_register_changes_nothing(self, client, event):
        client.force_login(UserFactory())
        assert client.get(event.url + "register/").status_code == 302
        assert not Registration.objects.exists()


class TestVisitorRegistration:
    def test_email_confirmation_link_registers(self, client, event, django_capture_on_commit_callbacks):
        response = client.post(
            event.url + "register/", {"name": "Ana Silva", "email": "ana@example.org", "website": ""}
        )
        assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
        assert not Registration.objects.exists()
        [message] = mail.outbox
        assert message.to == ["ana@example.org"]
        path = re.search(r"http://[^/]+(/registrations/confirm/[^\s]+/)", message.body).group(1)
        assert client.get(path).status_code == 200
        assert not Registration.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path, follow=True)
        registration = Registration.objects.get()
        assert (registration.name, registration.email, registration.status) == (
            "Ana Silva",
            "ana@example.org",
            Status.CONFIRMED,
        )
        assert "You are registered" in response.content.decode()
        assert mail.outbox[-1].attachments  # the confirmation carries the .ics
        client.post(path)  # following the link again does not register twice
        assert Registration.objects.count() == 1

    def test_errors_rerender_the_page_and_change_nothing(self, client, event):
        response = client.post(event.url + "register/", {"name": "", "email": "nope"})
        assert response.status_code == 400
        page = response.content.decode()
        assert 'aria-invalid="true"' in page and "UserCentriCafé: Tallinn" in page
        assert mail.outbox == [] and not Registration.objects.exists()

    def test_honeypot(self, client, event):
        response = client.post(
            event.url + "register/", {"name": "Bot", "email": "bot@example.org", "website": "x"}
        )
        assert response.status_code == 400 and mail.outbox == []

    def test_bad_token(self, client, event):
        response = client.get("/registrations/confirm/forged-token/")
        assert response.status_code == 400 and "not valid" in response.content.decode()


class TestAttendeesExport:
    def test_permission_checked(self, client, event):
        RegistrationFactory(event=event, name="Ana Silva", email="ana@example.org")
        url = event.url + "attendees/"
        assert client.get(url).status_code in (302, 403)
        client.force_login(UserFactory())
        assert client.get(url).status_code == 403

    @pytest.mark.parametrize("who", ["editor", "organiser", "superuser"])
    def test_editors_and_organisers_export_csv(self, client, event, who):
        RegistrationFactory(event=event, name="Ana Silva", email="ana@example.org")
        RegistrationFactory(
            event=event,
            name="Joe Wait",
            email="joe@example.org",
            status=Status.WAITLISTED,
            waitlisted_at=timezone.now(),
        )
        RegistrationFactory(event=event, name="Gone", email="gone@example.org", status=Status.CANCELLED)
        user = UserFactory(is_superuser=who == "superuser")
        if who == "editor":
            user.groups.add(Group.objects.get(name=roles.EDITORS))
        if who == "organiser":
            event.organiser_user = user
            event.save()
        client.force_login(user)
        response = client.get(event.url + "attendees/")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert [row[:3] for row in rows[1:]] == [
            ["Ana Silva", "ana@example.org", "Confirmed"],
            ["Joe Wait", "joe@example.org", "On the waitlist"],
        ]


class TestFeeds:
    def test_site_feed_lists_published_events(self, client, event_index, event):
        EventPageFactory(parent=event_index, slug="draft", title="Draft", live=False)
        response = client.get("/events/calendar/")
        assert response["Content-Type"].startswith("text/calendar")
        titles = [str(v["summary"]) for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]
        assert titles == ["UserCentriCafé: Tallinn"]

    def test_member_feed_at_a_secret_renewable_address(self, client, event):
        member = UserFactory()
        RegistrationFactory(event=event, user=member, email=member.email)
        client.force_login(member)
        page = client.get("/registrations/")
        assert page.status_code == 200
        token = CalendarFeed.objects.get(user=member).token
        assert f"/events/calendar/{token}/" in page.content.decode()
        client.logout()
        feed = client.get(f"/events/calendar/{token}/")
        [vevent] = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
        assert event.online_url in str(vevent["description"])  # confirmed: the link is there
        client.force_login(member)
        client.post("/registrations/calendar-feed/renew/")
        assert client.get(f"/events/calendar/{token}/").status_code == 404

    def test_my_events_needs_login(self, client, event_index):
        assert client.get("/registrations/").status_code == 302


class TestRateLimit:
    def test_visitor_requests_are_limited_by_address(self, client, event, settings):
        settings.PORTAL_RATE_LIMITS = {"register": ("100/h", "2/h")}
        data = {"name": "Ana", "email": "ana@example.org", "website": ""}
        assert [client.post(event.url + "register/", data).status_code for _ in range(3)] == [200, 200, 429]
        assert len(mail.outbox) == 2
        assert client.post(event.url + "register/", {**data, "email": "joe@example.org"}).status_code == 200

    def test_members_are_not_limited(self, client, event, settings):
        settings.PORTAL_RATE_LIMITS = {"register": ("1/h", "1/h")}
        for _ in range(3):
            client.force_login(UserFactory())
            assert client.post(event.url + "register/").status_code == 302


class TestFollowAndDigests:
    def test_members_can_follow_an_event(self, client, event):
        from portal.notifications.registry import is_followable

        assert is_followable(EventPage)
        client.force_login(UserFactory())
        assert 'name="target" value="events.eventpage:' in client.get(event.url).content.decode()

    def test_updated_events_reach_their_followers(self, event):
        from events.notifications import updated_events

        before = timezone.now()
        EventPage.objects.filter(pk=event.pk).update(first_published_at=before - dt.timedelta(days=3))
        event.refresh_from_db()
        event.save_revision().publish()
        [item] = list(updated_events(since=before, until=timezone.now() + dt.timedelta(seconds=1)))
        assert item.title == event.title
        assert (
            list(updated_events(since=timezone.now() + dt.timedelta(seconds=1), until=timezone.now())) == []
        )

    def test_new_events_are_about_their_related_pages(self, event_index):
        from portal.factories import StandardPageFactory

        brief = StandardPageFactory(parent=event_index.get_parent(), slug="brief")
        event = EventPageFactory(parent=event_index, slug="rel", related_pages=[("page", brief)])
        assert [page.pk for page in event.digest_topics()] == [brief.pk]
