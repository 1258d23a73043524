"""An editor places a benchmark comparison widget in a page through the Wagtail admin, in Chromium, the way
an editor does it: the block menu, the authority chooser, Publish. The published page shows live figures,
and they follow the benchmark when an editor approves Ghent's correction (the demo's submission awaiting
validation) in the review screen.

The server's database is shared by every browser test of the session: this test adds one page with a
unique slug and publishes Ghent's pending correction; no other browser test relies on that correction.
"""

import json
import uuid

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD

from .conftest import assert_accessible, login

pytestmark = pytest.mark.browser

EDITOR = "editor@example.org"

# Ghent's published sub-pillar results of 2023, in framework order, as "yes/total".
GHENT_RESULTS = """
import json
from benchmarks.models import Submission
s = Submission.objects.get(authority__slug="ghent", edition__revision="2023", status="published")
rows = s.results.select_related("subpillar").order_by("subpillar__sort_order", "subpillar__key")
print(json.dumps([f"{r.yes}/{r.total}" for r in rows]))
"""


def ghent_results(server) -> list[str]:
    return json.loads(server.shell(GHENT_RESULTS).strip().splitlines()[-1])


def column_cells(page, column: int) -> list[str]:
    """'yes/total' of each sub-pillar row in the widget's `column` (0 = the first authority)."""
    cells = page.locator("table.compare-table tbody tr").evaluate_all(
        "(rows, column) => rows.map(row => row.querySelectorAll('td')[column].innerText)", column
    )
    return [cell.split(" ·")[0].strip() for cell in cells]


def choose_authority(page, chooser_button, name: str) -> None:
    chooser_button.click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("textbox", name="Search").fill(name)
    choice = modal.get_by_role("link", name=name, exact=True)
    choice.wait_for()
    choice.click()
    modal.wait_for(state="detached")


def test_editor_adds_a_comparison_widget_that_follows_new_results(page, portal_server):
    server = portal_server
    slug = f"espoo-and-ghent-{uuid.uuid4().hex[:8]}"
    home_id = (
        server.shell("from portal.models import HomePage; print(HomePage.objects.get().pk)")
        .strip()
        .splitlines()[-1]
    )

    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, server, EDITOR, DEMO_PASSWORD)

    # A new standard page under the home page, with a "Benchmark comparison" block in its body.
    page.goto(f"{server.url}/admin/pages/add/portal/standardpage/{home_id}/")
    page.locator("#id_title").fill("Espoo and Ghent side by side")
    page.locator("#id_introduction").fill("Two founding cities of UserCentriCities compared.")
    page.get_by_title("Insert a block").first.click()
    page.get_by_role("option", name="Benchmark comparison").click()
    edition = page.get_by_role("textbox", name="Edition")
    assert edition.input_value() == "2023"

    # The list starts with one empty authority; the editor chooses Espoo, adds a second item, chooses Ghent.
    choose_authority(page, page.get_by_role("button", name="Choose authority").first, "Espoo")
    page.locator("[data-streamfield-list-add]").last.click()
    choose_authority(page, page.get_by_role("button", name="Choose authority").last, "Ghent")

    page.get_by_role("tab", name="Promote").click()
    page.locator("#id_slug").fill(slug)
    page.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    # Wagtail 8 autosaves a new page as a draft while the editor types, so Publish may answer "created and
    # published" (back in the explorer) or "has been published" (the edit view): either way, published.
    expect(page.locator(".messages")).to_contain_text("published")

    # A visitor sees the widget with the benchmark's current figures.
    visitor = page.context.browser.new_context()
    try:
        public = visitor.new_page()
        response = public.goto(f"{server.url}/{slug}/")
        assert response.status == 200
        heads = public.locator("table.compare-table thead th").all_inner_texts()
        assert heads == ["Sub-pillar", "Espoo", "Ghent"]
        before = ghent_results(server)
        assert column_cells(public, 1) == before
        assert_accessible(public)

        # The editor approves Ghent's correction in the review screen ...
        page.goto(server.url + "/benchmark/review/")
        with page.expect_navigation():
            page.get_by_role("link", name="Review Ghent, UserCentriCities 2023").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and publish").click()
        assert "is published" in page.locator("ul.messages").inner_text()

        # ... and the same published page shows the new figures at once.
        after = ghent_results(server)
        assert after != before, "the demo's correction should change Ghent's results"
        public.reload()
        assert column_cells(public, 1) == after
    finally:
        visitor.close()
