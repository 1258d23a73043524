import datetime as dt

import factory
import wagtail_factories
from django.utils import timezone

from .models import EventIndexPage, EventPage, Registration


class EventIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = EventIndexPage

    title = "Events"


class EventPageFactory(wagtail_factories.PageFactory):
    """An online UserCentriCafé two weeks from now, 10:00-11:30 Brussels time, unless told otherwise."""

    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"UserCentriCafé {n}")
    summary = "One city presents a digital service and gets feedback from its peers."
    kind = EventPage.Kind.CAFE
    time_zone = "Europe/Brussels"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    start_time = dt.time(10, 0)
    end_time = dt.time(11, 30)
    attendance_mode = EventPage.AttendanceMode.ONLINE
    online_url = "https://meet.example.org/usercentricafe"
    organiser = "UserCentriCities"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventPageFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
