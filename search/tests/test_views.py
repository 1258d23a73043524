"""The search page and the suggestions endpoint, as a browser without JavaScript sees them."""

import pytest

from benchmarks.factories import AuthorityFactory
from portal.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def test_search_page_lists_tabs_facets_and_highlighted_results(client, dashboard):
    AuthorityFactory(name="Ghent", slug="ghent", country="BE")
    StandardPageFactory(
        parent=dashboard.get_parent(), title="Ghent open data", introduction="Open data in Ghent."
    )
    html = client.get("/search/", {"q": "ghent"}).content.decode()
    assert "2 results" in html
    assert '<a href="/dashboard/authority/ghent/"><mark>Ghent</mark></a>' in html
    assert 'aria-label="Result types"' in html and "Authorities <span" in html
    assert 'href="?country=BE&amp;q=ghent"' in html  # facet links work without JavaScript
    assert "Belgium" in html


def test_type_tab_and_facet_narrow_the_results(client, dashboard):
    AuthorityFactory(name="Ghent", slug="ghent", country="BE")
    StandardPageFactory(parent=dashboard.get_parent(), title="Ghent open data")
    html = client.get("/search/", {"q": "ghent", "type": "page"}).content.decode()
    assert (
        "1 result" in html
        and "<mark>Ghent</mark> open data" in html
        and "/dashboard/authority/ghent/" not in html
    )
    html = client.get("/search/", {"q": "ghent", "country": "BE"}).content.decode()
    assert "1 result" in html and "/dashboard/authority/ghent/" in html
    assert "Remove filter Country: Belgium" in html


def test_no_results_suggests_spelling_and_broader_filters(client, dashboard):
    html = client.get("/search/", {"q": "bencmark dashbord"}).content.decode()
    assert "0 results" in html and "Did you mean" in html
    assert 'href="/search/?q=Benchmark%20dashboard"' in html
    html = client.get("/search/", {"q": "benchmark", "year": "1999"}).content.decode()
    assert "Search everything without filters" in html


def test_bad_page_numbers_and_long_queries_are_handled(client, home):
    for i in range(12):
        StandardPageFactory(parent=home, title=f"Kiosk {i}")
    assert "Page 2 of 2" in client.get("/search/", {"q": "kiosk", "page": "99"}).content.decode()
    assert "Page 1 of 2" in client.get("/search/", {"q": "kiosk", "page": "x"}).content.decode()
    assert client.get("/search/", {"q": "kiosk " * 200}).status_code == 200
    assert client.post("/search/", {"q": "kiosk"}).status_code == 405


def test_suggestions_endpoint_returns_json(client, dashboard):
    AuthorityFactory(name="Espoo", slug="espoo")
    StandardPageFactory(parent=dashboard.get_parent(), title="Esports and libraries")
    data = client.get("/search/suggest/", {"q": "esp"}).json()
    assert data["query"] == "esp"
    labels = [r["label"] for r in data["results"]]
    assert labels[0] == "Espoo" and "Esports and libraries" in labels
    assert data["results"][0] == {
        "label": "Espoo",
        "url": "/dashboard/authority/espoo/",
        "kind": "Authorities",
    }
    assert client.get("/search/suggest/", {"q": "e"}).json()["results"] == []


def test_header_box_is_an_aria_combobox_that_works_as_a_form(client, home):
    html = client.get("/").content.decode()
    assert '<form class="site-search" role="search"' in html and 'action="/search/" method="get"' in html
    assert 'role="combobox"' in html and 'aria-controls="site-search-listbox"' in html
    assert 'aria-expanded="false"' in html and 'aria-autocomplete="list"' in html
    assert 'id="site-search-listbox"' in html and 'role="listbox"' in html
    assert 'role="status"' in html and 'data-suggest-url="/search/suggest/"' in html
