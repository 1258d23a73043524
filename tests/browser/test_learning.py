"""Policy briefs, the toolkit and bench-learning recommendations in Chromium, as visitors and a
representative use them: filters without JavaScript, the feed, and zero axe-core violations."""

import xml.etree.ElementTree as ET

import pytest

from .conftest import assert_accessible, login

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"


def test_brief_index_year_filter_feed_and_brief(page, portal_server):
    page.goto(portal_server.url + "/policy-briefs/")
    assert_accessible(page)
    titles = page.locator(".brief-item__title").all_inner_texts()
    assert len(titles) == 3 and titles[0].startswith("Interoperability")

    # The index announces its feed; the feed is Atom with the three briefs.
    feed_href = page.locator('link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
    response = page.request.get(portal_server.url + feed_href)
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.body())
    assert len(feed.findall(f"{ATOM}entry")) == 3

    # Filter by year without JavaScript semantics: a GET form.
    page.select_option("#brief-year", "2023")
    with page.expect_navigation():
        page.get_by_role("button", name="Show briefs").click()
    assert "year=2023" in page.url
    assert page.locator(".brief-item__title").all_inner_texts() == [
        "The state of local user-centricity in 2023"
    ]
    assert "1 brief in 2023" in page.locator(".search-count").inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="The state of local user-centricity in 2023").click()
    assert page.locator("h1").inner_text() == "The state of local user-centricity in 2023"
    aside = page.locator("aside.sidebar")
    assert "Marta Ferreira" in aside.inner_text() and "The Lisbon Council" in aside.inner_text()
    assert page.locator("table caption", has_text="Where authorities stand").count() == 1
    assert page.locator(".widget").count() >= 1  # the live ranking excerpt
    pdf = page.get_by_role("link", name="Download the PDF")
    pdf_response = page.request.get(portal_server.url + pdf.get_attribute("href"))
    assert pdf_response.ok and pdf_response.body().startswith(b"%PDF-")
    assert_accessible(page)


def test_brief_with_comparison_widget_is_accessible(page, portal_server):
    page.goto(portal_server.url + "/policy-briefs/proactive-services/")
    assert page.locator(".widget").count() == 1
    assert_accessible(page)


def test_toolkit_filters_and_entry(page, portal_server):
    page.goto(portal_server.url + "/toolkit/")
    assert "12 entries" in page.locator(".search-count").inner_text()
    assert_accessible(page)

    page.select_option("#toolkit-category", "evaluation")
    page.select_option("#toolkit-subpillar", "2.3")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "category=evaluation" in page.url and "subpillar=2.3" in page.url
    titles = sorted(page.locator(".card__title").all_inner_texts())
    assert titles == ["Accessibility audit against WCAG 2.2", "System Usability Scale survey kit"]
    assert "2 entries" in page.locator(".search-count").inner_text()
    # the counts in the other facets follow the filters
    assert page.locator("#toolkit-kind option", has_text="Template (1)").count() == 1
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="System Usability Scale survey kit").click()
    main = page.locator("main").inner_text()
    assert "2.3 Useability" in main and "Evaluation and measurement" in main
    template = page.locator(".download-list a").first
    assert page.request.get(portal_server.url + template.get_attribute("href")).ok
    assert_accessible(page)


def test_toolkit_filters_work_without_javascript(browser, portal_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal_server.url + "/toolkit/")
    page.select_option("#toolkit-kind", "guide")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "kind=guide" in page.url
    cards = page.locator(".toolkit-card .badge").all_inner_texts()
    assert cards and set(cards) == {"Guide"}
    context.close()


WEAKEST_SCRIPT = """
from benchmarks import selectors
from benchmarks.models import Authority
edition = selectors.default_edition()
submission = selectors.published_submission(authority=Authority.objects.get(slug="espoo"), edition=edition)
rows = sorted(
    submission.results.select_related("subpillar"), key=lambda r: (r.value, r.yes, r.subpillar.sort_order)
)
print("|".join([f"{r.subpillar.key} {r.subpillar.name}" for r in rows if r.value < 1][:3]))
"""


def test_representative_sees_recommendations_for_their_weakest_subpillars(page, portal_server):
    weakest = portal_server.shell(WEAKEST_SCRIPT).strip().splitlines()[-1].split("|")
    assert len(weakest) == 3
    login(page, portal_server, "representative@espoo.example.org", "ucc-demo-2026")
    page.goto(portal_server.url + "/")
    with page.expect_navigation():
        page.locator(".site-account").get_by_role("link", name="My recommendations").click()
    assert page.url.endswith("/learning/my-recommendations/")
    titles = page.locator(".recommendation__title").all_inner_texts()
    assert titles == weakest
    first = page.locator(".recommendation").first
    assert f"{weakest[0]} is your weakest sub-pillar" in first.inner_text()
    assert first.locator(".recommendation__gaps li").first.inner_text().startswith("You ")
    assert first.locator(".recommendation__leaders > li").count() >= 1
    assert_accessible(page)

    # A leader's profile is one click away, and the public profile names the authority.
    page.goto(portal_server.url + "/dashboard/authority/espoo/")
    section = page.locator("section.recommendations")
    assert section.locator(".recommendation__title").all_inner_texts() == weakest
    assert "Espoo answers No to" in section.inner_text() or "Espoo does not answer" in section.inner_text()
    assert_accessible(page)
