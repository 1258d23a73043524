"""Events in the site-wide search: found by their text, dated, never through the registrants-only link."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from events.factories import EventPageFactory
from search import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(home):
    from events.models import EventIndexPage

    index = home.add_child(instance=EventIndexPage(title="Events", slug="events"))
    EventPageFactory(
        parent=index,
        title="Summit on proactive services",
        summary="Cities meet about proactive services.",
        start_date=datetime.date(2025, 6, 3),
        online_url="https://meet.example.org/secretroom",
    )
    EventPageFactory(parent=index, title="Café on proactive chatbots", start_date=datetime.date(2026, 2, 1))
    EventPageFactory(parent=index, title="Draft proactive event", live=False)


def test_events_are_found_dated_and_faceted_by_year(events):
    outcome = selectors.search(query="proactive", user=AnonymousUser(), order="date")
    hits = list(outcome.results[0:10])
    assert [hit.obj.title for hit in hits] == ["Café on proactive chatbots", "Summit on proactive services"]
    assert hits[0].result_type.key == "event" and hits[0].date.year == 2026
    year = next(f for f in outcome.facets if f.key == "year")
    assert {v.value: v.count for v in year.values} == {"2025": 1, "2026": 1}


def test_the_online_link_is_never_searchable_or_shown(events):
    assert list(selectors.search(query="secretroom", user=AnonymousUser()).results[0:10]) == []
    outcome = selectors.search(query="summit", user=AnonymousUser())
    assert all("meet.example.org" not in hit.snippet for hit in outcome.results[0:10])
