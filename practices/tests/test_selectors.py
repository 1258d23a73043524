import pytest

from benchmarks.factories import AuthorityFactory, ucc_edition
from practices.factories import PracticeCasePageFactory
from practices.selectors import LibraryFilters, library_search


def facet(result, name):
    (found,) = [f for f in result.facets if f.name == name]
    return {value.value: value.count for value in found.values}


@pytest.fixture
def cases(library):
    edition = ucc_edition("2023")
    sp = {key: edition.subpillars.get(key=key) for key in ("2.1", "2.3", "3.2")}
    ghent = AuthorityFactory(name="Ghent", country="BE")
    brussels = AuthorityFactory(name="Brussels", country="BE")
    milan = AuthorityFactory(name="Milan", country="IT")
    made = {
        "lab": PracticeCasePageFactory(
            parent=library,
            title="City usability lab",
            authorities=[ghent],
            status="live",
            year_launched=2019,
            principles=["accessibility", "citizen-engagement"],
            sub_pillars=[sp["2.3"], sp["2.1"]],
            tags=["usability testing", "co-design"],
            summary="Tests with residents.",
        ),
        "hubs": PracticeCasePageFactory(
            parent=library,
            title="Digital inclusion hubs",
            authorities=[ghent, brussels],
            status="scaled",
            year_launched=2020,
            principles=["accessibility"],
            sub_pillars=[sp["3.2"]],
            tags=["digital inclusion"],
            summary="Helpers in libraries.",
        ),
        "school": PracticeCasePageFactory(
            parent=library,
            title="School enrolment",
            authorities=[milan],
            status="live",
            year_launched=2022,
            principles=["burden-reduction", "citizen-engagement"],
            sub_pillars=[sp["2.1"]],
            tags=["co-design"],
            summary="Parents redesigned enrolment with usability workshops.",
        ),
        "wallet": PracticeCasePageFactory(
            parent=library,
            title="Identity wallet",
            authorities=[milan],
            status="pilot",
            year_launched=2024,
            principles=["privacy"],
            tags=["digital identity"],
            summary="Share only what a service needs.",
        ),
    }
    draft = PracticeCasePageFactory(
        parent=library, title="Draft co-design", authorities=[ghent], tags=["co-design"]
    )
    draft.unpublish()
    return made


@pytest.mark.django_db
class TestLibrarySearch:
    def test_no_filter_lists_live_cases_newest_first_with_counts(self, library, cases):
        result = library_search(library=library, filters=LibraryFilters())
        assert result.cases.count() == 4 and result.sort == "newest"
        assert facet(result, "tag") == {
            "co-design": 2,
            "usability-testing": 1,
            "digital-inclusion": 1,
            "digital-identity": 1,
        }
        assert facet(result, "country") == {"BE": 2, "IT": 2}
        assert facet(result, "authority") == {"ghent": 2, "brussels": 1, "milan": 2}
        assert facet(result, "principle") == {
            "accessibility": 2,
            "citizen-engagement": 2,
            "burden-reduction": 1,
            "privacy": 1,
        }
        assert facet(result, "sub_pillar") == {"2.1": 2, "2.3": 1, "3.2": 1}
        assert facet(result, "status") == {"live": 2, "scaled": 1, "pilot": 1}
        assert facet(result, "year") == {"2024": 1, "2022": 1, "2020": 1, "2019": 1}

    def test_two_facets_combine_and_counts_follow_the_other_facets(self, library, cases):
        filters = LibraryFilters(tags=("co-design",), countries=("IT",))
        result = library_search(library=library, filters=filters)
        assert list(result.cases) == [cases["school"]]
        # Tag counts under country=IT; country counts under tag=co-design (disjunctive facets).
        assert facet(result, "tag") == {"co-design": 1, "digital-identity": 1}
        assert facet(result, "country") == {"BE": 1, "IT": 1}
        assert facet(result, "status") == {"live": 1}
        selected = [v for f in result.facets for v in f.values if v.selected]
        assert {(v.value, v.count) for v in selected} == {("co-design", 1), ("IT", 1)}

    def test_values_of_one_facet_are_alternatives(self, library, cases):
        result = library_search(library=library, filters=LibraryFilters(statuses=("pilot", "scaled")))
        assert set(result.cases) == {cases["hubs"], cases["wallet"]}
        result = library_search(
            library=library, filters=LibraryFilters(principles=("privacy", "burden-reduction"))
        )
        assert set(result.cases) == {cases["school"], cases["wallet"]}

    def test_full_text_query_with_a_facet(self, library, cases):
        result = library_search(library=library, filters=LibraryFilters(query="usability"))
        assert set(result.cases) == {cases["lab"], cases["school"]} and result.sort == "relevance"
        assert facet(result, "country") == {"BE": 1, "IT": 1}
        result = library_search(library=library, filters=LibraryFilters(query="usability", countries=("BE",)))
        assert list(result.cases) == [cases["lab"]]

    def test_sorting(self, library, cases):
        by_title = library_search(library=library, filters=LibraryFilters(sort="title"))
        assert [c.title for c in by_title.cases] == sorted(c.title for c in cases.values())
        by_year = library_search(library=library, filters=LibraryFilters(sort="year"))
        assert [c.year_launched for c in by_year.cases] == [2024, 2022, 2020, 2019]
        assert library_search(library=library, filters=LibraryFilters(sort="relevance")).sort == "newest"

    def test_a_ticked_value_without_matches_stays_visible(self, library, cases):
        result = library_search(library=library, filters=LibraryFilters(query="wallet", years=(2019,)))
        assert result.cases.count() == 0
        years = [f for f in result.facets if f.name == "year"][0]
        assert [(v.value, v.count, v.selected) for v in years.values] == [
            ("2024", 1, False),
            ("2019", 0, True),
        ]

    def test_facet_counts_are_aggregate_queries(self, library, cases, django_assert_max_num_queries):
        with django_assert_max_num_queries(12):
            result = library_search(
                library=library, filters=LibraryFilters(tags=("co-design",), statuses=("live",))
            )
            list(result.cases)
