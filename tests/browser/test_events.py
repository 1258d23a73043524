"""Events in Chromium: the index and event pages pass axe; a member registers in one click and the
confirmation e-mail's .ics parses back (icalendar) to the event's local time in its own time zone."""

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest

from .conftest import assert_accessible, login

pytestmark = pytest.mark.browser

EVENT_PATH = "/events/workshop-accessibility-testing/"  # demo: hybrid, Europe/Tallinn, 14:00-17:00, 30 seats
FULL_EVENT_PATH = "/events/usercentricafe-lisbon-citizen-feedback/"


def test_event_index_filters_and_pages_are_accessible(page, portal_server):
    page.goto(portal_server.url + "/events/")
    assert page.locator("h1").inner_text() == "Events"
    assert page.locator(".event-list > li").count() >= 4
    assert_accessible(page)
    page.select_option("#filter-kind", "workshop")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    titles = page.locator(".event-list .card__title").all_inner_texts()
    assert titles and all(title.startswith("Peer-learning workshop") for title in titles)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Past", exact=True).click()
    assert page.locator(".event-list > li").count() >= 1
    assert_accessible(page)
    page.goto(portal_server.url + FULL_EVENT_PATH)
    assert page.get_by_role("button", name="Join the waitlist").is_visible()
    assert_accessible(page)


def test_visitor_form_errors_are_accessible(page, portal_server):
    page.goto(portal_server.url + EVENT_PATH)
    assert "meet.example.org" not in page.content()  # the online link is for registered people only
    assert_accessible(page)
    page.fill("#id_email", "not an address")
    with page.expect_navigation():
        page.locator(".event-visitor-form").get_by_role("button", name="Register").click()
    assert page.locator("#id_email[aria-invalid=true]").count() == 1
    assert page.locator("#id_name_error").is_visible()
    assert_accessible(page)
