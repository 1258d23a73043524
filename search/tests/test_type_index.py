"""The in-memory search of practice cases (search/type_index.py) against the database's own answers.

Every count, facet count, tier and date order of the bitset path must equal what the ORM path
(`_TypeSearch`, queries over the same registry definitions) finds for the same query and filters.
"""

import dataclasses
import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from wagtail.models import PageViewRestriction

from benchmarks.factories import AuthorityFactory, ucc_edition
from benchmarks.models import SubPillar
from practices.factories import PracticeCasePageFactory, PracticeIndexPageFactory
from search import index_query, registry, selectors, type_index

pytestmark = pytest.mark.django_db

QUERIES = ["residents", "co-creation", "permits online", "parking permits online", "panel", "espoo"]
FILTERS = [
    {},
    {"country": "FI"},
    {"tag": "co-creation", "year": "2022"},
    {"principle": "privacy"},
    {"subpillar": "Skills"},
    {"country": "IT", "principle": "digital-delivery"},
    {"year": "1999"},
]


@pytest.fixture
def cases(library, home):
    edition = ucc_edition("2023")
    co_creation = SubPillar.objects.get(edition=edition, name="Co-creation")
    skills = SubPillar.objects.get(edition=edition, name="Skills")
    espoo = AuthorityFactory(name="Espoo", country="FI")
    ghent = AuthorityFactory(name="Ghent", country="BE")
    milan = AuthorityFactory(name="Milan", country="IT")
    now = timezone.now()
    specs = [
        ("Residents panel", [espoo], ["co-creation"], [co_creation], ["citizen-engagement"], 2020),
        ("Library redesign", [ghent], [], [co_creation], ["citizen-engagement", "privacy"], 2022),
        ("Parking permits online", [milan], ["mobility"], [skills], ["digital-delivery"], 2022),
        ("Parking permits", [milan, espoo], ["mobility", "co-creation"], [skills], ["privacy"], 2022),
        ("Permits for residents of Espoo", [espoo], ["co-creation"], [], [], 2021),
        ("Espoo", [espoo], [], [skills, co_creation], ["privacy", "digital-delivery"], 2019),
    ]
    made = []
    for i, (title, authorities, tags, sub_pillars, principles, year) in enumerate(specs):
        case = PracticeCasePageFactory(
            parent=library,
            title=title,
            summary=f"Residents and permits, case {i}.",
            authorities=authorities,
            tags=tags,
            sub_pillars=sub_pillars,
            principles=principles,
            year_launched=year,
        )
        # Distinct publication dates, not in key order, so that date order and key order differ.
        case.first_published_at = now - datetime.timedelta(days=(i * 7) % 5)
        case.save()
        made.append(case)
    # Never visible: a draft, and a live case in a restricted library.
    PracticeCasePageFactory(parent=library, title="Residents draft", live=False, summary="residents")
    private = PracticeIndexPageFactory(parent=home, slug="private-practices")
    PracticeCasePageFactory(parent=private, title="Residents secret", summary="residents permits")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return made


def both(query):
    """The practice type's search in memory and in the database, for one query."""
    rt = registry.get("practice")
    terms = selectors.expand_query(query)
    index = selectors.index_matches(query, registry.result_types())
    memory = selectors.type_search(rt, query=query, terms=terms, user=AnonymousUser(), index=index)
    plain = dataclasses.replace(rt, index_generation=None)
    database = selectors._TypeSearch(plain, query=query, terms=terms, user=AnonymousUser(), index=index)
    return memory, database


def test_practice_cases_are_searched_in_memory(cases):
    memory, database = both("residents")
    assert isinstance(memory, selectors._IndexedTypeSearch)
    assert type(database) is selectors._TypeSearch


@pytest.mark.parametrize("query", QUERIES)
def test_counts_facets_tiers_and_dates_equal_the_database(cases, query):
    memory, database = both(query)
    assert database.count({}) > 0  # the query finds something, so the comparisons say something
    for filters in FILTERS:
        assert memory.count(filters) == database.count(filters), filters
        assert sorted(memory.filtered(filters)) == sorted(database.filtered(filters)), filters
        for facet in registry.FACETS:
            assert memory.facet_counts(facet, filters) == database.facet_counts(facet, filters), (
                facet,
                filters,
            )
        assert memory.tiers(filters) == database.tiers(filters), filters
        newest = [(c.pk, c.date) for c in memory.newest(filters, limit=4)]
        assert newest == [(c.pk, c.date) for c in database.newest(filters, limit=4)], filters


def test_the_index_follows_changes_of_the_library(cases):
    def practice_count(query, **filters):
        outcome = selectors.search(query=query, user=AnonymousUser(), filters=filters)
        return next(t.count for t in outcome.types if t.key == "practice")

    assert practice_count("parking") == 2
    cases[2].unpublish()
    assert practice_count("parking") == 1
    assert practice_count("parking", tag="payments") == 0
    cases[3].tags.add("payments")
    cases[3].save_revision().publish()
    assert practice_count("parking", tag="payments") == 1
    # A tag renamed: its facet value follows.
    from taggit.models import Tag

    tag = Tag.objects.get(name="mobility")
    tag.name = "transport"
    tag.save()
    assert practice_count("parking", tag="transport") == 1
    assert practice_count("parking", tag="mobility") == 0
    PracticeCasePageFactory(parent=cases[0].get_parent(), title="Parking meters", summary="parking")
    assert practice_count("parking") == 2


def test_an_index_is_read_once_per_generation(cases):
    rt = registry.get("practice")
    type_index.forget_local()
    first = type_index.type_index(rt)
    assert type_index.type_index(rt) is first
    type_index.forget_local()  # another process: the cache's copy, not a new read
    again = type_index.type_index(rt)
    assert list(again.pks) == list(first.pks)
    assert set(first.postings) == set(rt.facets)
    cases[0].save()  # a new generation
    assert type_index.type_index(rt) is not first


def test_keys_and_bits_round_trip():
    index = type_index.TypeIndex(
        pks=type_index.np.array([3, 8, 20, 41], dtype=type_index.np.int64),
        dates=[None] * 4,
        newest=type_index.np.array([3, 2, 1, 0]),
        postings={},
        title_words={},
        exact_titles={},
    )
    bits = index.bits_of_keys([41, 8, 5, 100])  # keys not in the index are left out
    assert bits == 0b1010
    assert index.keys_of(bits) == [8, 41]
    assert index.newest_of(bits, 1) == [(41, None)]
    assert index.bits_of_keys([]) == 0 and index.keys_of(0) == []


def _key_params(keys):
    from django.db import connection
    from wagtail.search.models import IndexEntry

    queryset = IndexEntry.objects.filter(index_query.KeyIn("object_id", keys))
    _sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return connection.vendor, list(params)


def test_digit_string_keys_are_sent_as_one_array_literal(db):
    vendor, params = _key_params(["12", "7", "301"])
    if vendor == "postgresql":
        assert params == ["{12,7,301}"]
        # Anything else is adapted key by key (never spliced into the literal).
        assert _key_params(["12", "7,8"])[1] == [["12", "7,8"]]
        assert _key_params(["12", "\u0663"])[1] == [["12", "\u0663"]]  # a digit, but not an ASCII one
    else:
        assert params == ["12", "7", "301"]


def test_index_keys_become_the_models_keys():
    from practices.models import PracticeCasePage

    rows = [("12", 0.5), ("7", None)]
    assert index_query._keys_to_python(PracticeCasePage, rows) == [(12, 0.5), (7, None)]
