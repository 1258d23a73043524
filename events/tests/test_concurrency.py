"""Simultaneous registrations on PostgreSQL: the row lock keeps the capacity exact.

Real threads, each with its own database connection, released together by a barrier. SQLite serialises
writers by itself (and its in-memory test database is not shared between threads), so this runs on
PostgreSQL only; scripts/bench/event_registration_race.py does the same through the production server.
"""

import threading

import pytest
from django.db import connection, connections
from wagtail.models import Page, Site

from events import services
from events.factories import EventIndexPageFactory, EventPageFactory
from events.models import Registration
from portal.factories import HomePageFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def race(target, count: int) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            target(n)
        except BaseException as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_registrations_and_cancellations_never_exceed_capacity():
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePageFactory(parent=root, slug="race-home")
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    event = EventPageFactory(
        parent=EventIndexPageFactory(parent=home, slug="events"), slug="race", capacity=5
    )

    errors = race(
        lambda n: services.registration_create(event=event, name=f"P{n}", email=f"p{n}@example.org"), 24
    )
    assert errors == []
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 19

    # Every confirmed person cancels at once: exactly five promotions, in waitlist order.
    confirmed = list(Registration.objects.filter(event=event, status="confirmed"))
    first_five = list(
        Registration.objects.filter(event=event, status="waitlisted").order_by("waitlisted_at", "id")[:5]
    )
    errors = race(
        lambda n: services.registration_cancel(registration=confirmed[n], secret=confirmed[n].secret), 5
    )
    assert errors == []
    now_confirmed = set(
        Registration.objects.filter(event=event, status="confirmed").values_list("pk", flat=True)
    )
    assert now_confirmed == {registration.pk for registration in first_five}
