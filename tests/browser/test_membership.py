"""Membership in Chromium: a visitor is kept out of the directory, signs up, confirms through the link in
the e-mail, edits their profile with a photo and interests, finds members in the directory, follows an
authority; a member reads and clears notifications; a community manager verifies the new member. axe-core
checks every page type on the way (sign-up, confirmation, profile, directory, notifications, follows,
management).

Uses its own address (unique per run) and the demo logins; it changes nothing the other browser tests read.
"""

import io
import re
import uuid

import pytest

from portal.demo import DEMO_PASSWORD

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "a-Long-browser-passw0rd"


def log_in(page, server, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{server.url}/accounts/login/")
    page.locator("main").get_by_label("E-mail address").fill(email)
    page.locator("main").get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" not in page.url, f"login failed for {email}"


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()


def confirmation_link(server, email: str) -> str:
    messages = server.sent_emails(to=email)
    assert messages, f"no e-mail to {email}"
    body = messages[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/accounts/confirm/\S+/", body).group(0)


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (11, 61, 145)).save(buffer, "PNG")
    return buffer.getvalue()


def test_visitor_is_kept_out_of_members_pages(page, portal_server):
    server = portal_server
    for path in ("/members/", "/notifications/", "/members/me/", "/members/manage/"):
        page.goto(server.url + path)
        assert "/accounts/login/" in page.url and "next=" in page.url, path


def test_sign_up_confirm_edit_profile_and_use_the_directory(page, portal_server):
    server = portal_server
    email = f"browser-{uuid.uuid4().hex[:8]}@espoo.fi"

    # Sign up from the header's "Join" link; an empty form comes back with its errors.
    page.goto(server.url + "/")
    with page.expect_navigation():
        page.locator(".site-account").get_by_role("link", name="Join").click()
    assert page.url.endswith("/accounts/signup/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign up").click()
    assert page.locator("#id_email_error").is_visible()
    assert page.locator("main").get_by_label("E-mail address").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    page.locator("main").get_by_label("E-mail address").fill(email)
    page.locator("main").get_by_label("First name").fill("Bea")
    page.locator("main").get_by_label("Last name").fill("Browser")
    page.locator("main").get_by_role("textbox", name="Job title").fill("Service designer")
    page.locator("main").get_by_role("combobox", name="Authority").select_option(label="Espoo")
    page.locator("main").get_by_label("Country").select_option("FI")
    page.locator("main").get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_label("Password again").fill(PASSWORD)
    page.locator("main").get_by_label("I have read the privacy notice").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign up").click()
    assert page.locator("h1").inner_text() == "Check your e-mail"
    assert_accessible(page)

    # Not usable before confirming.
    page.goto(f"{server.url}/accounts/login/")
    page.locator("main").get_by_label("E-mail address").fill(email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" in page.url

    # Confirm through the link in the e-mail.
    page.goto(confirmation_link(server, email).replace("http://127.0.0.1:8000", server.url))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my address").click()
    assert page.url.endswith("/members/me/edit/")
    assert "Your e-mail address is confirmed" in page.locator(".messages").inner_text()
    assert_accessible(page)

    # Edit the profile: interests, photo, daily digest.
    page.locator("main").get_by_role("textbox", name="Job title").fill("Lead service designer")
    page.locator("main").get_by_label("Interests").fill("accessibility, co-design")
    page.locator("#id_photo").set_input_files(
        files=[{"name": "bea.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("main").get_by_label("E-mail me about my notifications").select_option("daily")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my profile").click()
    assert page.url.endswith("/members/me/")
    assert "Lead service designer" in page.locator("main").inner_text()
    assert page.locator("main img.avatar").evaluate("img => img.naturalWidth") == 64
    assert_accessible(page)

    # The directory, as a member: filter by country and interest.
    page.goto(server.url + "/members/")
    assert_accessible(page)
    page.locator("main").get_by_role("combobox", name="Country").select_option("FI")
    page.locator("main").get_by_role("combobox", name="Interest").select_option(label="co-design")
    with page.expect_navigation():
        page.locator("form.filters").get_by_role("button", name="Search").click()
    result = page.locator(".member-list").get_by_role("link", name="Bea Browser")
    assert result.is_visible()
    with page.expect_navigation():
        result.click()
    assert page.locator("h1").inner_text() == "Bea Browser"
    assert_accessible(page)

    # Follow an authority; the follows page lists it.
    page.goto(server.url + "/notifications/follows/")
    page.locator("main").get_by_label("An authority").select_option(label="Ghent")
    with page.expect_navigation():
        page.get_by_role("button", name="Follow this authority").click()
    assert page.get_by_role("button", name=re.compile(r"^Following\W+Ghent\W+Unfollow$")).is_visible()
    assert_accessible(page)
    log_out(page)

    # A community manager sees the address at Espoo's domain and verifies the member in one click.
    log_in(page, server, "editor@example.org")
    page.goto(server.url + "/members/manage/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Verify Bea Browser").first.click()
    assert "Bea Browser is verified" in page.locator(".messages").inner_text()
    log_out(page)
    log_in(page, server, email, PASSWORD)
    page.goto(server.url + "/members/me/")
    assert page.locator("main .badge--verified").is_visible()


def test_notifications_read_and_cleared(page, portal_server):
    server = portal_server
    log_in(page, server, "member@example.org")
    badge = page.locator(".site-account .count-badge")
    assert badge.is_visible()  # the demo gives every login unread notifications
    with page.expect_navigation():
        page.locator(".site-account").get_by_role("link", name=re.compile("^Notifications")).click()
    assert page.locator(".notification--unread").count() >= 1
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Mark all as read").click()
    assert page.locator(".notification--unread").count() == 0
    assert page.locator(".site-account .count-badge").count() == 0
    assert_accessible(page)
