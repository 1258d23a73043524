"""The dashboard, an authority profile and the methodology in Chromium: usable without JavaScript,
keyboard-sortable, filterable, and free of axe-core violations."""

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_dashboard_ranking_filters_and_sorting(page, portal_server):
    page.goto(portal_server.url + "/dashboard/?edition=2023")
    assert_accessible(page)
    rows = page.locator("table.ranking-table tbody tr")
    assert rows.count() == 26  # the demo community, all published
    assert page.locator("table.ranking-table thead th").count() == 2 + 12 + 1

    # Filter by country through the form, as a visitor would.
    page.select_option("#filter-country", "ES")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "country=ES" in page.url
    names = page.locator("table.ranking-table tbody th").all_inner_texts()
    assert names and "Barcelona" in names and "Espoo" not in names
    assert_accessible(page)

    # Sort by authority name with the keyboard: the header link keeps the filter.
    page.get_by_role("link", name="Authority (sort)").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    names = page.locator("table.ranking-table tbody th").all_inner_texts()
    assert names == sorted(names, key=str.casefold)
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Authority")

    # A cell leads to that sub-pillar on the profile.
    with page.expect_navigation():
        page.locator("table.ranking-table tbody tr").first.locator("td a.band").nth(3).click()
    assert "/dashboard/authority/" in page.url and page.url.endswith("#subpillar-2-1")
    assert page.locator("#subpillar-2-1").is_visible()


def test_profile_and_methodology_are_accessible(page, portal_server):
    page.goto(portal_server.url + "/dashboard/authority/espoo/?edition=2023")
    assert page.locator("h1").inner_text() == "Espoo"
    assert page.locator("figure.bar-chart .bar-chart__row").count() == 12
    assert page.locator("table caption", has_text="by sub-pillar").count() == 1
    assert_accessible(page)
    page.goto(portal_server.url + "/dashboard/methodology/?edition=2022")
    assert "39 indicators" in page.locator("main").inner_text()
    assert_accessible(page)


def test_charts_and_tables_work_without_javascript(browser, portal_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal_server.url + "/dashboard/authority/ghent/")
    bar = page.locator("figure.bar-chart .bar-chart__bar").first
    assert bar.bounding_box()["width"] > 0
    page.goto(portal_server.url + "/dashboard/?sort=percent&dir=asc")
    cells = page.locator("table.ranking-table tbody td:last-child").all_inner_texts()
    percents = [int(text.split()[0]) for text in cells]
    assert percents == sorted(percents)
    context.close()


def test_ranking_is_readable_on_a_small_screen(browser, portal_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(portal_server.url + "/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
