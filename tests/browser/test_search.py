"""A visitor searches: header suggestions by keyboard, then a results page narrowed by two facets."""

import json
import re

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

EXPECTED = """
import json
from learning.models import ToolkitEntryPage
from practices.models import PracticeCasePage
titles = set(ToolkitEntryPage.objects.live().public().filter(
    tags__name="user research", principle_links__principle="citizen-engagement"
).values_list("title", flat=True))
titles |= set(PracticeCasePage.objects.live().public().filter(
    tags__name="user research", principles__icontains='"citizen-engagement"'
).values_list("title", flat=True))
print(json.dumps(sorted(titles)))
"""


def test_header_suggestions_are_keyboard_navigable(page, portal_server):
    page.goto(portal_server.url + "/")
    box = page.get_by_role("combobox", name="Search the portal")
    box.click()
    box.press_sequentially("person", delay=40)
    listbox = page.locator("#site-search-listbox")
    listbox.wait_for(state="visible")
    options = listbox.get_by_role("option")
    assert options.count() >= 1
    assert any("Personas from real service data" in text for text in options.all_inner_texts())
    first_label = options.nth(0).locator(".site-search__label").inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    status = page.locator("#site-search-input-live")
    assert re.match(r"\d+ suggestions?, use the up and down arrow keys", status.inner_text())
    assert_accessible(page)

    box.press("ArrowDown")
    first = options.nth(0)
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    if options.count() > 1:
        box.press("ArrowDown")
        assert options.nth(1).get_attribute("aria-selected") == "true"
        box.press("ArrowUp")
    assert first.get_attribute("aria-selected") == "true"

    box.press("Escape")
    assert listbox.is_hidden() and box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "person"
    box.press("ArrowDown")
    assert listbox.is_visible()
    with page.expect_navigation():
        box.press("Enter")
    assert page.locator("h1").first.inner_text() == first_label


def test_enter_without_a_suggestion_submits_the_search(page, portal_server):
    page.goto(portal_server.url + "/")
    box = page.get_by_role("combobox", name="Search the portal")
    box.fill("toolkit")
    with page.expect_navigation():
        box.press("Enter")
    assert "/search/?q=toolkit" in page.url
    assert page.locator("h2.search-count").inner_text().endswith("results")


def test_results_with_two_facets_applied(page, portal_server):
    expected = json.loads(portal_server.shell(EXPECTED).strip().splitlines()[-1])
    assert expected, "the demo should tag toolkit entries with user research"
    page.goto(portal_server.url + "/search/?q=user+research")
    assert_accessible(page)
    facets = page.locator("aside.search-facets")
    with page.expect_navigation():
        facets.locator("section", has_text="Tag").get_by_role(
            "link", name=re.compile(r"^user research \(\d+\)$")
        ).click()
    with page.expect_navigation():
        facets.locator("section", has_text="Principle").get_by_role(
            "link", name=re.compile(r"^Citizen engagement \(\d+\)$")
        ).click()
    assert "tag=user+research" in page.url and "principle=citizen-engagement" in page.url
    titles = page.locator(".search-result__title a").all_inner_texts()
    assert sorted(titles) == expected
    assert page.locator("h2.search-count").inner_text() == f"{len(expected)} result" + (
        "s" if len(expected) != 1 else ""
    )
    selected = facets.locator("a[aria-current=true]").all_inner_texts()
    assert len(selected) == 2
    assert_accessible(page)

    # Removing one filter widens the results again.
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Remove filter Principle")).click()
    assert len(page.locator(".search-result__title a").all_inner_texts()) >= len(expected)


def test_no_results_offers_a_correction(page, portal_server):
    page.goto(portal_server.url + "/search/?q=personnas")
    assert page.locator("h2.search-count").inner_text() == "0 results"
    link = page.locator(".search-spelling a").first
    assert "persona" in link.inner_text().lower()
    assert_accessible(page)
