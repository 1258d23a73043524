"""Practice cases in the site-wide search: taxonomy-aware matching, all five facets, members-only fields."""

import pytest
from django.contrib.auth.models import AnonymousUser

from benchmarks.factories import AuthorityFactory, ucc_edition
from benchmarks.models import SubPillar
from practices.factories import PracticeCasePageFactory
from search import selectors

pytestmark = pytest.mark.django_db


def run(query, **kwargs):
    outcome = selectors.search(query=query, user=AnonymousUser(), **kwargs)
    return outcome, [hit.obj.title for hit in outcome.results[0:50]]


def facet_counts(outcome):
    return {facet.key: {v.value: v.count for v in facet.values} for facet in outcome.facets}


@pytest.fixture
def cases(library):
    edition = ucc_edition("2023")
    co_creation = SubPillar.objects.get(edition=edition, name="Co-creation")
    skills = SubPillar.objects.get(edition=edition, name="Skills")
    espoo = AuthorityFactory(name="Espoo", country="FI")
    ghent = AuthorityFactory(name="Ghent", country="BE")
    milan = AuthorityFactory(name="Milan", country="IT")
    return {
        "tagged": PracticeCasePageFactory(
            parent=library,
            title="Residents panel",
            user_centricity="<p>Tested with users.</p>",
            authorities=[espoo],
            tags=["co-creation"],
            principles=["citizen-engagement"],
            year_launched=2020,
            summary="A panel of residents.",
        ),
        "assigned": PracticeCasePageFactory(
            parent=library,
            title="Library redesign",
            user_centricity="<p>Tested with users.</p>",
            authorities=[ghent],
            sub_pillars=[co_creation],
            principles=["citizen-engagement", "privacy"],
            year_launched=2022,
            summary="Rooms for people.",
        ),
        "other": PracticeCasePageFactory(
            parent=library,
            title="Parking permits online",
            user_centricity="<p>Tested with users.</p>",
            authorities=[milan],
            sub_pillars=[skills],
            tags=["mobility"],
            principles=["digital-delivery"],
            year_launched=2022,
            summary="Permits for residents in one click.",
        ),
    }


def test_co_creation_finds_tagged_and_assigned_cases(cases):
    outcome, found = run("co-creation")
    assert outcome.terms == {"tag": ["co-creation"], "subpillar": ["Co-creation"]}
    assert set(found) == {"Residents panel", "Library redesign"}
    outcome, found = run("cocreation")
    assert set(found) == {"Residents panel", "Library redesign"}


def test_a_principle_name_finds_the_cases_applying_it(cases):
    outcome, found = run("citizen engagement")
    assert outcome.terms["principle"] == ["citizen-engagement"]
    assert set(found) == {"Residents panel", "Library redesign"}


def test_all_five_facets_count_in_the_database(cases):
    outcome, found = run("residents", type_key="practice")
    assert set(found) == {"Residents panel", "Parking permits online"}
    counts = facet_counts(outcome)
    assert counts["tag"] == {"co-creation": 1, "mobility": 1}
    assert counts["country"] == {"FI": 1, "IT": 1}
    assert counts["subpillar"] == {"Skills": 1}
    assert counts["principle"] == {"citizen-engagement": 1, "digital-delivery": 1}
    assert counts["year"] == {"2020": 1, "2022": 1}
    labels = {f.key: {v.value: v.label for v in f.values} for f in outcome.facets}
    assert labels["country"]["FI"] == "Finland"
    assert labels["principle"]["citizen-engagement"] == "Citizen engagement"


def test_two_facets_applied(cases):
    outcome, found = run("co-creation", filters={"country": "BE", "principle": "privacy"})
    assert found == ["Library redesign"]
    outcome, found = run("co-creation", filters={"year": "2022", "tag": "co-creation"})
    assert found == []


def test_drafts_and_members_only_fields_never_show(cases, library):
    PracticeCasePageFactory(parent=library, title="Residents draft", live=False, summary="residents")
    case = cases["other"]
    case.contact_name = "Zanzibar Quillfeather"
    case.contact_email = "zanzibar@milan.example.org"
    case.save_revision().publish()
    _, found = run("residents")
    assert "Residents draft" not in found
    assert run("zanzibar")[1] == []
    assert run("quillfeather")[1] == []
    outcome, _ = run("permits")
    snippet = next(iter(outcome.results[0:1])).snippet
    assert "zanzibar" not in snippet.lower() and "Permits" in snippet
    assert selectors.autocomplete(query="residents dr") == []


def test_a_case_title_outranks_an_authority_mention(cases, library):
    PracticeCasePageFactory(parent=library, title="Espoo", summary="A case named after the city.")
    # The authority's profile first, then the case titled exactly so, then cases of Espoo.
    outcome = selectors.search(query="espoo", user=AnonymousUser())
    first = outcome.results[0:3]
    assert first[0].result_type.key == "authority"
    assert [h.obj.title for h in first[1:]] == ["Espoo", "Residents panel"]
