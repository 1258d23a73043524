"""A visitor opens the home page, follows every main navigation link; axe-core finds nothing on any page."""

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_every_main_navigation_page_is_accessible(page, portal_server):
    response = page.goto(portal_server.url + "/")
    assert response.status == 200
    assert "UserCentriCities" in page.title()
    assert_accessible(page)

    links = page.locator("nav.main-nav a")
    targets = [(links.nth(i).inner_text(), links.nth(i).get_attribute("href")) for i in range(links.count())]
    assert [label for label, _ in targets] == [
        "Dashboard",
        "Good practices",
        "Policy briefs",
        "Toolkit",
        "Events",
        "Community",
    ]
    for label, _href in targets:
        page.goto(portal_server.url + "/")
        with page.expect_navigation():
            page.locator("nav.main-nav").get_by_role("link", name=label, exact=True).click()
        assert page.locator("h1").count() == 1, f"{label}: one h1 expected"
        assert page.locator("nav.main-nav a[aria-current=page]").inner_text() == label
        assert_accessible(page)


def test_footer_pages_and_search_are_accessible(page, portal_server):
    paths = ("/about/", "/accessibility/", "/privacy/", "/search/?q=espoo", "/no-such-page/", "/api/v1/docs/")
    for path in paths:
        page.goto(portal_server.url + path)
        assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_main(page, portal_server):
    page.goto(portal_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


# One page of each public type (WCAG 1.4.10 reflow: nothing scrolls sideways at 320 CSS pixels).
PAGE_TYPES = (
    "/",
    "/dashboard/",
    "/dashboard/authority/espoo/",
    "/dashboard/methodology/",
    "/practices/",
    "/practices/proactive-family-benefits/",
    "/practices/tag/co-design/",
    "/policy-briefs/",
    "/policy-briefs/proactive-services/",
    "/toolkit/",
    "/events/",
    "/community/",
    "/discussions/",
    "/search/?q=espoo",
    "/api/v1/docs/",
    "/accounts/login/",
)


def test_small_screen_has_no_horizontal_scroll(browser, portal_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    small = context.new_page()
    wide = {}
    for path in PAGE_TYPES:
        response = small.goto(portal_server.url + path)
        assert response.status == 200, path
        width = small.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
    context.close()
    assert wide == {}
