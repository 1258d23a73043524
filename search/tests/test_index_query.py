"""The index reader (one full-text read of Wagtail's search index for every type) and the query budget
of the search page and its suggestions: the number of queries does not grow with the number of matches."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from benchmarks.factories import AuthorityFactory
from benchmarks.models import Authority
from portal.factories import StandardPageFactory
from portal.models import StandardPage
from practices.factories import PracticeCasePageFactory
from practices.models import PracticeCasePage
from search import index_query, selectors

pytestmark = pytest.mark.django_db


def test_one_query_reads_the_matches_of_every_type(library):
    home = library.get_parent()
    case = PracticeCasePageFactory(parent=library, title="Wayfinding kiosks", summary="Kiosk maps.")
    page = StandardPageFactory(parent=home, title="About kiosks", introduction="Kiosk history.")
    StandardPageFactory(parent=home, title="Unrelated", introduction="Nothing here.")
    authority = AuthorityFactory(name="Kiosk Town")
    models = [PracticeCasePage, Authority, Page]
    with CaptureQueriesContext(connection) as queries:
        found = index_query.match("kiosk", models)
    assert len([q for q in queries.captured_queries if "indexentry" in q["sql"]]) == 1
    assert set(found.matches[PracticeCasePage]) == {case.pk}
    assert set(found.matches[Authority]) == {authority.pk}
    # A page of a type that has its own entry in the list is not also a plain page.
    assert set(found.matches[Page]) == {page.pk}
    assert index_query.match("", models).matches == {model: {} for model in models}


def test_suggestion_matches_keep_the_best_of_each_type(home):
    for i in range(5):
        StandardPageFactory(parent=home, title=f"Harbour {i}")
    AuthorityFactory(name="Harbourtown")
    found = index_query.match("harb", [Authority, Page], autocomplete=True, per_type_limit=2)
    assert len(found.matches[Page]) == 2
    assert len(found.matches[Authority]) == 1


def test_key_in_filters_on_a_list_of_keys(home):
    pages = [StandardPageFactory(parent=home, title=f"Pier {i}") for i in range(3)]
    keys = [pages[0].pk, pages[2].pk]
    assert set(
        StandardPage.objects.filter(index_query.KeyIn("pk", keys)).values_list("pk", flat=True)
    ) == set(keys)
    assert not StandardPage.objects.filter(index_query.KeyIn("pk", [])).exists()


def test_pages_under_a_restricted_section_never_show(home):
    section = StandardPageFactory(parent=home, title="Members area", introduction="lighthouse")
    StandardPageFactory(parent=section, title="Lighthouse minutes", introduction="lighthouse")
    StandardPageFactory(parent=home, title="Lighthouse open day", introduction="lighthouse")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    outcome = selectors.search(query="lighthouse", user=AnonymousUser())
    assert [hit.obj.title for hit in outcome.results[0:10]] == ["Lighthouse open day"]
    assert [s.label for s in selectors.autocomplete(query="lighth")] == ["Lighthouse open day"]


def _search_queries(query, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        outcome = selectors.search(query=query, user=AnonymousUser(), **kwargs)
        hits = list(outcome.results[0:10])
    return len(queries), outcome, hits


@pytest.mark.parametrize("filters", [{}, {"country": "FI", "year": "2020"}])
def test_search_queries_do_not_grow_with_the_matches(library, filters):
    espoo = AuthorityFactory(name="Espoo", country="FI")

    def add_cases(start, count):
        for i in range(start, start + count):
            PracticeCasePageFactory(
                parent=library, title=f"Ferry {i}", authorities=[espoo], tags=["mobility"], year_launched=2020
            )

    add_cases(0, 2)
    _search_queries("ferry")  # vocabularies and the site's root paths cached, content types known
    few, outcome, _ = _search_queries("ferry", filters=filters)
    assert outcome.results.count() == 2
    add_cases(2, 25)
    _search_queries("ferry")  # the practice cases' in-memory index read again (a new generation)
    many, outcome, hits = _search_queries("ferry", filters=filters)
    assert outcome.results.count() == 27 and len(hits) == 10
    assert many == few
    assert many <= 20


def test_suggestions_read_each_type_once(library):
    home = library.get_parent()
    for i in range(12):
        PracticeCasePageFactory(parent=library, title=f"Tramway {i}")
        StandardPageFactory(parent=home, title=f"Tram stop {i}")
    AuthorityFactory(name="Tramtown")
    selectors.autocomplete(query="tram")
    with CaptureQueriesContext(connection) as queries:
        suggestions = selectors.autocomplete(query="tram")
    assert len(suggestions) == 8 and suggestions[0].label == "Tramtown"
    # The index once, then the visible objects of each of the three types that have any (no URL lookups
    # per suggestion beyond the site's own, which Wagtail caches per request).
    assert len(queries) <= 8, [q["sql"][:120] for q in queries.captured_queries]


def test_scored_equals_wagtails_own_search(library):
    """Every match of one model with Wagtail's score, best first (PostgreSQL); None on other backends."""
    PracticeCasePageFactory(parent=library, title="Ferry timetable", summary="Boats.")
    PracticeCasePageFactory(parent=library, title="Harbour", summary="The ferry and the ferry pier.")
    PracticeCasePageFactory(parent=library, title="Ferry tickets", summary="Ferry ferry ferry.")
    PracticeCasePageFactory(parent=library, title="Buses", summary="No boats at all.")
    StandardPageFactory(parent=library.get_parent(), title="Ferry news")  # another model
    found = index_query.scored("ferry", PracticeCasePage)
    if connection.vendor != "postgresql":
        assert found is None
        return
    results = PracticeCasePage.objects.search("ferry", operator="and").annotate_score("_score")
    expected = sorted(((case.pk, case._score) for case in results), key=lambda item: (-item[1], item[0]))
    assert len(found) == 3
    assert [pk for pk, _score in found] == [pk for pk, _score in expected]
    assert [score for _pk, score in found] == pytest.approx([score for _pk, score in expected])
    assert index_query.scored("", PracticeCasePage) == []
