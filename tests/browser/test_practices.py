"""The good-practice library in Chromium: a member submits a case, an editor approves it in the Wagtail
admin, it appears in the library and in site search; a visitor filters by two facets; a member tags a
case. axe-core checks the library, a case page, a tag page, the submission form and "My submissions".

The server's database is shared by every browser test of the session: this test creates a case with a
unique title and adds a unique tag, and changes nothing else.
"""

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.demo import DEMO_PASSWORD

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

MEMBER = "member@example.org"
EDITOR = "editor@example.org"
LIBRARY = "/practices/"


def log_in(page, server, email: str, next_path: str) -> None:
    page.goto(f"{server.url}/accounts/login/?next={next_path}")
    page.locator("main").get_by_label("E-mail address").fill(email)
    page.locator("main").get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" not in page.url, f"login failed for {email}"


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()


def shell_output(server, code: str) -> str:
    """The last line printed (Django's shell first says how many objects it imported)."""
    return server.shell(code).strip().splitlines()[-1]


def result_titles(page) -> list[str]:
    return page.locator(".practice-list .card__title").all_inner_texts()


def tick(page, facet: str, label: str) -> None:
    """Tick a facet value, opening its (collapsible) group first when it is closed."""
    group = page.locator(f"#facet-{facet}")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    group.get_by_label(re.compile("^" + re.escape(label))).check()


def facet_count(page, facet: str, label: str) -> int:
    item = page.locator(f"#facet-{facet} li").filter(has_text=label)
    return int(item.locator(".facet__count").get_attribute("data-count"))


def test_member_submits_editor_approves_case_is_found(page, portal_server):
    server = portal_server
    title = f"Browser test pothole reporting {uuid.uuid4().hex[:6]}"

    # The member opens the submission form from the library and sends a case (with a script in it).
    log_in(page, server, MEMBER, LIBRARY)
    with page.expect_navigation():
        page.get_by_role("link", name="Share a practice case").click()
    assert_accessible(page)
    page.get_by_label("Name of the practice").fill(title)
    page.get_by_label("Authorities").select_option(label="Ghent")
    page.get_by_label("In a nutshell").fill("Residents report potholes with a photo and follow the repair.")
    page.get_by_label("What makes it user-centric").fill(
        "Tested with **20 residents**. <script>alert(1)</script>"
    )
    page.get_by_label("Impact").fill("Repairs within 5 days for 80% of reports.")
    page.get_by_label("Citizen engagement").check()
    page.get_by_label("2.5 Citizens redress and feedback mechanisms").check()
    page.get_by_label("Service area").select_option("environment")
    page.get_by_label("Pilot").check()
    page.get_by_label("Year launched").fill("2024")
    page.get_by_label("Tags").fill("Feedback, mobile app")
    page.get_by_label("Link 1: address").fill("https://stad.gent/")

    # A mistake first: the form comes back with the error, focused, and keeps what was typed.
    page.get_by_label("Year launched").fill("1800")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Name of the practice").input_value() == title
    assert_accessible(page)
    page.get_by_label("Year launched").fill("2024")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()

    assert "/practices/my-submissions/" in page.url
    row = page.locator("tr").filter(has_text=title)
    assert "Awaiting the editors" in row.inner_text()
    assert_accessible(page)
    case_id = shell_output(
        server,
        f"from practices.models import PracticeCasePage as P; print(P.objects.get(title={title!r}).pk)",
    )
    log_out(page)

    # The editor approves it with a comment in the Wagtail admin.
    page.goto(server.url + "/admin/login/")
    page.fill("input[name=username]", EDITOR)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{server.url}/admin/pages/{case_id}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve with comment and Publish").click()
    page.locator("#id_comment").fill("Clear and measurable, thank you.")
    with page.expect_navigation():
        page.locator(".modal").get_by_role("button", name="Approve with comment").click()
    assert "/admin/" in page.url

    # A visitor (a fresh session) finds it in the library (newest first), by a word, and in site search.
    page.context.clear_cookies()
    page.goto(server.url + LIBRARY)
    assert result_titles(page)[0] == title
    page.get_by_label("Search the practice library").fill("pothole")
    with page.expect_navigation():
        page.locator("#library-form").get_by_role("button", name="Search").click()
    assert title in result_titles(page)
    page.goto(f"{server.url}/search/?q=pothole")
    assert page.get_by_role("link", name=title).count() >= 1

    # The case page: sanitised text (the script is shown as text), no contact for visitors.
    page.goto(server.url + LIBRARY)
    with page.expect_navigation():
        page.get_by_role("link", name=title).click()
    assert page.locator("h1").inner_text() == title
    # (the approval in the admin saved the text through Draftail, which stores bold as <b>)
    assert page.locator("article :is(strong, b)").filter(has_text="20 residents").count() == 1
    assert page.locator("article script").count() == 0
    assert "Log in" in page.locator("aside").inner_text()
    assert_accessible(page)


def test_visitor_filters_by_two_facets(page, portal_server):
    server = portal_server
    page.goto(server.url + LIBRARY)
    assert_accessible(page)

    # Tick Country: Spain and Status: Live scaled up, without JavaScript needed (a GET form).
    tick(page, "country", "Spain")
    spain = facet_count(page, "country", "Spain")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert len(result_titles(page)) == spain
    scaled = facet_count(page, "status", "Scaled up")
    tick(page, "status", "Scaled up")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["country"] == ["ES"] and query["status"] == ["scaled"]

    titles = result_titles(page)
    assert len(titles) == scaled
    expected = shell_output(
        server,
        "from practices.models import PracticeCasePage as P; "
        "print('|'.join(sorted(P.objects.live().filter(authorities__country='ES', status='scaled')"
        ".values_list('title', flat=True).distinct())))",
    ).split("|")
    assert sorted(titles) == expected
    assert page.locator("#results-heading").inner_text() == f"{len(expected)} practice cases"
    # The ticked values carry the number of results they lead to.
    assert facet_count(page, "status", "Scaled up") == len(expected)
    assert facet_count(page, "country", "Spain") == len(expected)
    assert_accessible(page)

    # The filtered view is an address you can share; removing one filter widens it again.
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Status: Scaled up")).click()
    assert len(result_titles(page)) == spain


def test_member_tags_a_case_and_opens_the_tag_page(page, portal_server):
    server = portal_server
    tag = f"Browser Tag {uuid.uuid4().hex[:5]}"
    log_in(page, server, MEMBER, "/practices/city-usability-lab/")
    assert page.locator("aside .case-contact").count() == 1  # members see the contact person
    page.get_by_label("Add tags").fill(f"co design, {tag}")
    with page.expect_navigation():
        page.get_by_role("button", name="Add tags").click()
    tags = page.locator("#case-tags + ul.tags").inner_text()
    assert tag in tags and tags.lower().count("co-design") == 1  # "co design" is the existing co-design tag
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=tag).click()
    assert page.locator("h1").inner_text() == f"Tagged “{tag}”"
    assert page.get_by_role("link", name="City usability lab").count() == 1
    assert_accessible(page)
