"""Discussions and bench-learning in Chromium: two members chat live in two browser contexts, a member
outside a private room gets 403 and a closed socket, and the room, match request and match pages have
zero axe-core violations."""

import re
import shutil
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from learning.tests.redis_server import OwnRedis

from .conftest import assert_accessible, login, start_server, stop_server

pytestmark = pytest.mark.browser

PASSWORD = "ucc-demo-2026"


def open_room(browser, server, email: str, path: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server, email, PASSWORD)
    page.goto(server.url + path)
    expect(page.locator("[data-live-room]")).to_have_attribute("data-live", "on", timeout=10_000)
    return context, page


def test_two_members_chat_live(browser, portal_server):
    vera_context, vera = open_room(
        browser, portal_server, "verified@example.org", "/discussions/getting-started/"
    )
    lotte_context, lotte = open_room(
        browser, portal_server, "lotte.claes@gent.example.org", "/discussions/getting-started/"
    )
    try:
        assert_accessible(vera)
        # Presence: each sees the other, live.
        expect(vera.locator("#presence-list")).to_contain_text("Lotte Claes")
        expect(lotte.locator("#presence-list")).to_contain_text("Vera Verified")

        vera.fill("#id_body", "Has anyone tried **diary studies** with residents?")
        vera.get_by_role("button", name="Post").click()
        message = lotte.locator(".message", has_text="Has anyone tried diary studies with residents?")
        expect(message).to_be_visible()
        expect(message.locator("strong")).to_have_text("diary studies")
        expect(vera.locator("#id_body")).to_have_value("")  # posted over the socket, no reload

        message.get_by_role("link", name=re.compile("^Reply")).click()
        expect(lotte.locator("#replying-to")).to_contain_text("Replying to Vera Verified")
        lotte.fill("#id_body", "Yes, in Ghent: two weeks, twelve families.")
        lotte.get_by_role("button", name="Post").click()
        reply = vera.locator(".message", has_text="two weeks, twelve families")
        expect(reply).to_be_visible()
        expect(reply.locator(".message__reply")).to_contain_text("Vera Verified")
        # Her own message offers edit and delete; Lotte's offers a report.
        expect(reply.get_by_role("link", name=re.compile("^Report"))).to_be_visible()
        assert_accessible(vera)
    finally:
        vera_context.close()
        lotte_context.close()


def test_room_works_without_javascript(browser, portal_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, portal_server, "verified@example.org", PASSWORD)
        page.goto(portal_server.url + "/discussions/inclusion/")
        page.fill("#id_body", "Posted with a plain form")
        with page.expect_navigation():
            page.get_by_role("button", name="Post").click()
        assert "/discussions/inclusion/" in page.url
        expect(page.locator(".message", has_text="Posted with a plain form")).to_be_visible()
        expect(page.locator(".messages")).to_contain_text("Your message is posted.")
    finally:
        context.close()


@pytest.fixture
def server_with_own_redis(portal_server, tmp_path):
    """A second server process on the portal's database whose cache and channel layer are a redis-server
    of the test's own, which the test stops and starts."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server binary")
    redis_server = OwnRedis(tmp_path)
    redis_server.start()
    server = replace(portal_server, env=dict(portal_server.env, REDIS_URL=redis_server.url), cleanup=[])
    log = start_server(server, tmp_path / "server.log")
    try:
        yield server, redis_server
    finally:
        stop_server(server, log)
        redis_server.stop()


def test_room_through_a_redis_restart(browser, server_with_own_redis):
    """Redis stops: the room says live updates are paused, posting falls back to HTTP and the page still
    renders; Redis comes back: the client reconnects by itself and messages are live again."""
    server, redis_server = server_with_own_redis
    vera_context, vera = open_room(browser, server, "verified@example.org", "/discussions/inclusion/")
    lotte_context, lotte = open_room(
        browser, server, "lotte.claes@gent.example.org", "/discussions/inclusion/"
    )
    live_status = vera.locator("[data-live-status]")
    try:
        redis_server.stop()
        expect(vera.locator("[data-live-room]")).to_have_attribute("data-live", "off", timeout=10_000)
        expect(live_status).to_have_attribute("data-state", "paused")
        expect(live_status).to_contain_text("Live updates are paused")

        vera.fill("#id_body", "Posted while Redis was down")
        with vera.expect_navigation():  # the socket is closed: the form posts over HTTP
            vera.get_by_role("button", name="Post").click()
        expect(vera.locator(".message", has_text="Posted while Redis was down")).to_be_visible()
        expect(live_status).to_have_attribute("data-state", "paused", timeout=10_000)

        redis_server.start()
        # Backoff 1 s, 2 s, 4 s... (30 s at most): both pages come back without a reload.
        for page in (vera, lotte):
            expect(page.locator("[data-live-room]")).to_have_attribute("data-live", "on", timeout=40_000)
        lotte.fill("#id_body", "Live again after the restart")
        lotte.get_by_role("button", name="Post").click()
        expect(vera.locator(".message", has_text="Live again after the restart")).to_be_visible()
        expect(lotte.locator("#id_body")).to_have_value("")  # posted over the socket, no reload
    finally:
        vera_context.close()
        lotte_context.close()


def private_room_slug(server) -> str:
    return (
        server.shell(
            "from learning.models import MatchRequest as M\n"
            "print(M.objects.get(authority__name='Lisbon').room.slug)"
        )
        .strip()
        .splitlines()[-1]
    )  # Django's shell may first say how many objects it imported


def test_outsider_gets_403_and_a_closed_socket(browser, portal_server, page):
    slug = private_room_slug(portal_server)
    login(page, portal_server, "member@example.org", PASSWORD)
    response = page.goto(portal_server.url + f"/discussions/{slug}/")
    assert response.status == 403
    assert "Private match room" not in page.content()
    code = page.evaluate(
        """(path) => new Promise((resolve) => {
            const socket = new WebSocket(`ws://${location.host}${path}`);
            socket.addEventListener("close", (event) => resolve(event.code));
            setTimeout(() => resolve("timeout"), 8000);
        })""",
        f"/ws/discussions/{slug}/",
    )
    assert code == 4403
    # A participant (Lisbon's representative) gets in.
    participant = browser.new_context()
    try:
        other = participant.new_page()
        login(other, portal_server, "ines.carvalho@lisboa.example.org", PASSWORD)
        assert other.goto(portal_server.url + f"/discussions/{slug}/").status == 200
        expect(other.locator("[data-live-room]")).to_have_attribute("data-live", "on", timeout=10_000)
        assert_accessible(other)
    finally:
        participant.close()


def test_request_a_match_and_invite(page, portal_server):
    login(page, portal_server, "representative@espoo.example.org", PASSWORD)
    page.goto(portal_server.url + "/bench-learning/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Request bench-learning").click()
    assert_accessible(page)
    # Nothing chosen: the form comes back with its errors.
    with page.expect_navigation():
        page.get_by_role("button", name="See the proposed authorities").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page)

    page.select_option("#id_subpillar", index=2)
    page.fill("#id_goal", "We want to learn how others involve residents before building a service.")
    page.get_by_label("similar authorities").check()
    with page.expect_navigation():
        page.get_by_role("button", name="See the proposed authorities").click()
    expect(page.locator("h1")).to_contain_text("Bench-learning:")
    reasons = page.locator(".candidate__reason")
    expect(reasons.first).to_contain_text("where you have")
    assert_accessible(page)
    page.locator(".candidate input[type=checkbox]").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitations").click()
    expect(page.locator(".messages")).to_contain_text("Invited:")
    expect(page.locator("table caption", has_text="Authorities invited")).to_be_visible()
    assert_accessible(page)
