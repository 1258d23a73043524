"""The compare page and the embeddable widgets in Chromium: accessible, usable by keyboard, and framed by
a page of another origin."""

import functools
import http.server
import os
import threading

import pytest

from .conftest import assert_accessible, free_port

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("UCC_SCREENSHOTS")  # a folder: keep screenshots of the pages


@pytest.fixture
def other_origin(tmp_path):
    """A plain static site on another port (another origin), serving the files written into tmp_path."""
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_compare_page_is_accessible(page, portal_server):
    page.goto(portal_server.url + "/dashboard/compare/?edition=2023&a=espoo&a=ghent&a=barcelona")
    assert page.locator("h1").count() == 1
    heads = page.locator("table.compare-table").first.locator("thead th").all_inner_texts()
    assert heads == ["Sub-pillar", "Espoo", "Ghent", "Barcelona"]
    assert page.locator("figure.compare-chart .bar-chart__row").count() == 12 * 3
    assert_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/compare.png", full_page=True)


def test_combobox_adds_an_authority_by_keyboard(page, portal_server):
    page.goto(portal_server.url + "/dashboard/compare/?edition=2023&a=espoo&a=barcelona")
    combobox = page.get_by_role("combobox", name="Add an authority")
    assert combobox.get_attribute("aria-expanded") == "false"
    combobox.focus()
    page.keyboard.type("Gh")
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    options = page.get_by_role("option")
    assert "Ghent" in options.first.inner_text()
    page.keyboard.press("ArrowDown")
    active = combobox.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert_accessible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "a=ghent" in page.url
    names = page.locator("table.compare-table").first.locator("thead th").all_inner_texts()
    assert names == ["Sub-pillar", "Espoo", "Barcelona", "Ghent"]

    # Escape closes the list without choosing.
    combobox = page.get_by_role("combobox", name="Add an authority")
    combobox.focus()
    page.keyboard.type("Es")
    page.get_by_role("listbox").wait_for()
    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("listbox").is_hidden()


def test_widget_is_shown_in_an_iframe_of_another_site(page, portal_server, other_origin):
    folder, origin = other_origin
    embed_url = portal_server.url + "/embed/compare/?framework=ucc&edition=2023&a=espoo&a=ghent"
    (folder / "host.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A city blog</title></head>'
        "<body><main><h1>How we compare</h1>"
        f'<iframe src="{embed_url}" title="Espoo and Ghent compared" width="100%" height="700" '
        'loading="lazy" style="border:0"></iframe></main></body></html>'
    )
    page.goto(origin + "/host.html")
    frame = page.frame_locator("iframe")
    table = frame.locator("table.compare-table")
    table.wait_for()
    assert frame.locator("thead th").all_inner_texts() == ["Sub-pillar", "Espoo", "Ghent"]
    assert (
        frame.get_by_role("link", name="See the full view on UserCentriCities").get_attribute("target")
        == "_top"
    )
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/host.png", full_page=True)

    page.goto(embed_url)
    assert_accessible(page)


def test_ranking_excerpt_fits_a_small_screen(browser, portal_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(portal_server.url + "/embed/ranking/?framework=ucc&edition=2023&top=10")
    assert page.locator("table tbody tr").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/ranking-320.png", full_page=True)
    context.close()
