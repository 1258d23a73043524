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


def _path(url: str) -> str:
    """The path of a link in an e-mail (e-mails carry PORTAL_BASE_URL, not the test server's address)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _link(message, pattern: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return _path(re.search(rf"https?://\S+{pattern}\S*", body).group(0))


def _ics(message) -> icalendar.Calendar:
    [attachment] = [part for part in message.iter_attachments() if part.get_filename() == "event.ics"]
    content = attachment.get_content()
    return icalendar.Calendar.from_ical(content if isinstance(content, bytes) else content.encode())


def test_member_registers_in_one_click_and_gets_the_ics(page, portal_server):
    login(page, portal_server, "member@example.org", "ucc-demo-2026")
    page.goto(portal_server.url + EVENT_PATH)
    assert "meet.example.org" not in page.content()
    with page.expect_navigation():
        page.locator(".event-registration").get_by_role("button", name="Register").click()
    assert page.locator("h1").inner_text() == "You are registered"
    assert page.locator("a[href^='https://meet.example.org/']").count() == 1
    assert_accessible(page)
    shown_start = dt.datetime.fromisoformat(page.locator("dd time").first.get_attribute("datetime"))

    sent = portal_server.sent_emails(to="member@example.org")
    [confirmation] = [message for message in sent if "registered" in message["Subject"]]
    [vevent] = _ics(confirmation).walk("VEVENT")
    assert str(vevent.start.tzinfo) == "Europe/Tallinn"
    assert (vevent.start.hour, vevent.start.minute) == (14, 0)  # the event's local time in Tallinn
    assert vevent.start == shown_start
    assert vevent.end - vevent.start == dt.timedelta(hours=3)
    assert vevent.start.utcoffset() == shown_start.astimezone(zoneinfo.ZoneInfo("Europe/Tallinn")).utcoffset()
    assert "meet.example.org" in str(vevent["description"])

    # The event page now shows the online link; the e-mail's cancellation link works without logging in.
    page.goto(portal_server.url + EVENT_PATH)
    assert "You are registered." in page.locator(".event-registration").inner_text()
    assert_accessible(page)
    cancel_path = _link(confirmation, "/cancel/")
    page.context.clear_cookies()
    page.goto(portal_server.url + cancel_path)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel my registration").click()
    assert page.locator("h1").inner_text() == "Registration cancelled"
    assert_accessible(page)


def test_visitor_confirms_by_email(page, portal_server):
    page.goto(portal_server.url + EVENT_PATH)
    page.fill("#id_name", "Ana Silva")
    page.fill("#id_email", "ana.visitor@example.org")
    with page.expect_navigation():
        page.locator(".event-visitor-form").get_by_role("button", name="Register").click()
    assert page.locator("h1").inner_text() == "Check your e-mail"
    assert_accessible(page)
    [message] = portal_server.sent_emails(to="ana.visitor@example.org")
    page.goto(portal_server.url + _link(message, "/registrations/confirm/"))
    assert page.locator("h1").inner_text() == "Confirm your registration"
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my registration").click()
    assert page.locator("h1").inner_text() == "You are registered"
    confirmation = portal_server.sent_emails(to="ana.visitor@example.org")[-1]
    [vevent] = _ics(confirmation).walk("VEVENT")
    assert (vevent.start.hour, str(vevent.start.tzinfo)) == (14, "Europe/Tallinn")
