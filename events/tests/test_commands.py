import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from events.factories import EventPageFactory, RegistrationFactory


@pytest.mark.django_db
def test_send_event_reminders_command_is_idempotent(event_index):
    event = EventPageFactory(parent=event_index, slug="soon")
    RegistrationFactory(event=event, email="a@example.org")
    out = StringIO()
    call_command("send_event_reminders", stdout=out)
    assert "Sent 0 reminder(s)." in out.getvalue()  # two weeks away: not yet
    event.start_date = (event.start - dt.timedelta(days=13, hours=12)).astimezone(event.tz).date()
    event.start_time = (event.start - dt.timedelta(days=13, hours=12)).astimezone(event.tz).time()
    event.end_date = event.start_date + dt.timedelta(days=1)
    event.save()
    call_command("send_event_reminders", stdout=out)
    call_command("send_event_reminders", stdout=out)
    assert "Sent 1 reminder(s)." in out.getvalue()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "Tomorrow" in mail.outbox[0].subject
