"""A visitor subscribes in the footer, confirms from the e-mail, sets preferences and unsubscribes in one
click; axe-core finds nothing on any newsletter page. E-mail is read from the server's file backend."""

import re

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def link(message, name: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"(https?://\S+/newsletter/{name}/[^/\s]+/)", text)
    assert match, text
    return "/" + match.group(1).split("/", 3)[3]


def test_subscribe_in_footer_confirm_and_unsubscribe_in_one_click(page, portal_server):
    address = "visitor.newsletter@example.org"
    page.goto(portal_server.url + "/about/")
    footer = page.locator("footer")
    footer.get_by_label("E-mail address").fill(address)
    footer.get_by_label(re.compile("send me the UserCentriCities newsletter")).check()
    with page.expect_navigation():
        footer.get_by_role("button", name="Subscribe").click()
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert_accessible(page)

    confirmations = portal_server.sent_emails(to=address)
    assert len(confirmations) == 1, "exactly one confirmation e-mail"
    assert "Confirm" in confirmations[0]["Subject"]
    page.goto(portal_server.url + link(confirmations[0], "confirm"))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my subscription").click()
    assert "Thank you: your subscription is confirmed." in page.locator(".messages").inner_text()
    assert "confirmed" in page.locator("main").inner_text()
    assert_accessible(page)  # the preferences page

    interests = page.locator(".newsletter-interests input[type=checkbox]")
    if interests.count():
        interests.first.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save my preferences").click()
        assert "Your preferences are saved." in page.locator(".messages").inner_text()
        assert page.locator(".newsletter-interests input[type=checkbox]").first.is_checked()

    # The editor sends an issue: the e-mail carries the one-click headers and link.
    portal_server.shell(
        "from portal.models import NewsletterIssuePage, User\n"
        "from portal.newsletter.services import issue_send\n"
        "from portal.newsletter.factories import NewsletterIssuePageFactory\n"
        "index = NewsletterIssuePage.objects.first().get_parent()\n"
        "issue = NewsletterIssuePageFactory(parent=index, slug='browser-test', title='Browser test issue')\n"
        "issue_send(issue=issue, by=User.objects.get(email='editor@example.org'))\n"
    )
    newsletters = [m for m in portal_server.sent_emails(to=address) if m["Subject"] == "Browser test issue"]
    assert len(newsletters) == 1
    newsletter = newsletters[0]
    assert newsletter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_path = link(newsletter, "unsubscribe")
    assert unsubscribe_path in newsletter["List-Unsubscribe"]

    page.goto(portal_server.url + unsubscribe_path)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    assert_accessible(page)
    status = portal_server.shell(
        f"from portal.models import Subscriber; print(Subscriber.objects.get(email='{address}').status)"
    )
    assert status.strip().splitlines()[-1] == "unsubscribed"


def test_newsletter_page_errors_and_archive_are_accessible(page, portal_server):
    page.goto(portal_server.url + "/newsletter/")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Subscribe").click()
    # Without JavaScript validation (novalidate), the server re-renders the form with its errors.
    assert page.locator("main [aria-invalid=true]").count() >= 1
    assert_accessible(page)
    page.goto(portal_server.url + "/newsletter-archive/")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=re.compile("spring 2026")).click()
    assert_accessible(page)
    page.goto(portal_server.url + "/newsletter/unsubscribe/not-a-token/")
    assert_accessible(page)
