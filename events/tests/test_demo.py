"""The demo: 8 events, past and upcoming, one full with a waitlist, loaded twice without duplicates."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import EventPage, Registration


@pytest.mark.django_db
def test_demo_events(demo_site):
    events = EventPage.objects.live()
    assert events.count() == 8
    now = timezone.now()
    assert events.filter(end__lt=now).count() >= 2 and events.filter(start__gt=now).count() >= 4
    assert set(events.values_list("kind", flat=True)) == {"cafe", "workshop", "summit"}
    full = EventPage.objects.get(slug="usercentricafe-lisbon-citizen-feedback")
    confirmed = full.registrations.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.count() == full.capacity
    assert full.registrations.filter(status=Registration.Status.WAITLISTED).count() == 3
    assert confirmed.filter(user__email="verified@example.org").exists()
    before = Registration.objects.count()
    call_command("load_demo", "--seed", "7", stdout=StringIO())
    assert EventPage.objects.count() == 8 and Registration.objects.count() == before
