"""An editor adds an event in the admin: local time in the event's zone, validation of place and link."""

import datetime as dt

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from events.models import EventPage
from portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, event_index):
    """An admin: this bare tree has no page permissions for groups (the demo gives editors theirs)."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def form(**overrides):
    values = {
        "title": "UserCentriCafé: Lisbon",
        "slug": "cafe-lisbon",
        "summary": "Lisbon presents its feedback loop.",
        "kind": "cafe",
        "time_zone": "Europe/Lisbon",
        "start_date": "2027-03-30",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "11:30",
        "attendance_mode": "online",
        "venue_name": "",
        "venue_address": "",
        "online_url": "https://meet.example.org/lisbon",
        "capacity": "40",
        "registration_open": "on",
        "registration_deadline": "",
        "organiser": "UserCentriCities",
        "organiser_user": "",
        "body": streamfield([]),
        "related_pages": streamfield([]),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    values.update(overrides)
    return nested_form_data(values)


def test_editor_creates_an_event_in_its_own_time_zone(editor_client, event_index):
    url = f"/admin/pages/add/events/eventpage/{event_index.pk}/"
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, form())
    assert response.status_code == 302, response.content.decode()[:3000]
    event = EventPage.objects.get(slug="cafe-lisbon")
    assert event.live
    assert event.start == dt.datetime(2027, 3, 30, 9, 0, tzinfo=dt.UTC)  # Lisbon is UTC+1 in summer time
    assert event.end == dt.datetime(2027, 3, 30, 10, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"attendance_mode": "in_person"}, "Give the venue"),
        ({"online_url": ""}, "Give the online link"),
        ({"end_time": "09:00"}, "must end after it starts"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"start_time": "01:30", "start_date": "2027-03-28"}, "does not exist"),
    ],
)
def test_bad_input_is_refused_with_a_message(editor_client, event_index, overrides, message):
    response = editor_client.post(f"/admin/pages/add/events/eventpage/{event_index.pk}/", form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EventPage.objects.exists()
