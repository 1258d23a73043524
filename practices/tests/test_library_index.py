"""The library's facet index: counts and orders equal what the database says, it is read once per change of
the library's data, and every change of what it counts (publishing, unpublishing, tags, authorities...)
is seen by the next request."""

import random

import numpy as np
import pytest
from django.db.models import F
from taggit.models import Tag

from benchmarks.factories import AuthorityFactory, ucc_edition
from portal.principles import Principle
from practices import library_index
from practices.factories import PracticeCasePageFactory
from practices.models import CaseStatus, PracticeCasePage
from practices.selectors import FACET_LIMITS, LibraryFilters, library_search, live_cases


def counts(result, name):
    (found,) = [f for f in result.facets if f.name == name]
    return {value.value: value.count for value in found.values}


def reference(library, filters: LibraryFilters, text_pks=None):
    """The cases and every facet's counts, straight from the ORM with plain Python sets (no index)."""
    cases = {}
    for case in live_cases().descendant_of(library).prefetch_related("authorities", "sub_pillars", "tags"):
        cases[case.pk] = {
            "tag": {tag.slug for tag in case.tags.all()},
            "principle": set(case.principles),
            "sub_pillar": {sp.key for sp in case.sub_pillars.all()},
            "country": {a.country for a in case.authorities.all() if a.country},
            "authority": {a.slug for a in case.authorities.all()},
            "status": {case.status},
            "year": {str(case.year_launched)},
            "case": case,
        }
    chosen = {
        "tag": filters.tags,
        "principle": filters.principles,
        "sub_pillar": filters.sub_pillars,
        "country": filters.countries,
        "authority": filters.authorities,
        "status": filters.statuses,
        "year": tuple(str(y) for y in filters.years),
    }

    def passes(values, without=None):
        if text_pks is not None and values["case"].pk not in text_pks:
            return False
        return all(
            not wanted or values[name] & set(wanted) for name, wanted in chosen.items() if name != without
        )

    expected = {}
    for name in chosen:
        tally = {}
        for values in cases.values():
            if passes(values, without=name):
                for value in values[name]:
                    tally[value] = tally.get(value, 0) + 1
        expected[name] = tally
    matching = [values["case"] for values in cases.values() if passes(values)]
    return matching, expected


@pytest.fixture
def varied(library):
    """30 cases with random authorities (some sharing a country), sub-pillars, principles, tags, years."""
    rng = random.Random(4)
    edition = ucc_edition("2023")
    subpillars = list(edition.subpillars.filter(key__in=["1.1", "2.1", "2.3", "3.2", "4.1"]))
    authorities = [
        AuthorityFactory(name=f"City {i}", slug=f"city-{i}", country=["BE", "IT", "ES", ""][i % 4])
        for i in range(6)
    ]
    tags = ["co-design", "parking", "open data", "chatbot", "GDPR"]
    for i in range(30):
        PracticeCasePageFactory(
            parent=library,
            title=f"{rng.choice(['Parking', 'School', 'Waste', 'Budget'])} case {i:02d}",
            summary=rng.choice(["Residents book online.", "Parents enrol children.", "Sorted waste."]),
            authorities=rng.sample(authorities, k=rng.randint(1, 3)),
            sub_pillars=rng.sample(subpillars, k=rng.randint(0, 2)),
            principles=rng.sample(Principle.values, k=rng.randint(0, 3)),
            tags=rng.sample(tags, k=rng.randint(0, 3)),
            status=rng.choice(CaseStatus.values),
            year_launched=rng.randint(2018, 2023),
        )
    draft = PracticeCasePageFactory(parent=library, title="Draft parking", tags=["parking"])
    draft.unpublish()
    return rng


@pytest.mark.django_db
def test_counts_and_orders_equal_the_database(library, varied):
    rng = varied
    facet_values = {
        "tags": ["co-design", "parking", "open-data", "chatbot", "gdpr", "no-such-tag"],
        "principles": Principle.values,
        "sub_pillars": ["1.1", "2.1", "2.3", "3.2", "4.1"],
        "countries": ["BE", "IT", "ES", "FI"],
        "authorities": [f"city-{i}" for i in range(6)],
        "statuses": CaseStatus.values,
        "years": [2018, 2019, 2020, 2021, 2022, 2023],
    }
    expand = list(FACET_LIMITS)
    for _ in range(40):
        chosen = {
            name: tuple(rng.sample(values, k=rng.choice((0, 0, 1, 2))))
            for name, values in facet_values.items()
        }
        query = rng.choice(["", "", "parking", "parents"])
        sort = rng.choice(["", "newest", "year", "title", "relevance"])
        filters = LibraryFilters(query=query, sort=sort, **chosen)
        text_pks = None
        if query:
            text_pks = {case.pk for case in live_cases().descendant_of(library).search(query, operator="and")}
        result = library_search(library=library, filters=filters, expand=expand)
        matching, expected = reference(library, filters, text_pks)
        assert {case.pk for case in result.cases} == {case.pk for case in matching}, filters
        for name, tally in expected.items():
            got = {value: n for value, n in counts(result, name).items() if n}
            assert got == tally, (name, filters)
        ordered = live_cases().filter(pk__in=[case.pk for case in matching])
        newest = (F("first_published_at").desc(nulls_last=True), "-pk")
        expected_order = {
            "newest": ordered.order_by(*newest),
            "year": ordered.order_by("-year_launched", *newest),
            "title": ordered.order_by("title", "pk"),
        }.get(result.sort)
        if expected_order is not None:
            assert [c.pk for c in result.cases] == [c.pk for c in expected_order], filters


@pytest.mark.django_db
def test_relevance_orders_by_score_then_newest(library):
    older = PracticeCasePageFactory(parent=library, title="Parking", summary="Parking parking parking.")
    newer = PracticeCasePageFactory(parent=library, title="Waste", summary="Also about parking.")
    result = library_search(library=library, filters=LibraryFilters(query="parking"))
    assert result.sort == "relevance" and [c.pk for c in result.cases] == [older.pk, newer.pk]


@pytest.mark.django_db
def test_a_text_query_shows_only_the_librarys_live_public_cases(library):
    """On PostgreSQL the words are matched in the search index alone (search.index_query.scored), which
    knows nothing of drafts, restrictions or libraries: the facet index must leave those out."""
    from wagtail.models import PageViewRestriction

    from practices.factories import PracticeIndexPageFactory

    shown = PracticeCasePageFactory(parent=library, title="Parking permits online")
    draft = PracticeCasePageFactory(parent=library, title="Parking draft")
    draft.unpublish()
    private = PracticeCasePageFactory(parent=library, title="Parking for members")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    elsewhere = PracticeIndexPageFactory(parent=library.get_parent(), slug="elsewhere")
    other = PracticeCasePageFactory(parent=elsewhere, title="Parking elsewhere")
    result = library_search(library=library, filters=LibraryFilters(query="parking"))
    assert [case.pk for case in result.cases] == [shown.pk]
    assert counts(result, "status") == {shown.status: 1}
    assert [
        case.pk for case in library_search(library=elsewhere, filters=LibraryFilters(query="parking")).cases
    ] == [other.pk]


@pytest.mark.django_db
def test_the_index_is_read_once_per_change(library, varied, django_assert_num_queries):
    library_search(library=library, filters=LibraryFilters(tags=("parking",)))
    with django_assert_num_queries(2):  # the first sort by title reads the title order (and restrictions)
        library_search(library=library, filters=LibraryFilters(sort="title"))
    with django_assert_num_queries(0):  # facets, ids and title order from the cache; cases are read lazily
        result = library_search(library=library, filters=LibraryFilters(countries=("BE",), sort="title"))
    with django_assert_num_queries(0):  # another process: its own copy dropped, the cache's is read
        library_index.forget_local()
        library_search(library=library, filters=LibraryFilters(statuses=("live",)))
    with django_assert_num_queries(2):  # one page of cases (and the view restrictions)
        page = result.cases[:12]
    assert page and all(case.live for case in page)
    PracticeCasePageFactory(parent=library, title="New", tags=["parking"])
    with django_assert_num_queries(7):  # a change: read again (cases, link tables, names, restrictions)
        library_search(library=library, filters=LibraryFilters(tags=("parking",)))


def search(library, **filters):
    return library_search(library=library, filters=LibraryFilters(**filters), expand=list(FACET_LIMITS))


@pytest.mark.django_db
class TestChangesAreSeenAtOnce:
    def test_publish_and_unpublish(self, library, editor):
        case = PracticeCasePageFactory(parent=library, title="Usability lab", status="pilot", tags=["lab"])
        assert counts(search(library), "status") == {"pilot": 1}
        revision_case = PracticeCasePage.objects.get(pk=case.pk)
        revision_case.status = "scaled"
        revision_case.save_revision(user=editor).publish(user=editor)
        assert counts(search(library), "status") == {"scaled": 1}
        case.refresh_from_db()
        case.unpublish()
        result = search(library)
        assert result.cases.count() == 0 and counts(result, "tag") == {}
        PracticeCasePage.objects.get(pk=case.pk).save_revision(user=editor).publish(user=editor)
        assert [c.pk for c in search(library).cases] == [case.pk]

    def test_a_publish_commits_a_new_generation(self, library, django_capture_on_commit_callbacks):
        case = PracticeCasePageFactory(parent=library)
        before = library_index.generation()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case.save_revision().publish()
        assert callbacks and library_index.generation() != before

    def test_member_tags_and_editor_tag_changes(self, library, member, editor):
        from practices import services

        ghent = AuthorityFactory(name="Ghent", country="BE")
        case = PracticeCasePageFactory(parent=library, authorities=[ghent], tags=["co-design"])
        other = PracticeCasePageFactory(parent=library, authorities=[ghent], tags=["codesign"])
        assert counts(search(library), "tag") == {"co-design": 1, "codesign": 1}
        services.case_add_tags(case=case, by=member, names=["Parking"])
        assert counts(search(library), "tag") == {"co-design": 1, "codesign": 1, "parking": 1}
        tag = Tag.objects.get(slug="parking")
        tag.name = "Parking and mobility"
        tag.save()
        labels = {v.value: v.label for f in search(library).facets if f.name == "tag" for v in f.values}
        assert labels["parking"] == "Parking and mobility"
        codesign, co_design = Tag.objects.get(slug="codesign"), Tag.objects.get(slug="co-design")
        services.tags_merge(sources=[codesign], target=co_design, by=editor)
        assert counts(search(library, tags=("co-design",)), "tag") == {"co-design": 2, "parking": 1}
        Tag.objects.get(slug="parking").delete()
        assert counts(search(library), "tag") == {"co-design": 2}
        other.tagged_items.all().delete()
        assert counts(search(library), "tag") == {"co-design": 1}

    def test_authorities_sub_pillars_and_restrictions(self, library):
        from wagtail.models import PageViewRestriction

        ghent = AuthorityFactory(name="Ghent", slug="ghent", country="BE")
        case = PracticeCasePageFactory(parent=library, authorities=[ghent])
        assert counts(search(library), "country") == {"BE": 1}
        ghent.country = "NL"
        ghent.save()
        assert counts(search(library), "country") == {"NL": 1}
        milan = AuthorityFactory(name="Milan", slug="milan", country="IT")
        case.authorities.add(milan)
        case.save()  # a ClusterableModel's relations are written when it is saved
        assert counts(search(library), "authority") == {"ghent": 1, "milan": 1}
        case.sub_pillars.add(ucc_edition("2023").subpillars.get(key="2.1"))
        case.save()
        assert counts(search(library), "sub_pillar") == {"2.1": 1}
        PageViewRestriction.objects.create(page=library, restriction_type=PageViewRestriction.LOGIN)
        assert search(library).cases.count() == 0

    def test_deleted_and_moved_cases(self, library):
        from practices.factories import PracticeIndexPageFactory

        first = PracticeCasePageFactory(parent=library)
        second = PracticeCasePageFactory(parent=library)
        assert search(library).cases.count() == 2
        first.delete()
        assert [c.pk for c in search(library).cases] == [second.pk]
        elsewhere = PracticeIndexPageFactory(parent=library.get_parent(), slug="elsewhere")
        search(elsewhere)
        second.move(elsewhere, pos="last-child")
        assert search(library).cases.count() == 0
        assert [c.pk for c in search(elsewhere).cases] == [second.pk]


@pytest.mark.django_db
def test_a_case_unpublished_behind_the_index_back_is_never_shown(library):
    shown = PracticeCasePageFactory(parent=library)
    hidden = PracticeCasePageFactory(parent=library)
    library_search(library=library, filters=LibraryFilters())
    PracticeCasePage.objects.filter(pk=hidden.pk).update(live=False)  # no signal: the index is stale
    result = library_search(library=library, filters=LibraryFilters())
    assert [c.pk for c in result.cases] == [shown.pk]


def test_bitsets():
    bits = library_index.bitset([0, 3, 9, 70], 80)
    assert bits.bit_count() == 4
    assert library_index.positions(bits, 80) == [0, 3, 9, 70]
    assert library_index.positions(0, 80) == []
    assert library_index.in_order(bits, 80, np.arange(79, -1, -1)) == [70, 9, 3, 0]
    by_value = library_index._bitsets(np.array([0, 3, 3, 70]), np.array([5, 5, 2, 5]), 80)
    assert by_value == {5: library_index.bitset([0, 3, 70], 80), 2: library_index.bitset([3], 80)}


@pytest.mark.django_db
def test_ticked_values_without_cases_stay_visible_by_name(library):
    PracticeCasePageFactory(parent=library, tags=["parking"])
    draft = PracticeCasePageFactory(parent=library, tags=["Co-design"])
    draft.unpublish()  # the tag exists, on no live case
    result = library_search(library=library, filters=LibraryFilters(tags=("co-design", "no-such-tag")))
    (tags,) = [f for f in result.facets if f.name == "tag"]
    assert [(v.value, v.label, v.count, v.selected) for v in tags.values] == [
        ("parking", "parking", 1, False),
        ("co-design", "Co-design", 0, True),
        ("no-such-tag", "no-such-tag", 0, True),
    ]
    assert result.cases.count() == 0
